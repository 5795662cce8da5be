"""RSS/Atom feeds (Google Alerts first): fetched by us, parsed from bytes, keyed by entry id."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import feedparser
import httpx

from bot import netguard
from bot.models import Mention
from bot.sources.base import (
    ConfiguredSource,
    ContentError,
    FetchResult,
    InvalidTargetError,
    SourceConfig,
    SourceKind,
    SourceSpec,
    SourceState,
)
from bot.sources.http import ACCEPT_FEED, fetch, host_of
from bot.sources.text import MAX_RAW_CHARS, cap, html_to_line, html_to_text, one_line

MAX_ENTRIES = 1000
# Above this size, parsing runs in a worker thread so the bots keep answering.
THREAD_PARSE_BYTES = 256 * 1024

_HTML_START = re.compile(rb"<(?:!doctype\s+)?html[\s>]", re.IGNORECASE)
_ITEM_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(item|entry)(?=[\s/>])[^>]*?(/?)>", re.IGNORECASE)


def unwrap_google_redirect(url: str) -> str:
    """The real link behind a `google.com/url?...&url=` redirect (Google Alerts), else `url`."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = (parts.hostname or "").removeprefix("www.")
    if parts.path != "/url" or not (host == "google.com" or host.startswith("google.")):
        return url
    query = parse_qs(parts.query)
    for key in ("url", "q"):
        for target in query.get(key, []):
            if target.startswith(("https://", "http://")):
                return target
    return url


def is_google_alerts(url: str) -> bool:
    """True for a Google Alerts feed address."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").removeprefix("www.")
    return host.startswith("google.") and parts.path.startswith("/alerts/feeds/")


def normalize_url(text: str, example: str) -> str:
    """Clean a web address typed in a chat; raise `InvalidTargetError` with an example."""
    url = text.strip().strip("<>").split("|", 1)[0].strip()
    if not url:
        raise InvalidTargetError(
            f"Il manque l'adresse. Exemple : {example}",
            lambda say: say.address_missing(example),
        )
    if "://" not in url:
        url = "https://" + url
    if len(url) > 2000:
        raise InvalidTargetError(
            "Cette adresse est trop longue (plus de 2 000 caractères).",
            lambda say: say.address_too_long(),
        )
    try:
        netguard.check_scheme(url)
    except netguard.UnsafeURLError as exc:
        said = exc.sentence
        raise InvalidTargetError(
            f"{exc} Exemple : {example}",
            (lambda say: say.with_example(said(say), example)) if said else None,
        ) from exc
    return url


class FeedSource(ConfiguredSource):
    """Any RSS or Atom feed, with Google Alerts' redirect links and bold titles undone."""

    kind = SourceKind.FEED.value
    default_interval_s = 900

    def normalize(self, target: str, selector: str | None) -> tuple[str, str | None]:
        """Check the feed address; a feed takes no selector."""
        return normalize_url(
            target, "/source flux https://www.google.com/alerts/feeds/123/456"
        ), None

    def describe(self, spec: SourceSpec) -> str:
        """« Alerte Google · n° …456 » or « Flux RSS · exemple.fr »."""
        if is_google_alerts(spec.target):
            return f"Alerte Google · n° …{spec.target.rstrip('/').rsplit('/', 1)[-1][-6:]}"
        return f"Flux RSS · {host_of(spec.target)}"

    async def fetch(
        self, client: httpx.AsyncClient, spec: SourceSpec, state: SourceState
    ) -> FetchResult:
        """Fetch the feed (conditional GET) and turn its entries into mentions."""
        return await fetch_feed(client, spec.target, self.config, spec, state)


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    config: SourceConfig,
    spec: SourceSpec,
    state: SourceState,
    *,
    trusted: bool = False,
    summary: Callable[[str], str] | None = None,
) -> FetchResult:
    """Fetch a feed URL with our guarded client and parse it; shared by feeds and news.

    `summary` rewrites each entry's HTML body before it becomes text (news keeps its own
    snippet out of a cluster of headlines)."""
    response = await fetch(
        client,
        url,
        config,
        headers={"Accept": ACCEPT_FEED},
        etag=state.etag,
        last_modified=state.last_modified,
        trusted=trusted,
    )
    new_state = SourceState(
        etag=response.etag or state.etag,
        last_modified=response.last_modified or state.last_modified,
    )
    if response.not_modified:
        return FetchResult(mentions=[], state=new_state, not_modified=True)
    content_type = response.headers.get("content-type", "")
    if len(response.body) > THREAD_PARSE_BYTES:
        mentions, title = await asyncio.to_thread(
            parse_feed, response.body, response.url, content_type, spec, summary
        )
    else:
        mentions, title = parse_feed(response.body, response.url, content_type, spec, summary)
    return FetchResult(mentions=mentions, state=new_state, summary={"title": title})


def parse_feed(
    body: bytes,
    url: str,
    content_type: str,
    spec: SourceSpec,
    summary: Callable[[str], str] | None = None,
) -> tuple[list[Mention], str | None]:
    """Parse feed bytes into mentions and the feed's title; `ContentError` when unreadable."""
    if not body.strip():
        raise ContentError(
            f"Le flux {url[:300]} est vide : vérifiez l'adresse.",
            permanent=True,
            sentence=lambda say: say.feed_empty(url[:300]),
        )
    try:
        parsed = feedparser.parse(
            io.BytesIO(body),
            # No base URL: entry ids stay as the feed wrote them (stable keys); links are
            # resolved below, and summaries only serve as text.
            response_headers={"content-type": content_type},
            resolve_relative_uris=False,
            sanitize_html=True,
        )
        entries: list[dict[str, Any]] = list(dict.get(parsed, "entries") or [])[:MAX_ENTRIES]
        version = str(dict.get(parsed, "version") or "")
    except Exception as exc:  # feedparser has no documented exception set
        error = type(exc).__name__
        raise ContentError(
            f"Le flux {url[:300]} est illisible ({error}).",
            permanent=True,
            sentence=lambda say: say.feed_unreadable(url[:300], error),
        ) from exc
    if not version and not entries:
        if not _looks_like_html(body, content_type) and dict.get(parsed, "bozo"):
            detail = str(dict.get(parsed, "bozo_exception") or "XML mal formé")[:200]
            raise ContentError(
                f"Le flux {url[:300]} est illisible ({detail}). Vérifiez que l'adresse mène "
                "bien à un flux RSS ou Atom.",
                permanent=True,
                sentence=lambda say: say.feed_malformed(url[:300], detail),
            )
        raise ContentError(
            f"L'adresse {url[:300]} ne renvoie pas un flux RSS ou Atom. Pour surveiller une "
            "page web, utilisez : /source page URL SÉLECTEUR (exemple : "
            "/source page https://exemple.fr/avis .avis).",
            permanent=True,
            sentence=lambda say: say.not_a_feed(url[:300]),
        )
    raws = _raw_items(body, str(dict.get(parsed, "encoding") or "utf-8"), len(entries))
    mentions = [
        _mention(entry, raws[i] if raws else None, spec, url, summary)
        for i, entry in enumerate(entries)
    ]
    feed_info = dict.get(parsed, "feed") or {}
    title = dict.get(feed_info, "title")
    return mentions, html_to_line(title) if isinstance(title, str) and title else None


def _looks_like_html(body: bytes, content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media in ("text/html", "application/xhtml+xml") or bool(_HTML_START.search(body[:4096]))


def _mention(
    entry: dict[str, Any],
    raw: str | None,
    spec: SourceSpec,
    url: str,
    summary: Callable[[str], str] | None = None,
) -> Mention:
    href = _text_field(entry, "link")
    link = unwrap_google_redirect(urljoin(url, href)) if href else None
    title = html_to_line(_text_field(entry, "title")) or None
    contents = dict.get(entry, "content")
    body_html = ""
    if isinstance(contents, list) and contents and isinstance(contents[0], Mapping):
        body_html = str(contents[0].get("value") or "")
    if not body_html:
        body_html = _text_field(entry, "summary")
    text = html_to_text(summary(body_html) if summary else body_html)
    external_id = _text_field(entry, "id") or link or _digest(f"{title}\n{text}")
    author = one_line(_text_field(entry, "author"), 200) or None
    if raw is None:
        raw = json.dumps(
            {"id": external_id, "title": title, "link": link, "summary": body_html},
            ensure_ascii=False,
        )
    return Mention(
        source_id=spec.id,
        external_id=cap(external_id, 1000),
        url=link,
        title=title,
        text=text,
        author=author,
        rating=None,
        published_at=_published(entry),
        scoped_watch_id=spec.watch_id,
        raw=cap(raw, MAX_RAW_CHARS),
    )


def _text_field(entry: dict[str, Any], key: str) -> str:
    value = dict.get(entry, key)
    return value.strip() if isinstance(value, str) else ""


def _published(entry: dict[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = dict.get(entry, key)
        if isinstance(value, time.struct_time):
            try:
                return datetime(*value[:6], tzinfo=UTC)
            except ValueError:
                continue
    return None


def _digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _raw_items(body: bytes, encoding: str, expected: int) -> list[str] | None:
    """The XML text of each item/entry, in order; None when it cannot be matched reliably."""
    if not expected:
        return None
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for match in _ITEM_TAG.finditer(body):
        closing, self_closing = bool(match.group(1)), bool(match.group(3))
        if self_closing:
            continue
        if not closing:
            if depth == 0:
                start = match.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((start, match.end()))
                if len(spans) > expected:
                    return None
    if len(spans) != expected:
        return None
    try:
        return [body[s:e].decode(encoding, errors="replace") for s, e in spans]
    except LookupError:
        return [body[s:e].decode("utf-8", errors="replace") for s, e in spans]
