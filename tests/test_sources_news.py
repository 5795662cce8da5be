"""Google News: a clustered item is read as its own snippet, not the cluster's other headlines."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.match.matcher import Matcher
from bot.models import Watch, WatchKind
from bot.sources import SourceConfig, SourceSpec, SourceState, build_source, new_client
from bot.sources.news import own_snippet
from bot.triage.classify import triage
from tests.fakeweb import FakeWeb


@pytest.fixture
async def web_server() -> AsyncIterator[FakeWeb]:
    async with FakeWeb() as server:
        yield server


async def test_cluster_item_keeps_only_its_own_snippet(web_server: FakeWeb) -> None:
    web_server.file(
        "/rss/search", "google_news_cluster.rss", content_type="application/xml; charset=utf-8"
    )
    config = SourceConfig(allow_private=True, timeout_s=5.0, news_url=web_server.url("/rss/search"))
    source = build_source("news", config)
    spec = SourceSpec(id=3, team_id=1, kind="news", target='"Lilas" Nantes', watch_id=None)
    async with new_client(config) as client:
        result = await source.fetch(client, spec, SourceState())
    clustered, single = result.mentions
    own = "Nantes : le centre dentaire des Lilas rouvre après travaux Ouest-France"
    assert clustered.text == own
    for other in ("escroc", "menacé", "couverture complète"):
        assert other not in clustered.text
    # What the other outlets wrote about others must not raise a flag on this mention.
    assert not triage(clustered.text, title=clustered.title).flags
    watch = Watch(id=1, team_id=1, name="Cabinet dentaire des Lilas", kind=WatchKind.PRACTICE)
    assert Matcher([watch]).match(clustered.text, title=clustered.title)
    assert single.text == "Dentistes des Lilas : une nouvelle praticienne Ouest-France"


def test_snippet_without_cluster_is_unchanged() -> None:
    body = '<a href="https://example.org/a">Titre</a>&nbsp;<font color="#6f6f6f">Source</font>'
    assert own_snippet(body) == body


def test_full_coverage_link_alone_is_dropped() -> None:
    body = (
        '<a href="https://example.org/a">Titre</a> '
        '<strong><a href="https://news.google.com/stories/x">Voir la couverture complète sur '
        "Google Actualités</a></strong>"
    )
    assert "couverture" not in own_snippet(body)
    assert "Titre" in own_snippet(body)
