"""Pages without a selector: schema.org reviews in JSON-LD, microdata and RDFa Lite, a stable
identity per review, and the selector advice when a page has none — over real HTTP on loopback."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.sources import (
    ContentError,
    FetchResult,
    SourceConfig,
    SourceSpec,
    SourceState,
    build_source,
    new_client,
)
from bot.sources.page import SCHEMA_ADVICE
from tests.fakeweb import FakeWeb
from tests.harness import ChatHarness

HTML = "text/html; charset=utf-8"


async def poll(web: FakeWeb, path: str, selector: str | None = None) -> FetchResult:
    config = SourceConfig(allow_private=True, timeout_s=5.0)
    source = build_source("page", config)
    target, selector = source.normalize(web.url(path), selector)
    spec = SourceSpec(id=3, team_id=1, kind="page", target=target, selector=selector, watch_id=1)
    async with new_client(config) as client:
        return await source.fetch(client, spec, SourceState())


async def test_json_ld_reviews_and_aggregate(fakeweb: FakeWeb) -> None:
    fakeweb.file("/dr-dupont", "schema_jsonld.html", content_type=HTML)
    result = await poll(fakeweb, "/dr-dupont")
    julie, marc = result.mentions
    assert julie.external_id == "id:https://annuaire.example/dr-dupont#avis-101"
    assert (julie.author, julie.rating) == ("Julie R.", 1)
    assert julie.text == "Secrétariat injoignable, le Dr Dupont ne m'a pas écoutée."
    assert julie.published_at == datetime(2026, 11, 2, tzinfo=UTC)
    assert (marc.author, marc.rating, marc.title) == ("Marc", 5, "Très bien")  # 10/10 → 5★
    assert marc.published_at == datetime(2026, 10, 15, 7, 30, tzinfo=UTC)
    assert julie.scoped_watch_id == 1
    assert result.summary["rating"] == 4.1 and result.summary["count"] == 3
    assert result.summary["syntax"] == "json-ld"
    assert result.complete


async def test_microdata_reviews_keyed_by_element_id(fakeweb: FakeWeb) -> None:
    fakeweb.file("/cabinet", "schema_microdata.html", content_type=HTML)
    result = await poll(fakeweb, "/cabinet")
    paul, lea = result.mentions
    assert (paul.external_id, paul.author, paul.rating) == ("id:avis-7", "Paul", 2)
    assert paul.text == "Attente interminable, accueil froid."
    assert paul.published_at == datetime(2026, 11, 10, tzinfo=UTC)
    assert (lea.external_id, lea.author, lea.rating) == ("id:avis-8", "Léa", 5)
    assert result.summary["rating"] == 3.5 and result.summary["count"] == 2
    assert result.summary["syntax"] == "microdata"


async def test_rdfa_lite_reviews(fakeweb: FakeWeb) -> None:
    fakeweb.file("/parc", "schema_rdfa.html", content_type=HTML)
    result = await poll(fakeweb, "/parc")
    first, second = result.mentions
    assert first.external_id == "id:" + fakeweb.url("/parc") + "#r-1"
    assert (first.author, first.rating) == ("Anonyme", 1)
    assert first.text == "Dr Martin méprisant, je déconseille."
    assert (second.author, second.rating, second.text) == ("Zoé", 4, "Bon suivi.")
    assert result.summary["count"] == 2 and result.summary["syntax"] == "rdfa"


async def test_a_page_without_schema_org_asks_for_a_selector(fakeweb: FakeWeb) -> None:
    fakeweb.file("/forum", "schema_none.html", content_type=HTML)
    with pytest.raises(ContentError) as caught:
        await poll(fakeweb, "/forum")
    assert caught.value.permanent and caught.value.message == SCHEMA_ADVICE


async def test_source_page_command_without_selector(
    chat: ChatHarness, fakeweb: FakeWeb, services: object
) -> None:
    fakeweb.file("/forum", "schema_none.html", content_type=HTML)
    fakeweb.file("/cabinet", "schema_microdata.html", content_type=HTML)
    await chat.say("/surveiller Cabinet Dupont, Lyon")
    refused = await chat.text(f"/source page {fakeweb.url('/forum')}")
    assert "ne publie pas ses avis en données structurées schema.org" in refused
    assert f"/source page {fakeweb.url('/forum')} .avis" in refused
    assert "Aucune source" in await chat.text("/source")
    added = await chat.text(f"/source page {fakeweb.url('/cabinet')} pour 1")
    assert "Source ajoutée : Page web · 127.0.0.1 (avis schema.org)" in added


async def test_selector_items_keep_their_identity_when_edited(fakeweb: FakeWeb) -> None:
    def page(text: str) -> str:
        return (
            "<html><body>"
            f'<div class="avis" id="r-1"><p>{text}</p></div>'
            '<div class="avis"><a href="/avis/2">lien</a><p>Deuxième avis.</p></div>'
            '<div class="avis"><span class="auteur">Zoé</span>'
            '<time datetime="2026-11-01">1/11</time><p>Troisième.</p></div>'
            '<div class="avis"><p>Sans repère.</p></div>'
            "</body></html>"
        )

    fakeweb.reply("/avis", page("Très bien."), content_type=HTML)
    before = await poll(fakeweb, "/avis", ".avis")
    fakeweb.reply("/avis", page("Finalement décevant."), content_type=HTML)
    after = await poll(fakeweb, "/avis", ".avis")
    keys = [m.external_id for m in before.mentions]
    assert keys[:3] == ["id:r-1", "url:" + fakeweb.url("/avis/2"), "by:Zoé|2026-11-01"]
    assert keys[3].startswith("sha256:")
    assert [m.external_id for m in after.mentions] == keys
    assert after.mentions[0].text != before.mentions[0].text
