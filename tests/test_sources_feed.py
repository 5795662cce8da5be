"""Feeds and Google News searches, fetched over loopback from recorded payloads."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.models import Watch, WatchKind
from bot.sources import (
    ContentError,
    FetchResult,
    InvalidTargetError,
    SourceConfig,
    SourceSpec,
    SourceState,
    TooLargeError,
    build_source,
    describe,
    new_client,
    news_feed_url,
    news_query_for,
)
from bot.sources.feed import is_google_alerts, unwrap_google_redirect
from tests.fakeweb import FakeWeb, data_file

CONFIG = SourceConfig(allow_private=True, timeout_s=5.0)
ATOM = "application/atom+xml; charset=UTF-8"
RSS = "application/rss+xml"


@pytest.fixture
async def web_server() -> AsyncIterator[FakeWeb]:
    async with FakeWeb() as server:
        yield server


def feed_spec(url: str, watch_id: int | None = None) -> SourceSpec:
    return SourceSpec(id=7, team_id=1, kind="feed", target=url, watch_id=watch_id)


async def poll(
    url: str, state: SourceState | None = None, config: SourceConfig = CONFIG
) -> FetchResult:
    source = build_source("feed", config)
    async with new_client(config) as client:
        return await source.fetch(client, feed_spec(url, watch_id=3), state or SourceState())


async def test_google_alerts_feed(web_server: FakeWeb) -> None:
    web_server.file("/alerts/feeds/1/2", "google_alerts.atom", content_type=ATOM)
    result = await poll(web_server.url("/alerts/feeds/1/2"))
    assert not result.not_modified
    assert [m.external_id for m in result.mentions] == [
        "tag:google.com,2013:googlealerts/feed:13590262711390117187",
        "tag:google.com,2013:googlealerts/feed:9273635473312455401",
        "tag:google.com,2013:googlealerts/feed:4434281139205524390",
    ]
    first, second, _ = result.mentions
    assert first.title == "Le Dr Marie Dupont ouvre un second cabinet à Lyon 7e"
    assert first.url == (
        "https://www.leprogres.fr/sante/2024/05/02/le-dr-marie-dupont-ouvre-un-second-cabinet"
    )
    assert second.url == "https://forum.exemple-sante.fr/t/avis-dermatologue-lyon/4821?page=2"
    assert first.text.startswith("La dermatologue Marie Dupont accueillera")
    assert "<b>" not in first.text and "&amp;" not in first.text and "& informations" in first.text
    assert second.text.startswith("Quelqu'un connaît le Dr Dupont ?")
    assert first.published_at == datetime(2024, 5, 2, 8, 15, 3, tzinfo=UTC)
    assert first.source_id == 7 and first.scoped_watch_id == 3
    assert first.author is None
    assert first.raw is not None and first.raw.startswith("<entry><id>tag:google.com")
    assert first.raw.endswith("</entry>")
    assert result.summary["title"] == 'Alerte Google - "Marie Dupont"'


async def test_rss_feed_strips_html_and_resolves_links(web_server: FakeWeb) -> None:
    web_server.file("/rss", "feed_rss.xml", content_type=RSS)
    result = await poll(web_server.url("/rss"))
    first, second = result.mentions
    assert first.external_id == "jds-2024-0502-001"
    assert first.author == "Claire Martin"
    assert first.text == (
        "Le centre dentaire des Brotteaux inaugure un bloc.\n\n"
        "Les patients pourront\ny être reçus dès juin."
    )
    assert "alert" not in first.text
    assert first.published_at == datetime(2024, 5, 2, 6, 30, tzinfo=UTC)
    assert second.url == web_server.url("/2024/05/kine-delais")
    assert (
        second.text == "Les cabinets de kinésithérapie affichent complet & refusent des patients."
    )
    assert (
        second.raw is not None
        and '<guid isPermaLink="false">jds-2024-0501-007</guid>' in second.raw
    )


async def test_atom_feed_with_xhtml_content(web_server: FakeWeb) -> None:
    web_server.file("/atom", "feed_atom.xml", content_type="application/atom+xml")
    result = await poll(web_server.url("/atom"))
    (entry,) = result.mentions
    assert entry.external_id == "urn:forum:post:98121"
    assert entry.text == "Très bonne expérience avec le Dr Dupont."
    assert entry.author == "lyonnaise69"


@pytest.mark.parametrize("content_type", ["application/rss+xml; charset=ISO-8859-1", "text/xml"])
async def test_iso_8859_1_feed(web_server: FakeWeb, content_type: str) -> None:
    web_server.file("/latin", "feed_latin1.xml", content_type=content_type)
    result = await poll(web_server.url("/latin"))
    (entry,) = result.mentions
    assert entry.title == "Le cabinet fermé pour congés à Noël"
    assert entry.text == "Fermeture du 24 au 31 décembre ; pour une urgence, appelez le 15."
    assert entry.external_id == "cab-1"
    assert entry.raw is not None and "fermé" in entry.raw


async def test_conditional_poll_returns_not_modified_and_keeps_validators(
    web_server: FakeWeb,
) -> None:
    web_server.conditional(
        "/flux", data_file("google_alerts.atom"), etag='W/"abc"', content_type=ATOM
    )
    first = await poll(web_server.url("/flux"))
    stored = first.state.to_json()
    second = await poll(web_server.url("/flux"), SourceState.from_json(stored))
    assert len(first.mentions) == 3 and first.state.etag == 'W/"abc"'
    assert second.not_modified and second.mentions == []
    assert second.state.etag == 'W/"abc"'
    assert web_server.requests_to("/flux")[1].headers["If-None-Match"] == 'W/"abc"'


async def test_malformed_xml_is_read_leniently_without_crashing(web_server: FakeWeb) -> None:
    web_server.file("/casse", "feed_malformed.xml", content_type=RSS)
    result = await poll(web_server.url("/casse"))
    titles = [m.title for m in result.mentions]
    assert titles[0] == "Premier article & sans échappement"
    assert all(m.external_id for m in result.mentions)


async def test_garbage_is_a_clear_error(web_server: FakeWeb) -> None:
    web_server.reply("/bruit", b"\x00\x01<<<>>>&&&; pas du XML", content_type=RSS)
    with pytest.raises(ContentError) as caught:
        await poll(web_server.url("/bruit"))
    assert caught.value.permanent
    assert "RSS ou Atom" in caught.value.message


async def test_billion_laughs_is_not_expanded(web_server: FakeWeb) -> None:
    web_server.file("/lol", "feed_billion_laughs.xml", content_type=RSS)
    started = time.monotonic()
    result = await poll(web_server.url("/lol"))
    assert time.monotonic() - started < 2
    (entry,) = result.mentions
    assert len(entry.title or "") < 100 and len(entry.text) < 100
    assert "lollol" not in (entry.title or "") + entry.text


async def test_html_page_instead_of_feed_points_to_page_source(web_server: FakeWeb) -> None:
    web_server.file("/page", "page_annuaire.html", content_type="text/html; charset=utf-8")
    with pytest.raises(ContentError) as caught:
        await poll(web_server.url("/page"))
    assert "/source page" in caught.value.message


async def test_empty_body_is_an_error(web_server: FakeWeb) -> None:
    web_server.reply("/vide", b"  \n", content_type=RSS)
    with pytest.raises(ContentError) as caught:
        await poll(web_server.url("/vide"))
    assert "vide" in caught.value.message


async def test_feed_over_the_cap_is_refused(web_server: FakeWeb) -> None:
    web_server.stream("/enorme", 2 * 1024 * 1024, content_type=RSS)
    config = SourceConfig(allow_private=True, max_body_bytes=1024 * 1024)
    with pytest.raises(TooLargeError):
        await poll(web_server.url("/enorme"), config=config)


async def test_large_feed_is_parsed_off_the_event_loop(web_server: FakeWeb) -> None:
    items = "".join(
        f"<item><title>Article {i}</title><guid>g{i}</guid>"
        f"<description>{'texte ' * 80}</description></item>"
        for i in range(800)
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Gros</title>{items}'
    body += "</channel></rss>"
    assert len(body) > 256 * 1024
    web_server.reply("/gros", body, content_type=RSS)
    result = await poll(web_server.url("/gros"))
    assert len(result.mentions) == 800
    assert result.mentions[799].external_id == "g799"


def test_google_redirect_unwrapping() -> None:
    assert (
        unwrap_google_redirect(
            "https://www.google.com/url?rct=j&sa=t&url=https://a.fr/x%3Fy%3D1&ct=ga"
        )
        == "https://a.fr/x?y=1"
    )
    assert unwrap_google_redirect("https://www.google.fr/url?q=https://b.fr/") == "https://b.fr/"
    assert unwrap_google_redirect("https://www.google.com/url?url=javascript:alert(1)") == (
        "https://www.google.com/url?url=javascript:alert(1)"
    )
    assert unwrap_google_redirect("https://exemple.fr/url?url=https://c.fr/") == (
        "https://exemple.fr/url?url=https://c.fr/"
    )
    assert is_google_alerts("https://www.google.com/alerts/feeds/0680/1056")
    assert not is_google_alerts("https://exemple.fr/alerts/feeds/1")


def test_feed_normalize_and_describe() -> None:
    source = build_source("feed", CONFIG)
    assert source.normalize("  exemple.fr/flux.xml ", None) == ("https://exemple.fr/flux.xml", None)
    assert (
        source.normalize("<https://exemple.fr/rss|exemple.fr/rss>", None)[0]
        == "https://exemple.fr/rss"
    )
    with pytest.raises(InvalidTargetError) as caught:
        source.normalize("ftp://exemple.fr/flux", None)
    assert "http://" in caught.value.message and "Exemple" in caught.value.message
    with pytest.raises(InvalidTargetError):
        source.normalize("   ", None)
    assert describe(feed_spec("https://www.exemple.fr/rss")) == "Flux RSS · exemple.fr"
    assert describe(feed_spec("https://www.google.com/alerts/feeds/0680/10563162306497066436")) == (
        "Alerte Google · n° …066436"
    )


def test_news_query_for_watch() -> None:
    watch = Watch(
        id=1,
        team_id=1,
        name="Marie Dupont",
        kind=WatchKind.PRACTITIONER,
        title="Dr",
        city="Lyon",
        aliases=("Dr Dupont", 'M. "Dupont"', "Marie Dupont"),
    )
    assert news_query_for(watch) == '("Marie Dupont" OR "Dr Dupont" OR "M. Dupont") Lyon'
    plain = Watch(id=2, team_id=1, name="Centre dentaire des Brotteaux", kind=WatchKind.PRACTICE)
    assert news_query_for(plain) == '"Centre dentaire des Brotteaux"'
    assert news_feed_url(CONFIG, '"Marie Dupont" Lyon') == (
        "https://news.google.com/rss/search?q=%22Marie+Dupont%22+Lyon&hl=fr&gl=FR&ceid=FR%3Afr"
    )


async def test_news_search_feed(web_server: FakeWeb) -> None:
    web_server.file("/rss/search", "google_news.rss", content_type="application/xml; charset=utf-8")
    config = SourceConfig(allow_private=True, timeout_s=5.0, news_url=web_server.url("/rss/search"))
    source = build_source("news", config)
    query, _ = source.normalize(' "Marie Dupont"  Lyon ', None)
    spec = SourceSpec(id=9, team_id=1, kind="news", target=query, watch_id=None)
    async with new_client(config) as client:
        result = await source.fetch(client, spec, SourceState())
    (request,) = web_server.requests
    assert request.query == {"q": '"Marie Dupont" Lyon', "hl": "fr", "gl": "FR", "ceid": "FR:fr"}
    first = result.mentions[0]
    assert first.external_id.startswith("CBMiWmh0dHBzOi8vd3d3LmxlcHJvZ3Jlcy5mci")
    assert (
        first.title
        == "Lyon : la dermatologue Marie Dupont mise en cause sur les réseaux - Le Progrès"
    )
    assert (
        first.text == "Lyon : la dermatologue Marie Dupont mise en cause sur les réseaux Le Progrès"
    )
    assert first.scoped_watch_id is None
    assert describe(spec) == 'Google Actualités · "Marie Dupont" Lyon'
    with pytest.raises(InvalidTargetError):
        source.normalize('  ""  ', None)
