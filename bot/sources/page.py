"""Web pages without a feed: the reviews a page marks up (schema.org), or the items a CSS
selector picks, each keyed by something stable (element id, permalink, author and date)."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import re
import threading
import warnings
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import httpx
import soupsieve
from bs4 import BeautifulSoup, Tag

from bot.models import Mention
from bot.sources.base import (
    ConfiguredSource,
    ContentError,
    FetchResult,
    InvalidTargetError,
    SourceKind,
    SourceSpec,
    SourceState,
)
from bot.sources.feed import normalize_url
from bot.sources.http import ACCEPT_HTML, fetch, host_of
from bot.sources.schema_reviews import extract
from bot.sources.text import MAX_RAW_CHARS, cap, html_to_line, html_to_text, one_line

if TYPE_CHECKING:
    from bot.messages import Messages

MAX_ITEMS = 500
MAX_SELECTOR_CHARS = 300
_EXAMPLE = "/source page https://exemple.fr/avis .avis"
SCHEMA_ADVICE = (
    "Cette page ne publie pas ses avis en données structurées schema.org (Review, "
    "AggregateRating) : Vigie a besoin d'un sélecteur CSS qui désigne chaque avis. Ouvrez la "
    "page dans un navigateur, clic droit sur un avis, « Inspecter », et relevez la classe du "
    "bloc qui l'entoure. Exemple : /source page https://exemple.fr/avis .avis"
)
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
_HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]
_AUTHOR_CLASS = re.compile(r"author|auteur|reviewer|user-?name|pseudo", re.IGNORECASE)
# bs4 reports odd markup through `warnings`; silencing them touches process-wide state,
# so page parses (in worker threads) take turns.
_PARSE_LOCK = threading.Lock()


def validate_selector(selector: str | None) -> str:
    """A CSS selector soupsieve can compile; French error with examples otherwise."""
    text = (selector or "").strip()
    if not text:
        raise InvalidTargetError(
            "Il manque le sélecteur CSS des éléments à surveiller (par exemple .avis, "
            f"article.review ou #commentaires li). Exemple : {_EXAMPLE}",
            lambda say: say.selector_missing(_EXAMPLE),
        )
    if len(text) > MAX_SELECTOR_CHARS:
        raise InvalidTargetError(
            "Ce sélecteur CSS est trop long (plus de 300 caractères).",
            lambda say: say.selector_too_long(MAX_SELECTOR_CHARS),
        )
    try:
        soupsieve.compile(text)
    except (soupsieve.SelectorSyntaxError, ValueError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InvalidTargetError(
            f"Le sélecteur CSS « {text} » est invalide ({first_line}). "
            f"Exemples valides : .avis, article.review, #commentaires li. Exemple : {_EXAMPLE}",
            lambda say: say.selector_invalid(text, first_line, _EXAMPLE),
        ) from exc
    return text


def item_key(text: str) -> str:
    """The stable key of an item: a hash of its whitespace-normalised text."""
    digest = hashlib.sha256(one_line(text, 1_000_000).encode("utf-8")).hexdigest()
    return "sha256:" + digest[:32]


class PageSource(ConfiguredSource):
    """A page's items picked by a CSS selector; a new text is a new item."""

    kind = SourceKind.PAGE.value
    default_interval_s = 3600

    def normalize(self, target: str, selector: str | None) -> tuple[str, str | None]:
        """Check the page address and the selector (none: the page's schema.org reviews)."""
        url = normalize_url(target, _EXAMPLE)
        if selector is None or not selector.strip():
            return url, None
        return url, validate_selector(selector)

    def describe(self, spec: SourceSpec) -> str:
        """« Page web · exemple.fr (.avis) », or « (avis schema.org) » without a selector."""
        how = cap(spec.selector, 40) if spec.selector else "avis schema.org"
        return f"Page web · {host_of(spec.target)} ({how})"

    async def fetch(
        self, client: httpx.AsyncClient, spec: SourceSpec, state: SourceState
    ) -> FetchResult:
        """Fetch the page (conditional GET) and list its reviews or the selected items."""
        selector = validate_selector(spec.selector) if spec.selector else None
        response = await fetch(
            client,
            spec.target,
            self.config,
            headers={"Accept": ACCEPT_HTML},
            etag=state.etag,
            last_modified=state.last_modified,
        )
        new_state = SourceState(
            etag=response.etag or state.etag,
            last_modified=response.last_modified or state.last_modified,
            listing=state.listing,
        )
        if response.not_modified:
            return FetchResult(mentions=[], state=new_state, not_modified=True, complete=False)
        if response.content_type and response.content_type not in _HTML_TYPES:
            raise ContentError(
                f"L'adresse {response.url[:300]} ne renvoie pas une page web "
                f"({response.content_type}). Donnez l'adresse de la page qui affiche les avis.",
                permanent=True,
                sentence=functools.partial(_not_a_page, response.url[:300], response.content_type),
            )
        # Always in a worker thread: the event loop must never wait on `_PARSE_LOCK`.
        if selector is None:
            return await asyncio.to_thread(
                parse_schema_page, response.body, response.url, response.charset, spec, new_state
            )
        mentions, title, complete = await asyncio.to_thread(
            parse_page, response.body, response.url, response.charset, selector, spec
        )
        return FetchResult(
            mentions=mentions,
            state=new_state,
            complete=complete,
            summary={"title": title, "items": len(mentions)},
        )


def parse_schema_page(
    body: bytes, url: str, charset: str | None, spec: SourceSpec, state: SourceState
) -> FetchResult:
    """The page's schema.org reviews as mentions, with its aggregate rating and count."""
    with _PARSE_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            soup = BeautifulSoup(body, "html.parser", from_encoding=charset)
            data = extract(soup, url)
        except Exception as exc:  # html.parser may fail on hostile markup
            error = type(exc).__name__
            raise ContentError(
                f"La page {url[:300]} est illisible ({error}).",
                permanent=True,
                sentence=functools.partial(_unreadable_page, url[:300], error),
            ) from exc
        title_tag = soup.find("title")
        title = html_to_line(title_tag.get_text()) if isinstance(title_tag, Tag) else None
    if not data.found:
        raise ContentError(SCHEMA_ADVICE, permanent=True)
    mentions = [
        Mention(
            source_id=spec.id,
            external_id=review.key,
            url=review.url,
            title=review.title,
            text=review.text,
            author=review.author,
            rating=review.rating,
            published_at=review.published_at,
            scoped_watch_id=spec.watch_id,
            raw=None,
        )
        for review in data.reviews
    ]
    return FetchResult(
        mentions=mentions,
        state=state,
        complete=len(data.reviews) < MAX_ITEMS,
        summary={
            "title": title or None,
            "name": title or None,
            "items": len(mentions),
            "rating": data.rating,
            "count": data.count,
            "syntax": ",".join(sorted(data.syntaxes)),
        },
    )


def parse_page(
    body: bytes, url: str, charset: str | None, selector: str, spec: SourceSpec
) -> tuple[list[Mention], str | None, bool]:
    """The selected items of a page as mentions, its title, and whether none was left out."""
    with _PARSE_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            soup = BeautifulSoup(body, "html.parser", from_encoding=charset)
            items = soup.select(selector, limit=MAX_ITEMS)
        except Exception as exc:  # html.parser and soupsieve may fail on hostile markup
            error = type(exc).__name__
            raise ContentError(
                f"La page {url[:300]} est illisible ({error}).",
                permanent=True,
                sentence=functools.partial(_unreadable_page, url[:300], error),
            ) from exc
        title_tag = soup.find("title")
        title = html_to_line(title_tag.get_text()) if isinstance(title_tag, Tag) else None
        found = [m for item in items if (m := _mention(item, url, spec)) is not None]
        # A stable key shared by two items (a link every item carries) identifies neither.
        counts = Counter(m.external_id for m in found)
        mentions: list[Mention] = []
        seen: set[str] = set()
        for mention in found:
            if counts[mention.external_id] > 1:
                mention = replace(mention, external_id=item_key(mention.text))
            text_key = item_key(mention.text)  # the same text listed twice is one item
            if mention.external_id not in seen and text_key not in seen:
                seen.update((mention.external_id, text_key))
                mentions.append(mention)
    if not mentions:
        raise ContentError(
            f"Le sélecteur « {selector} » ne trouve aucun élément sur {url[:300]}. La page a "
            "peut-être changé de présentation, ou s'affiche par JavaScript. Vérifiez le "
            f"sélecteur. Exemple : {_EXAMPLE}",
            permanent=True,
            sentence=lambda say: say.selector_finds_nothing(selector, url[:300], _EXAMPLE),
        )
    return mentions, title or None, len(items) < MAX_ITEMS


def _mention(item: Tag, page_url: str, spec: SourceSpec) -> Mention | None:
    raw = str(item)
    text = html_to_text(raw)
    if not text:
        return None
    heading = item.find(_HEADINGS)
    title = html_to_line(heading.get_text(" ")) if isinstance(heading, Tag) else None
    link = _item_link(item, page_url)
    return Mention(
        source_id=spec.id,
        external_id=stable_key(item, page_url, link, text),
        url=link,
        title=title or None,
        text=text,
        author=None,
        rating=None,
        published_at=None,
        scoped_watch_id=spec.watch_id,
        raw=cap(raw, MAX_RAW_CHARS),
    )


def stable_key(item: Tag, page_url: str, link: str, text: str) -> str:
    """What identifies an item across edits: its element id, its own link, or author and date.

    Only when none exists does the key fall back to a hash of the text, where an edit reads
    as one item gone and another new.
    """
    element_id = item.get("id") or item.get("data-review-id") or item.get("data-id")
    if isinstance(element_id, str) and element_id.strip():
        return "id:" + cap(element_id.strip(), 300)
    if link != page_url:
        return "url:" + cap(link, 1000)
    stamp = item.find("time")
    when = stamp.get("datetime") if isinstance(stamp, Tag) else None
    author = item.find(class_=_AUTHOR_CLASS)
    who = html_to_line(author.get_text(" ")) if isinstance(author, Tag) else ""
    if isinstance(when, str) and when.strip() and who:
        return "by:" + cap(f"{who}|{when.strip()}", 400)
    return item_key(text)


def _item_link(item: Tag, page_url: str) -> str:
    anchor = item if item.name == "a" and item.get("href") else item.find("a", href=True)
    if isinstance(anchor, Tag):
        href = anchor.get("href")
        if isinstance(href, str) and href.strip():
            link = urljoin(page_url, href.strip())
            if link.startswith(("https://", "http://")):
                return link
    return page_url


def _not_a_page(url: str, content_type: str, say: Messages) -> str:
    """« This address is not a web page » in a team's language."""
    return say.not_a_page(url, content_type)


def _unreadable_page(url: str, error: str, say: Messages) -> str:
    """« This page cannot be read » in a team's language."""
    return say.page_unreadable(url, error)
