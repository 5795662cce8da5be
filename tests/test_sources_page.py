"""Web page watch: CSS-selected items keyed by their text, over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.sources import (
    ContentError,
    FetchResult,
    InvalidTargetError,
    SourceConfig,
    SourceSpec,
    SourceState,
    build_source,
    describe,
    new_client,
)
from tests.fakeweb import FakeWeb, data_file

CONFIG = SourceConfig(allow_private=True, timeout_s=5.0)
HTML = "text/html; charset=utf-8"


@pytest.fixture
async def web_server() -> AsyncIterator[FakeWeb]:
    async with FakeWeb() as server:
        yield server


async def poll(url: str, selector: str, state: SourceState | None = None) -> FetchResult:
    source = build_source("page", CONFIG)
    spec = SourceSpec(id=8, team_id=1, kind="page", target=url, selector=selector, watch_id=None)
    async with new_client(CONFIG) as client:
        return await source.fetch(client, spec, state or SourceState())


async def test_directory_listing_items(web_server: FakeWeb) -> None:
    web_server.file("/avis", "page_annuaire.html", content_type=HTML)
    result = await poll(web_server.url("/avis"), "article.avis")
    assert result.complete is True
    assert result.summary == {
        "title": "Avis patients – Dr Marie Dupont, dermatologue à Lyon | Annuaire Santé",
        "items": 2,
    }
    good, bad = result.mentions  # the duplicate and the empty article are dropped
    assert good.title == "Très bonne praticienne"
    assert good.text == (
        "Très bonne praticienne\n\nPublié par Claire, le 12/04/2024\n\n"
        "Diagnostic rapide et explications claires. Lire la suite"
    )
    assert good.url == web_server.url("/avis/1")
    assert bad.url == web_server.url("/avis")
    assert "document.write" not in bad.text
    assert "cinq minutes, dépassement d'honoraires\nnon annoncé." in bad.text
    assert good.external_id == "id:1"  # the element's own id: an edit keeps it
    assert good.raw is not None and good.raw.startswith('<article class="avis" data-id="1">')
    assert good.source_id == 8 and good.scoped_watch_id is None


async def test_keys_are_stable_and_a_new_item_has_a_new_key(web_server: FakeWeb) -> None:
    page = data_file("page_annuaire.html").decode()
    web_server.reply("/avis", page, content_type=HTML)
    first = await poll(web_server.url("/avis"), ".avis")
    added = page.replace(
        '<article class="avis" data-id="4">',
        '<article class="avis" data-id="5"><p>Nouvel avis : accueil  glacial.</p></article>'
        '<article class="avis" data-id="4">',
    )
    web_server.reply("/avis", added.replace("<main>", "<main>\n\n  "), content_type=HTML)
    second = await poll(web_server.url("/avis"), ".avis")
    old_keys = {m.external_id for m in first.mentions}
    new_keys = {m.external_id for m in second.mentions}
    assert old_keys < new_keys
    (new,) = [m for m in second.mentions if m.external_id not in old_keys]
    assert new.text == "Nouvel avis : accueil glacial."


@pytest.mark.parametrize(
    "content_type", ["text/html", "text/html; charset=ISO-8859-1"], ids=["meta", "header"]
)
async def test_iso_8859_1_page(web_server: FakeWeb, content_type: str) -> None:
    web_server.file("/forum", "page_forum_latin1.html", content_type=content_type)
    result = await poll(web_server.url("/forum"), "div.message")
    first, second = result.mentions
    assert first.text == "hélène Le Dr Dupont est très compétente, je la recommande à tous."
    assert second.text == "françois Déçu par l'accueil, trop d'attente."
    assert result.summary["title"] == "Forum santé - Dermatologues"


async def test_selector_that_finds_nothing_is_explained(web_server: FakeWeb) -> None:
    web_server.file("/avis", "page_annuaire.html", content_type=HTML)
    with pytest.raises(ContentError) as caught:
        await poll(web_server.url("/avis"), ".commentaire")
    assert "ne trouve aucun élément" in caught.value.message
    assert "JavaScript" in caught.value.message


async def test_not_a_web_page(web_server: FakeWeb) -> None:
    web_server.reply("/doc.pdf", b"%PDF-1.7", content_type="application/pdf")
    with pytest.raises(ContentError) as caught:
        await poll(web_server.url("/doc.pdf"), ".avis")
    assert "ne renvoie pas une page web (application/pdf)" in caught.value.message


async def test_unchanged_page_is_not_parsed_again(web_server: FakeWeb) -> None:
    web_server.conditional("/avis", data_file("page_annuaire.html"), etag='"p1"', content_type=HTML)
    first = await poll(web_server.url("/avis"), ".avis")
    second = await poll(web_server.url("/avis"), ".avis", first.state)
    assert second.not_modified and second.mentions == [] and not second.complete
    assert second.state.etag == '"p1"'


async def test_hostile_and_huge_items(web_server: FakeWeb) -> None:
    long_item = "<li class='c'>" + "Avis interminable. " * 6000 + "</li>"
    hostile = (
        "<li class='c'><script>alert(1)</script><b onclick='x()'>Arnaque</b> "
        "&lt;i&gt;pas une balise&lt;/i&gt; *gras* <@U123> <!here></li>"
    )
    web_server.reply(
        "/fil", f"<html><body><ul>{long_item}{hostile}</ul></body></html>", content_type=HTML
    )
    result = await poll(web_server.url("/fil"), "li.c")
    long, bad = result.mentions
    assert len(long.text) == 20_000 and long.text.endswith("…")
    assert bad.text == "Arnaque <i>pas une balise</i> *gras* <@U123>"  # adapters escape it


async def test_xml_page_does_not_warn(web_server: FakeWeb) -> None:
    body = '<?xml version="1.0"?><liste><avis>Un avis en XML</avis></liste>'
    web_server.reply("/xml", body, content_type="application/xml")
    result = await poll(web_server.url("/xml"), "avis")
    assert [m.text for m in result.mentions] == ["Un avis en XML"]


def test_selector_validation_and_describe() -> None:
    source = build_source("page", CONFIG)
    assert source.normalize("exemple.fr/avis", " .avis ") == ("https://exemple.fr/avis", ".avis")
    # No selector: the page's schema.org reviews are read (tests/test_sources_schema.py).
    assert source.normalize("https://exemple.fr/avis", None) == ("https://exemple.fr/avis", None)
    with pytest.raises(InvalidTargetError) as invalid:
        source.normalize("https://exemple.fr/avis", "div[[")
    assert (
        "« div[[ » est invalide" in invalid.value.message
        and "Exemples valides" in invalid.value.message
    )
    spec = SourceSpec(
        id=1, team_id=1, kind="page", target="https://www.exemple.fr/avis", selector=".avis"
    )
    assert describe(spec) == "Page web · exemple.fr (.avis)"


async def test_a_listing_cut_at_the_item_cap_is_not_complete(web_server: FakeWeb) -> None:
    items = "".join(f"<li class='c'>Avis numéro {i}</li>" for i in range(600))
    web_server.reply("/long", f"<html><body><ul>{items}</ul></body></html>", content_type=HTML)
    result = await poll(web_server.url("/long"), "li.c")
    assert len(result.mentions) == 500 and result.complete is False
