"""Reviews a page publishes as schema.org data (JSON-LD, microdata, RDFa Lite), without a selector.

Review sites mark their reviews up for search engines: `Review` items with an author, a date, a
`reviewRating` and a `reviewBody`, and the listing's `AggregateRating` (`ratingValue`,
`reviewCount`). Reading that markup spares a practice secretary from writing a CSS selector.

Parsed here with BeautifulSoup (already a dependency) rather than extruct: extruct pulls in
thirteen packages (rdflib, pyrdfa3, html5lib, mf2py, requests…) for the three syntaxes and the
handful of properties used here, and pyRdfa may fetch remote vocabularies, which a guarded
fetcher must not allow.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from bot.sources.text import clean_text, html_to_text, one_line

MAX_REVIEWS = 500
MAX_JSON_LD_CHARS = 2_000_000
_REVIEW_TYPES = re.compile(r"(^|[/#:])(\w*Review)$")
_RATING_TYPES = re.compile(r"(^|[/#:])AggregateRating$")
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")

_BLOCK_TAGS = ["p", "br", "div", "li", "ul", "ol", "blockquote", "h1", "h2", "h3", "h4", "tr"]

Item = dict[str, list[object]]


@dataclass(frozen=True, slots=True)
class SchemaReview:
    """One review read from the markup, with the key that identifies it across polls."""

    key: str
    author: str | None
    published_at: datetime | None
    rating: int | None
    text: str
    title: str | None
    url: str | None


@dataclass(slots=True)
class SchemaData:
    """What a page says about its reviews."""

    reviews: list[SchemaReview] = field(default_factory=list)
    rating: float | None = None
    count: int | None = None
    syntaxes: set[str] = field(default_factory=set)

    @property
    def found(self) -> bool:
        """True when the page carries any review or aggregate rating."""
        return bool(self.reviews) or self.rating is not None or self.count is not None


def extract(soup: BeautifulSoup, page_url: str) -> SchemaData:
    """Every schema.org review and the aggregate rating, from the three syntaxes."""
    data = SchemaData()
    seen: set[str] = set()
    sources = (
        ("json-ld", _json_ld_items(soup)),
        ("microdata", _attr_items(soup, "itemscope", "itemtype", "itemprop")),
        ("rdfa", _attr_items(soup, "typeof", "typeof", "property")),
    )
    for syntax, items in sources:
        for types, item, element_id in items:
            if any(_RATING_TYPES.search(t) for t in types):
                _aggregate(data, item)
                data.syntaxes.add(syntax)
            elif any(_REVIEW_TYPES.search(t) for t in types):
                review = _review(item, element_id, page_url)
                if (
                    review is not None
                    and review.key not in seen
                    and len(data.reviews) < MAX_REVIEWS
                ):
                    seen.add(review.key)
                    data.reviews.append(review)
                    data.syntaxes.add(syntax)
            nested = _first(item, "aggregateRating")
            if isinstance(nested, dict):
                _aggregate(data, nested)
                data.syntaxes.add(syntax)
    return data


# --- JSON-LD -------------------------------------------------------------------------------


def _json_ld_items(soup: BeautifulSoup) -> Iterator[tuple[list[str], Item, str | None]]:
    for script in soup.find_all("script"):
        if not isinstance(script, Tag):
            continue
        kind = str(script.get("type") or "").split(";")[0].strip().lower()
        if kind != "application/ld+json":
            continue
        text = script.string or script.get_text() or ""
        text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
        text = text.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
        if not text or len(text) > MAX_JSON_LD_CHARS:
            continue
        try:
            parsed = json.loads(text)
        except ValueError:
            continue
        yield from _walk_json(parsed, depth=0)


def _walk_json(node: object, depth: int) -> Iterator[tuple[list[str], Item, str | None]]:
    if depth > 12:
        return
    if isinstance(node, list):
        for child in node:
            yield from _walk_json(child, depth + 1)
        return
    if not isinstance(node, dict):
        return
    raw_type = node.get("@type")
    types = (
        [raw_type] if isinstance(raw_type, str) else raw_type if isinstance(raw_type, list) else []
    )
    item: Item = {k: (v if isinstance(v, list) else [v]) for k, v in node.items()}
    ident = node.get("@id")
    yield [str(t) for t in types], item, ident if isinstance(ident, str) else None
    for key, value in node.items():
        if key in ("@type", "@id", "@context"):
            continue
        yield from _walk_json(value, depth + 1)


# --- microdata and RDFa Lite ------------------------------------------------------------------


def _attr_items(
    soup: BeautifulSoup, scope: str, type_attr: str, prop_attr: str
) -> Iterator[tuple[list[str], Item, str | None]]:
    for element in soup.find_all(attrs={scope: True}):
        if not isinstance(element, Tag):
            continue
        types = str(element.get(type_attr) or "").split()
        if not any(_REVIEW_TYPES.search(t) or _RATING_TYPES.search(t) for t in types):
            continue  # a wrapper (LocalBusiness…): its reviews and rating are items themselves
        ident = element.get("itemid") or element.get("resource") or element.get("id")
        yield (
            types,
            _props(element, scope, prop_attr, depth=0),
            (str(ident) if isinstance(ident, str) and ident.strip() else None),
        )


def _props(element: Tag, scope: str, prop_attr: str, depth: int) -> Item:
    """The properties of one item: descendants up to (and including) nested items."""
    item: Item = {}
    for child in element.find_all(True, recursive=False):
        if not isinstance(child, Tag):
            continue
        names = str(child.get(prop_attr) or "").split()
        if names:
            nested = child.has_attr(scope) and depth < 6
            value: object = _props(child, scope, prop_attr, depth + 1) if nested else _value(child)
            if nested and isinstance(value, dict):
                value = {**value, "@type": str(child.get("itemtype") or child.get("typeof") or "")}
            for name in names:
                item.setdefault(name.rsplit(":", 1)[-1].rsplit("/", 1)[-1], []).append(value)
            if nested:
                continue
        if not child.has_attr(scope):
            for key, values in _props(child, scope, prop_attr, depth).items():
                item.setdefault(key, []).extend(values)
    return item


def _value(element: Tag) -> str:
    for attr in ("content", "datetime"):
        value = element.get(attr)
        if isinstance(value, str):
            return value
    if element.name in ("a", "link", "area"):
        value = element.get("href")
        if isinstance(value, str):
            return value
    if element.name in ("img", "audio", "video", "source", "iframe", "embed"):
        value = element.get("src")
        if isinstance(value, str):
            return value
    if element.name == "meta":
        return ""
    if element.find(_BLOCK_TAGS) is None:  # plain inline text: no need to re-read the markup
        return clean_text(element.get_text())
    return html_to_text(str(element))


# --- reading items ----------------------------------------------------------------------------


def _first(item: Item, *names: str) -> object:
    for name in names:
        for value in item.get(name, []):
            if value not in (None, "", [], {}):
                return value
    return None


def _text_of(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        for key in ("name", "@value", "text"):
            inner = value.get(key)
            if isinstance(inner, list):
                inner = inner[0] if inner else None
            if isinstance(inner, str | int | float):
                return str(inner)
    return ""


def _number(value: object) -> float | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            return None
    return None


def _aggregate(data: SchemaData, item: dict[str, object] | Item) -> None:
    values = {k: (v if isinstance(v, list) else [v]) for k, v in item.items()}
    rating = _number(_first(values, "ratingValue"))
    best = _number(_first(values, "bestRating")) or 5.0
    count = _number(_first(values, "reviewCount", "ratingCount"))
    if rating is not None and data.rating is None:
        data.rating = round(rating * 5.0 / best, 2) if best > 0 else rating
    if count is not None and count >= 0 and (data.count is None or count > data.count):
        data.count = int(count)


def _stars(item: Item) -> int | None:
    rating = _first(item, "reviewRating")
    values: Item
    if isinstance(rating, dict):
        values = {k: (v if isinstance(v, list) else [v]) for k, v in rating.items()}
    else:
        values = {"ratingValue": [rating]} if rating is not None else {}
    value = _number(_first(values, "ratingValue"))
    if value is None:
        return None
    best = _number(_first(values, "bestRating")) or 5.0
    worst = _number(_first(values, "worstRating")) or (1.0 if best == 5.0 else 0.0)
    if best <= worst:
        return None
    scaled = 1 + (value - worst) * 4 / (best - worst) if best != 5.0 else value
    return min(max(round(scaled), 1), 5)


def parse_date(value: object) -> datetime | None:
    """An ISO 8601 date or date-time (UTC when no offset), or None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        match = _DATE.match(text)
        if not match:
            return None
        y, mo, d, h, mi, sec = (int(p) if p else 0 for p in match.groups())
        try:
            parsed = datetime(y, mo, d, h, mi, sec, tzinfo=UTC)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _review(item: Item, element_id: str | None, page_url: str) -> SchemaReview | None:
    body = _text_of(_first(item, "reviewBody", "description", "text"))
    title = one_line(_text_of(_first(item, "name", "headline")), 300) or None
    author = one_line(_text_of(_first(item, "author", "creator")), 200) or None
    date_text = _text_of(_first(item, "datePublished", "dateCreated", "dateModified"))
    published = parse_date(date_text)
    rating = _stars(item)
    text = clean_text(html_to_text(body) if "<" in body else body)
    if not text and rating is None:
        return None
    link = _text_of(_first(item, "url"))
    url = urljoin(page_url, link.strip()) if link.strip() else None
    if url is not None and not url.startswith(("https://", "http://")):
        url = None
    if element_id:
        key = "id:" + (urljoin(page_url, element_id) if element_id.startswith("#") else element_id)
    elif url and url.rstrip("/") != page_url.rstrip("/"):
        key = "url:" + url
    elif author and date_text:
        key = f"by:{author}|{date_text.strip()}"
    else:
        digest = hashlib.sha256(f"{author}\x1f{text}".encode()).hexdigest()[:32]
        key = "sha256:" + digest
    return SchemaReview(
        key=key[:1000],
        author=author,
        published_at=published,
        rating=rating,
        text=text,
        title=title,
        url=url or page_url,
    )
