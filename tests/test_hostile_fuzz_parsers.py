"""Fuzzing the parsers of outside documents with Hypothesis: feeds (feedparser), pages
(BeautifulSoup and soupsieve) and Google's JSON answers (Places, Business Profile, fetched by
the real client over loopback). Whatever comes, the answer is mentions or a `SourceError`
with a message: never an unhandled exception."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from hypothesis import event, given
from hypothesis import strategies as st

from bot.chat.spantext import BIDI_CONTROLS
from bot.models import Mention
from bot.sources import (
    InvalidTargetError,
    SourceConfig,
    SourceError,
    SourceSpec,
    SourceState,
    build_source,
    new_client,
)
from bot.sources.feed import parse_feed
from bot.sources.page import parse_page, validate_selector
from tests.fakeweb import FakeWeb

NASTY = [
    "<", ">", "&", "&amp;", "&nbsp;", "&#0;", "&#x110000;", "&#xD800;", "&undefined;", "]]>",
    "<![CDATA[", "<!--", "-->", "<script>alert(1)</script>", "<b>", "</i>", "\x00", "\x0b",
    "\x85", "\ufeff", "\ufffe", "\u2028", "é", "😀", "'", '"', "\n", "\r\n", *BIDI_CONTROLS,
]  # fmt: skip
text = st.one_of(st.text(max_size=60), st.lists(st.sampled_from(NASTY), max_size=12).map("".join))


def _maybe_escaped(draw: st.DrawFn, value: str) -> str:
    """Text as a careful feed writes it, or raw as a broken one does, or in CDATA."""
    how = draw(st.sampled_from(["escape", "raw", "cdata"]))
    if how == "escape":
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if how == "cdata":
        return f"<![CDATA[{value}]]>"
    return value


@st.composite
def feed_documents(draw: st.DrawFn) -> tuple[bytes, str]:
    """An RSS, Atom or RDF document, well or badly formed, in some encoding, and its type."""
    kind = draw(st.sampled_from(["rss", "atom", "rdf", "garbage"]))
    if kind == "garbage":
        return draw(st.binary(max_size=400)), draw(st.sampled_from(["text/xml", "text/html", ""]))
    fields = []
    for _ in range(draw(st.integers(0, 4))):
        values = {
            name: _maybe_escaped(draw, draw(text))
            for name in ("id", "title", "link", "date", "author", "body")
        }
        if draw(st.booleans()):
            values["link"] = draw(st.sampled_from(["https://x.fr/a", "javascript:x", "/rel", ""]))
        fields.append(values)
    if kind == "rss":
        items = "".join(
            f"<item><guid>{v['id']}</guid><title>{v['title']}</title><link>{v['link']}</link>"
            f"<pubDate>{v['date']}</pubDate><author>{v['author']}</author>"
            f"<description>{v['body']}</description></item>"
            for v in fields
        )
        body = f"<rss version='2.0'><channel><title>{draw(text)}</title>{items}</channel></rss>"
    elif kind == "atom":
        items = "".join(
            f"<entry><id>{v['id']}</id><title type='html'>{v['title']}</title>"
            f"<link href='{v['link']}'/><updated>{v['date']}</updated>"
            f"<author><name>{v['author']}</name></author>"
            f"<content type='{draw(st.sampled_from(['html', 'text', 'xhtml']))}'>{v['body']}"
            "</content></entry>"
            for v in fields
        )
        body = f"<feed xmlns='http://www.w3.org/2005/Atom'><title>t</title>{items}</feed>"
    else:
        items = "".join(
            f"<item rdf:about='{v['link']}'><title>{v['title']}</title>"
            f"<description>{v['body']}</description></item>"
            for v in fields
        )
        body = (
            "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
            f"xmlns='http://purl.org/rss/1.0/'>{items}</rdf:RDF>"
        )
    declared = draw(st.sampled_from(["utf-8", "iso-8859-1", "utf-16", "x-bogus", None]))
    prolog = f"<?xml version='1.0' encoding='{declared}'?>" if declared else ""
    if draw(st.booleans()):
        prolog += "<!DOCTYPE r [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;'>]>"
    codec = draw(st.sampled_from(["utf-8", "latin-1", "utf-16", "cp1252"]))
    data = (prolog + body).encode(codec, errors="replace")
    if draw(st.integers(0, 9)) == 0:
        cut = draw(st.integers(0, len(data)))
        data = data[:cut]
    content_type = draw(
        st.sampled_from(["application/rss+xml", "application/atom+xml; charset=utf-8", ""])
    )
    return data, content_type


def _well_formed(mentions: list[Mention], spec: SourceSpec) -> None:
    event("no mention" if not mentions else "mentions")
    for mention in mentions:
        assert isinstance(mention.external_id, str) and mention.external_id
        assert isinstance(mention.text, str)
        assert mention.source_id == spec.id
        assert mention.rating is None or 1 <= mention.rating <= 5


FEED_SPEC = SourceSpec(id=1, team_id=1, kind="feed", target="https://x.fr/flux")


@given(feed_documents())
def test_the_feed_parser_returns_mentions_or_a_source_error(document: tuple[bytes, str]) -> None:
    body, content_type = document
    try:
        mentions, title = parse_feed(body, "https://x.fr/flux", content_type, FEED_SPEC)
    except SourceError as exc:
        assert exc.message
        event(f"refused: {type(exc).__name__}")
        return
    _well_formed(mentions, FEED_SPEC)
    assert title is None or isinstance(title, str)


TAGS = ["div", "p", "span", "article", "li", "ul", "a", "time", "b", "script", "style", "table"]
SELECTORS = [
    ".review", "div", "article p", "[data-id]", ":not(p)", "li > span", "a[href]", "*",
    "div:nth-child(2n+1)", ".review .text",
]  # fmt: skip


@st.composite
def html_fragments(draw: st.DrawFn, depth: int = 0) -> str:
    """Nested markup with random classes, attributes and hostile text, sometimes unclosed."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 3 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            classes = draw(st.sampled_from(["review", "text", "", "review text", "x"]))
            attrs = f" class='{classes}'"
            if draw(st.booleans()):
                attrs += f" data-id='{draw(text)}' href='{draw(text)}'"
            inner = draw(html_fragments(depth + 1))
            closing = f"</{tag}>" if draw(st.integers(0, 5)) else ""
            parts.append(f"<{tag}{attrs}>{inner}{closing}")
        else:
            parts.append(draw(text))
    return "".join(parts)


@st.composite
def html_documents(draw: st.DrawFn) -> str:
    """A page of review blocks (each with some words) among random markup."""
    blocks = []
    for _ in range(draw(st.integers(0, 5))):
        tag = draw(st.sampled_from(["div", "article", "li", "p"]))
        words = draw(st.sampled_from(["Très bien", "Dr Dupont, à éviter", "😀", "a"]))
        inner = draw(html_fragments(1))
        blocks.append(f"<{tag} class='review' data-id='{len(blocks)}'>{words} {inner}</{tag}>")
        blocks.append(draw(html_fragments(2)))
    return "".join(blocks)


@given(
    html_documents(),
    st.one_of(st.sampled_from(SELECTORS), st.sampled_from(SELECTORS), st.text(max_size=30)),
    st.sampled_from(["utf-8", "iso-8859-1", "x-bogus", None]),
)
def test_the_page_parser_returns_mentions_or_a_source_error(
    document: str, selector: str, charset: str | None
) -> None:
    try:
        selector = validate_selector(selector)
    except InvalidTargetError as exc:
        assert exc.message
        return
    spec = SourceSpec(id=2, team_id=1, kind="page", target="https://x.fr/avis", selector=selector)
    body = f"<html><head><title>{document[:50]}</title></head><body>{document}</body></html>"
    try:
        mentions, _title, _complete = parse_page(
            body.encode("utf-8", "surrogatepass"), "https://x.fr/avis", charset, selector, spec
        )
    except SourceError as exc:
        assert exc.message
        event(f"refused: {type(exc).__name__}")
        return
    _well_formed(mentions, spec)


# --- Google's JSON answers, through the real client on loopback ---

json_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
REVIEW_KEYS = [
    "name", "reviewId", "rating", "starRating", "text", "originalText", "comment",
    "authorAttribution", "reviewer", "publishTime", "createTime", "googleMapsUri",
]  # fmt: skip
times = st.one_of(
    st.sampled_from(["2026-11-20T10:00:00Z", "2026-11-20T10:00:00.123456789Z", "9999-99-99", ""]),
    json_values,
)
shaped_reviews = st.fixed_dictionaries(
    {"name": st.one_of(st.sampled_from(["places/P/reviews/1", "r/2", " "]), text)},
    optional={
        "reviewId": text,
        "rating": st.one_of(st.integers(-3, 9), st.floats(), json_values),
        "starRating": st.one_of(st.sampled_from(["ONE", "FIVE", "ZERO", "SIX"]), json_values),
        "text": st.fixed_dictionaries({"text": text}) | json_values,
        "comment": text | json_values,
        "authorAttribution": st.fixed_dictionaries({"displayName": text}) | json_values,
        "reviewer": st.fixed_dictionaries(
            {"displayName": text | json_values, "isAnonymous": json_values}
        ),
        "publishTime": times,
        "createTime": times,
        "googleMapsUri": text,
    },
)
reviews = (
    shaped_reviews
    | shaped_reviews
    | st.dictionaries(
        st.sampled_from(REVIEW_KEYS),
        st.one_of(
            json_values,
            st.fixed_dictionaries({"text": json_values, "displayName": json_values}),
            st.sampled_from(
                ["FIVE", "ONE", "ZERO", "2026-11-20T10:00:00Z", "9999-99-99", "-1e400"]
            ),
        ),
        max_size=8,
    )
)
shaped_answers = st.fixed_dictionaries(
    {
        "reviews": st.one_of(st.lists(reviews, min_size=1, max_size=5), json_values),
        "rating": json_values,
        "userRatingCount": json_values,
        "averageRating": json_values,
        "totalReviewCount": json_values,
        "displayName": json_values,
        "nextPageToken": st.one_of(st.none(), st.sampled_from(["", "p2", "p2"]), json_values),
    }
)
answers = st.one_of(json_values, shaped_answers, shaped_answers, shaped_answers)
answer_bytes = answers.map(lambda value: json.dumps(value).encode())
bodies = st.one_of(
    answer_bytes,
    answer_bytes,
    answer_bytes,
    st.binary(max_size=200),
    st.sampled_from([b"", b"{", b"[]", b"null", b'{"reviews": 1e999}', b"\xff\xfe{}"]),
)


PLACE_ID = "ChIJN1t_tDeuEmsRUsoyG83frY4"


class GoogleFake:
    """One loopback server playing Places, Business Profile and the OAuth token endpoint."""

    def __init__(self, server: FakeWeb) -> None:
        self.server = server
        self.body = b"{}"
        self.status = 200

        async def answer(request: web.Request) -> web.Response:
            return web.Response(body=self.body, status=self.status, content_type="application/json")

        async def token(request: web.Request) -> web.Response:
            return web.json_response({"access_token": "ya29.x", "expires_in": 3599})

        server.route(f"/v1/places/{PLACE_ID}", answer)
        server.route("/v4/accounts/1/locations/2/reviews", answer)
        server.route("/token", token)

    def config(self) -> SourceConfig:
        return SourceConfig(
            allow_private=True,
            timeout_s=5.0,
            places_api_url=self.server.url("/v1"),
            places_api_key="cle",
            business_api_url=self.server.url("/v4"),
            oauth_token_url=self.server.url("/token"),
            google_client_id="id",
            google_client_secret="secret",
            google_refresh_token="1//r",
        )


@pytest.fixture
async def google() -> AsyncIterator[GoogleFake]:
    async with FakeWeb() as server:
        yield GoogleFake(server)


SPECS = {
    "places": SourceSpec(id=3, team_id=1, kind="places", target=PLACE_ID, watch_id=1),
    "business": SourceSpec(
        id=4, team_id=1, kind="business", target="accounts/1/locations/2", watch_id=1
    ),
}


@given(
    st.sampled_from(sorted(SPECS)),
    bodies,
    st.sampled_from([200, 200, 200, 200, 200, 400, 403, 500]),
)
async def test_google_answers_become_mentions_or_a_source_error(
    google: GoogleFake, kind: str, body: bytes, status: int
) -> None:
    google.body, google.status = body, status
    source = build_source(kind, google.config())
    spec = SPECS[kind]
    result: Any
    async with new_client(source.config) as client:
        try:
            result = await source.fetch(client, spec, SourceState())
        except SourceError as exc:
            assert exc.message
            event(f"refused: {type(exc).__name__}")
            return
    _well_formed(result.mentions, spec)
