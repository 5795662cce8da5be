"""/source reseaux, /statut and /bilan with the social and web-search fakes, from the console."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.chat.types import Reply
from bot.notify.delivery import Delivery
from bot.services import Services
from bot.settings import Settings
from bot.watch.monitor import Monitor
from tests.fake_social import (
    FakeSocial,
    bluesky_post,
    brave_result,
    mastodon_status,
    reddit_post,
    social_settings,
    youtube_video,
)
from tests.harness import ChatHarness, MemoryTransport

WATCH = "/surveiller Dr Marie Dupont, dermatologue, Lyon"


@pytest.fixture
async def social() -> AsyncIterator[FakeSocial]:
    async with FakeSocial() as server:
        yield server


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
def settings(tmp_path: Path, social: FakeSocial, overrides: dict[str, Any]) -> Settings:
    return social_settings(tmp_path, social, overrides)


def engines(services: Services) -> tuple[Monitor, Delivery, MemoryTransport]:
    transport = MemoryTransport()
    delivery = Delivery(services, {"test": transport})
    monitor = Monitor(services, on_new_alerts=delivery.wake)
    return monitor, delivery, transport


async def poll_all(monitor: Monitor, delivery: Delivery) -> None:
    store = monitor.services.store
    for team in await store.teams.all_ids():
        await store.sources.poll_now(team)
    await monitor.poll_due()
    await delivery.send_due()


def html_of(summary: Reply) -> str:
    (html,) = [a for a in summary.attachments if a.filename.endswith(".html")]
    return html.path.read_text(encoding="utf-8")


def sent(transport: MemoryTransport) -> list[str]:
    return [r.plain_text for _, r in transport.sent]


async def test_reseaux_adds_every_configured_network_and_alerts_on_new_posts(
    chat: ChatHarness, services: Services, social: FakeSocial
) -> None:
    monitor, delivery, transport = engines(services)
    social.reddit_posts.append(reddit_post("old1", "Dr Marie Dupont à Lyon, avis ?"))
    social.youtube_videos.append(youtube_video("v1", "Chez le Dr Marie Dupont", "Lyon"))
    social.youtube_threads["v1"] = []
    social.bluesky_posts.append(bluesky_post("3old", "Le Dr Marie Dupont, dermatologue à Lyon"))
    social.mastodon_tag("MarieDupont", [mastodon_status("1", "<p>#MarieDupont merci !</p>")])
    await chat.say(WATCH)
    text = await chat.text("/source reseaux 1")
    for label in ("Reddit ·", "YouTube ·", "Bluesky ·", "Mastodon · #MarieDupont"):
        assert label in text
    assert "Non ajoutées" not in text
    assert "/source youtube chaine:UC… pour 1" in text
    listing = await chat.text("/source")
    assert listing.count("→ Dr Marie Dupont") == 4
    again = await chat.text("/source reseaux 1")
    assert again.count("déjà suivie") == 4

    await poll_all(monitor, delivery)
    baselines = [t for t in sent(transport) if "existants" in t]
    assert len(baselines) == 4  # one summary per source, no alert per old post
    assert social.web.requests_to("/reddit/search.json")[0].query["q"] == '"Marie Dupont"'
    assert social.web.requests_to("/youtube/v3/search")[0].query["q"] == '"Marie Dupont"'

    social.reddit_posts.append(
        reddit_post("new1", "Dr Marie Dupont Lyon", "La dermatologue Marie Dupont est une voleuse.")
    )
    transport.sent.clear()
    await poll_all(monitor, delivery)
    (alert,) = sent(transport)
    assert "Reddit" in alert and "voleuse" in alert
    status = await chat.text("/statut")
    # two searches (100 each) and the comments of the video naming her, twice (1 each)
    assert "Quota YouTube du jour : 202 / 10000 unités" in status


@pytest.mark.parametrize(
    "overrides",
    [{"youtube_api_key": None, "bluesky_app_password": None, "mastodon_instance": None}],
)
async def test_reseaux_says_what_it_could_not_add_and_why(
    chat: ChatHarness, services: Services
) -> None:
    await chat.say(WATCH)
    text = await chat.text("/source reseaux 1")
    assert "✅ Reddit" in text
    assert "YouTube : clé d'API absente" in text and "VIGIE_YOUTUBE_API_KEY" in text
    assert "VIGIE_BLUESKY_APP_PASSWORD" in text and "VIGIE_MASTODON_INSTANCE" in text
    rows = await services.store.sources.active(1)
    assert [r.kind for r in rows] == ["reddit"]
    refused = await chat.text("/source youtube 1")
    assert "VIGIE_YOUTUBE_API_KEY" in refused and "Traceback" not in refused
    assert [r.kind for r in await services.store.sources.active(1)] == ["reddit"]


@pytest.mark.parametrize("overrides", [{"youtube_api_key": "cle-revoquee"}])
async def test_a_refused_key_gives_one_clear_message_and_no_retry_storm(
    chat: ChatHarness, services: Services, social: FakeSocial
) -> None:
    monitor, delivery, transport = engines(services)
    await chat.say(WATCH)
    await chat.say("/source youtube 1")
    await poll_all(monitor, delivery)
    for _ in range(5):  # the scheduler comes back often; the source is not due again
        monitor.wake()
        await monitor.poll_due()
        await delivery.send_due()
    assert social.count("/youtube/v3/search") == 1
    (message,) = sent(transport)
    assert "Source en échec" in message and "clé d'API YouTube est refusée" in message
    assert "cle-revoquee" not in message
    status = await chat.text("/statut")
    assert "1 échec(s)" in status and "VIGIE_YOUTUBE_API_KEY" in status


async def test_youtube_channel_and_explicit_mastodon_page(
    chat: ChatHarness, services: Services, social: FakeSocial
) -> None:
    await chat.say(WATCH)
    text = await chat.text("/source youtube chaine:UC1234567890abcdefghijkl pour 1")
    assert "commentaires de la chaîne" in text
    bad = await chat.text("/source youtube chaine:UC123 pour 1")
    assert "24 caractères" in bad
    page = f"{social.web.base_url}/tags/CabinetDupont"
    assert "#CabinetDupont" in await chat.text(f"/source mastodon {page} pour 1")
    bad_tag = await chat.text("/source mastodon #Cabinet-Dupont! pour 1")
    assert "mot-dièse" in bad_tag


@pytest.mark.parametrize("overrides", [{"web_search_key": None}])
async def test_bilan_without_a_search_key_says_what_it_did_not_search(
    chat: ChatHarness, social: FakeSocial
) -> None:
    await chat.say(WATCH)
    await chat.say("/surveiller Cabinet des Lilas, Lyon")
    replies = await chat.say("/bilan")
    web_part = replies[-1].plain_text
    assert "Recherche sur le web : non faite" in web_part
    assert "VIGIE_WEB_SEARCH_KEY" in web_part
    assert '"Marie Dupont" Lyon' in web_part and '"Cabinet des Lilas" Lyon' in web_part
    assert social.count("/brave/res/v1/web/search") == 0
    page = html_of(replies[0])
    assert "Recherche sur le web non faite" in page and "&#34;Cabinet des Lilas&#34; Lyon" in page


async def test_bilan_searches_the_web_and_groups_results_by_kind(
    chat: ChatHarness, social: FakeSocial
) -> None:
    social.brave_results['"Marie Dupont"'] = [
        brave_result("https://www.doctolib.fr/dermatologue/lyon/marie-dupont", "Dr Marie Dupont",
                     "Prenez rendez-vous en ligne avec le Dr Marie Dupont, dermatologue à Lyon."),
        brave_result("https://www.leprogres.fr/sante/2026/11/02/dermatologue", "Une dermatologue",
                     "La dermatologue lyonnaise Marie Dupont ouvre un second cabinet."),
        brave_result("https://forum.doctissimo.fr/sante/dermato/dupont-sujet_1.htm",
                     "Dr Dupont Lyon ?", "Le Dr Marie Dupont est une incompétente et une voleuse."),
        brave_result("https://www.reddit.com/r/lyon/comments/abc/dermato/", "Dermato à Lyon",
                     "Quelqu'un connaît le Dr Marie Dupont ?"),
        brave_result("https://www.facebook.com/groups/lyon/posts/1", "Groupe Lyon",
                     "Avis sur Marie Dupont dermatologue"),
        brave_result("https://exemple-annuaire-inconnu.fr/marie-dupont",
                     "Marie Dupont <script>alert(1)</script>", "Fiche de Marie Dupont."),
    ]  # fmt: skip
    await chat.say(WATCH)
    await chat.say("/source reddit 1")
    replies = await chat.say("/bilan")
    web_part = replies[-1]
    text = web_part.plain_text
    (request,) = social.web.requests_to("/brave/res/v1/web/search")
    assert request.query["q"] == '"Marie Dupont" Lyon' and request.query["country"] == "FR"
    order = [
        "Sites d'avis et annuaires",
        "Réseaux sociaux et vidéo",
        "Presse",
        "Forums et blogs",
        "Autres sites",
    ]
    positions = [text.index(h) for h in order]
    assert positions == sorted(positions)
    lines = {line.split(" (")[0]: line for line in text.splitlines() if line.startswith("• ")}
    assert "injure" in lines["• Dr Dupont Lyon ?"] or "diffamation" in lines["• Dr Dupont Lyon ?"]
    assert "/source page https://forum.doctissimo.fr" in lines["• Dr Dupont Lyon ?"]
    assert "déjà surveillé" in lines["• Dermato à Lyon"]  # the team follows Reddit
    assert "/capture https://www.facebook.com" in lines["• Groupe Lyon"]
    assert "/source actus 1" in lines["• Une dermatologue"]
    assert "/source page https://www.doctolib.fr" in lines["• Dr Marie Dupont"]
    page = html_of(replies[0])
    assert "Ce que le web montre" in page
    assert '<a href="https://forum.doctissimo.fr/sante/dermato/dupont-sujet_1.htm"' in page
    assert "déjà surveillé" in page and "<code>/capture https://www.facebook.com" in page
    assert "<script>alert" not in page and "alert(1)" not in page  # markup dropped, not run


@pytest.mark.parametrize("overrides", [{"web_search_key": "cle-fausse"}])
async def test_bilan_with_a_refused_search_key_asks_once(
    chat: ChatHarness, social: FakeSocial
) -> None:
    await chat.say(WATCH)
    await chat.say("/surveiller Cabinet des Lilas, Lyon")
    replies = await chat.say("/bilan")
    text = replies[-1].plain_text
    assert social.count("/brave/res/v1/web/search") == 1  # stopped at the first refusal
    assert text.count("refuse la clé") == 2 and "VIGIE_WEB_SEARCH_KEY" in text


@pytest.mark.parametrize("overrides", [{"bluesky_handle": None, "bluesky_app_password": None}])
async def test_bluesky_refusing_anonymous_search_is_told_once(
    chat: ChatHarness, services: Services, social: FakeSocial
) -> None:
    monitor, delivery, transport = engines(services)
    await chat.say(WATCH)
    added = await chat.text("/source bluesky 1")
    assert "✅ Source ajoutée" in added and "VIGIE_BLUESKY_APP_PASSWORD" in added
    await poll_all(monitor, delivery)
    for _ in range(3):  # the scheduler comes back; the source is not due for 6 h
        await monitor.poll_due()
        await delivery.send_due()
    assert social.count("/bsky-public/xrpc/app.bsky.feed.searchPosts") == 1
    (message,) = sent(transport)
    assert "Source en échec" in message and "mot de passe d'application" in message


async def test_bilan_waits_once_when_the_search_asks_to_slow_down(
    chat: ChatHarness, social: FakeSocial
) -> None:
    social.brave_throttle_next = 1
    social.brave_results['"Marie Dupont"'] = [
        brave_result("https://www.doctolib.fr/x", "Dr Marie Dupont", "Rendez-vous en ligne.")
    ]
    await chat.say(WATCH)
    text = (await chat.say("/bilan"))[-1].plain_text
    assert social.count("/brave/res/v1/web/search") == 2  # one 429, one polite retry
    assert "Sites d'avis et annuaires" in text and "Recherche non faite" not in text
