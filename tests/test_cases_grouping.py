"""Criticism that spreads and waves of reviews, end to end: real sources on loopback, real store."""

from __future__ import annotations

import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web

from bot.chat.types import Reply, Urgency
from bot.notify.delivery import Delivery
from bot.services import Services
from bot.settings import Settings
from bot.watch.monitor import Monitor
from tests.fake_social import FakeSocial, bluesky_post, reddit_post, social_settings
from tests.feeds import Item, atom
from tests.harness import ChatHarness, MemoryTransport


@pytest.fixture
async def social() -> AsyncIterator[FakeSocial]:
    async with FakeSocial() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, social: FakeSocial) -> Settings:
    return social_settings(tmp_path, social, {})


WATCH = "/surveiller Dr Marie Dupont, dermatologue, Lyon"
PLACE = "ChIJN1t_tDeuEmsRUsoyG83frY4"
ORIGINAL = (
    "Le Dr Marie Dupont, dermatologue à Lyon, est une incompétente qui m'a mal soignée : "
    "elle a oublié mon dossier et m'a parlé comme à un chien. Fuyez ce cabinet, une honte."
)


def engines(services: Services, social: FakeSocial) -> tuple[Monitor, Delivery, MemoryTransport]:
    transport = MemoryTransport()
    delivery = Delivery(services, {"test": transport})
    config = social.config(places_api_url=social.web.url("/places-api"), places_api_key="k")
    monitor = Monitor(services, config=config, on_new_alerts=delivery.wake)
    return monitor, delivery, transport


async def poll_all(monitor: Monitor, delivery: Delivery) -> None:
    store = monitor.services.store
    for team in await store.teams.all_ids():
        await store.sources.poll_now(team)
    await monitor.poll_due()
    await delivery.send_due()


def sent(transport: MemoryTransport) -> list[Reply]:
    return [r for _, r in transport.sent]


def serve_feed(social: FakeSocial, path: str, items: list[Item]) -> None:
    """An Atom feed at `path` holding `items` as they stand at each poll."""

    async def feed(request: web.Request) -> web.Response:
        return web.Response(text=atom(items), content_type="application/atom+xml")

    social.web.route(path, feed)


async def test_a_text_copied_on_three_sources_gives_one_full_alert_and_two_short_ones(
    chat: ChatHarness, services: Services, social: FakeSocial, tmp_path: Path
) -> None:
    monitor, delivery, transport = engines(services, social)
    items: list[Item] = []
    serve_feed(social, "/alertes", items)
    await chat.say(WATCH)
    await chat.say(f"/source flux {social.web.url('/alertes')}")
    await chat.say("/source reddit 1")
    await chat.say("/source bluesky 1")
    await poll_all(monitor, delivery)  # three empty baselines
    transport.sent.clear()

    items.append(Item("g1", "Avis Google", ORIGINAL, link="https://avis.exemple.fr/dupont/1"))
    await poll_all(monitor, delivery)
    (first,) = sent(transport)
    assert "Avis à risque juridique" in first.plain_text and "incompétente" in first.plain_text

    edited = ORIGINAL.replace("une incompétente", "une vraie incompétente").replace(
        "une honte", "quelle honte"
    )
    social.reddit_posts.append(reddit_post("cp1", "Dermato à Lyon : attention", edited))
    await poll_all(monitor, delivery)
    second = sent(transport)[1]
    assert second.plain_text.startswith("🔁 Repris sur 2 sites")
    assert "Avis à risque juridique" not in second.plain_text  # short, not a new full alert
    assert "reddit.com" in second.plain_text

    quoted = f"Je relaie ce qu'on lit partout : « {ORIGINAL[:140]} »"
    social.bluesky_posts.append(bluesky_post("3kcp", quoted))
    await poll_all(monitor, delivery)
    alerts = sent(transport)
    assert len(alerts) == 3
    third = alerts[2].plain_text
    assert third.startswith("🔁 Repris sur 3 sites") and "bsky.app" in third
    assert alerts[2].urgency is Urgency.URGENT  # an insult spreading
    original_id = int(first.plain_text.split("#")[1].split(" ")[0])
    assert f"/dossier #{original_id}" in third

    await chat.say(
        '/reglages praticien nom="Dr Marie Dupont" profession=dermatologue rpps=10001234567 '
        'adresse="1 rue de la Paix, Lyon" email=cabinet@exemple.fr'
    )
    await chat.say("/reglages assureur nom=MACSF email=sinistres@exemple.fr contrat=RCP-1")
    (case,) = [a for r in await chat.say(f"/dossier #{original_id}") for a in r.attachments]
    with zipfile.ZipFile(case.path) as archive:
        timeline = next(n for n in archive.namelist() if n.endswith("chronologie.txt"))
        text = archive.read(timeline).decode("utf-8")
        names = archive.namelist()
        letter_name = next(n for n in names if "assureur" in n and n.endswith(".txt"))
        letter = archive.read(letter_name).decode("utf-8")
    assert text.count("Publication du même contenu") == 3
    for place in ("avis.exemple.fr", "reddit.com", "bsky.app"):
        assert place in text
    assert "publié ou repris à 3 endroits" in letter
    for place in ("avis.exemple.fr", "reddit.com", "bsky.app"):
        assert place in letter


async def test_the_first_alert_names_the_original_when_it_was_only_in_the_baseline(
    chat: ChatHarness, services: Services, social: FakeSocial
) -> None:
    monitor, delivery, transport = engines(services, social)
    social.reddit_posts.append(reddit_post("old", "Dermato Lyon", ORIGINAL))
    await chat.say(WATCH)
    await chat.say("/source reddit 1")
    await chat.say("/source bluesky 1")
    await poll_all(monitor, delivery)
    transport.sent.clear()
    social.bluesky_posts.append(bluesky_post("3new", ORIGINAL.replace("Fuyez", "Évitez")))
    await poll_all(monitor, delivery)
    (alert,) = sent(transport)
    text = alert.plain_text
    assert "Avis à risque juridique" in text  # a full alert: nobody was told of the original
    assert "🔁 Texte déjà publié ailleurs : #1 · Reddit" in text and "repris sur 2 sites" in text


def places_payload(reviews: list[tuple[str, int, str, datetime]]) -> dict[str, object]:
    return {
        "displayName": {"text": "Cabinet Dupont", "languageCode": "fr"},
        "rating": 4.1,
        "userRatingCount": 80 + len(reviews),
        "reviews": [
            {
                "name": f"places/{PLACE}/reviews/{rid}",
                "rating": stars,
                "text": {"text": text, "languageCode": "fr"},
                "originalText": {"text": text, "languageCode": "fr"},
                "authorAttribution": {"displayName": f"Compte {rid}"},
                "publishTime": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "googleMapsUri": f"https://www.google.com/maps/reviews/{rid}",
            }
            for rid, stars, text, at in reviews
        ],
    }


def serve_listing(social: FakeSocial, reviews: list[tuple[str, int, str, datetime]]) -> None:
    """Place Details for PLACE answers with `reviews` as they stand at each poll."""

    async def handler(request: web.Request) -> web.Response:
        return web.json_response(places_payload(reviews))

    social.web.route(f"/places-api/places/{PLACE}", handler)


async def watch_listing(chat: ChatHarness) -> None:
    """The watched name, and its Google listing as a source for it."""
    await chat.say(WATCH)
    await chat.say(f"/source google {PLACE} pour 1")


async def test_a_wave_of_negative_reviews_gives_one_grouped_alert(
    chat: ChatHarness, services: Services, social: FakeSocial
) -> None:
    monitor, delivery, transport = engines(services, social)
    now = datetime.now(UTC)
    reviews = [("ok1", 5, "Très bonne dermatologue, à l'écoute.", now - timedelta(days=30))]
    serve_listing(social, reviews)
    await watch_listing(chat)
    await poll_all(monitor, delivery)
    transport.sent.clear()

    for n in range(5):
        reviews.append((f"w{n}", 1, f"Nul, à éviter ({n}).", now - timedelta(minutes=50 - n)))
    await poll_all(monitor, delivery)
    (alert,) = sent(transport)  # one grouped alert, not five
    text = alert.plain_text
    assert text.startswith("🌊 Vague d'avis négatifs")
    assert "5 avis négatifs en moins d'une heure" in text
    assert "seuil de l'équipe : 3 en 48 h" in text
    assert text.count("★☆☆☆☆") == 5
    assert "faux engagement" in text and "contributionpolicy" in text
    assert alert.urgency is Urgency.URGENT
    assert [b.action for b in alert.buttons] == ["dossier", "capture", "assureur"]

    reviews.append(("w9", 2, "Pareil, déçu.", now))
    await poll_all(monitor, delivery)
    update = sent(transport)[1].plain_text
    assert update.startswith("🌊 Vague d'avis négatifs : +1 (6 au total)")
    assert len(sent(transport)) == 2

    root = alert.buttons[0].arg
    (case,) = [a for r in await chat.say(f"/dossier #{root}") for a in r.attachments]
    with zipfile.ZipFile(case.path) as archive:
        name = next(n for n in archive.namelist() if n.endswith("chronologie.txt"))
        assert archive.read(name).decode("utf-8").count("Publication du même contenu") == 6


async def test_below_the_threshold_reviews_alert_one_by_one_then_the_wave_groups_them(
    chat: ChatHarness, services: Services, social: FakeSocial
) -> None:
    monitor, delivery, transport = engines(services, social)
    now = datetime.now(UTC)
    reviews: list[tuple[str, int, str, datetime]] = []
    serve_listing(social, reviews)
    await watch_listing(chat)
    text = await chat.text("/reglages vague 4 24h")
    assert "4 avis sur une même fiche en 24 h" in text
    assert "4 avis en 24 h" in await chat.text("/reglages vague")
    assert "Donnez le nombre" in await chat.text("/reglages vague beaucoup")
    await poll_all(monitor, delivery)
    transport.sent.clear()
    for n in range(3):
        reviews.append((f"s{n}", 2, f"Déçue par l'accueil ({n}).", now - timedelta(hours=n)))
        await poll_all(monitor, delivery)
    assert len(sent(transport)) == 3
    assert all("Nouvel avis" in r.plain_text for r in sent(transport))
    reviews.append(("s3", 1, "Encore une mauvaise expérience.", now))
    reviews.append(("old", 1, "Un vieil avis enfin visible.", now - timedelta(days=5)))
    await poll_all(monitor, delivery)
    wave = sent(transport)[3:]
    assert len(wave) == 2  # the wave, and the old review alone (outside the window)
    grouped = next(r.plain_text for r in wave if r.plain_text.startswith("🌊"))
    assert "4 avis négatifs" in grouped and "seuil de l'équipe : 4 en 24 h" in grouped
    assert any("Un vieil avis" in r.plain_text and "Nouvel avis" in r.plain_text for r in wave)


async def test_case_alerts_speak_english_for_an_english_team(
    chat: ChatHarness, services: Services, social: FakeSocial
) -> None:
    monitor, delivery, transport = engines(services, social)
    now = datetime.now(UTC)
    reviews: list[tuple[str, int, str, datetime]] = []
    serve_listing(social, reviews)
    await chat.say("/reglages langue en")
    await watch_listing(chat)
    await poll_all(monitor, delivery)
    transport.sent.clear()
    reviews += [(f"e{n}", 1, f"Terrible ({n}).", now - timedelta(hours=n)) for n in range(3)]
    await poll_all(monitor, delivery)
    (alert,) = sent(transport)
    assert alert.plain_text.startswith("🌊 Wave of negative reviews")
    assert "3 negative reviews within 2 h (team threshold: 3 within 48 h)" in alert.plain_text
    assert "fake engagement policy" in alert.plain_text
    assert [b.label for b in alert.buttons] == ["📁 Case file", "📸 Capture", "✉️ Insurer letter"]


async def test_near_duplicates_on_the_original_site_are_separate_mentions(
    chat: ChatHarness, services: Services, social: FakeSocial
) -> None:
    monitor, delivery, transport = engines(services, social)
    items: list[Item] = []
    serve_feed(social, "/forum", items)
    await chat.say(WATCH)
    await chat.say(f"/source flux {social.web.url('/forum')}")
    await poll_all(monitor, delivery)
    transport.sent.clear()
    template = (
        "Le Dr Marie Dupont, dermatologue à Lyon, consulte le {} de 9 h à 18 h sans rendez-vous."
    )
    for n, day in enumerate(("lundi", "mardi")):
        items.append(
            Item(f"t{n}", "Horaires", template.format(day), link=f"https://annuaire.fr/{n}")
        )
    await poll_all(monitor, delivery)
    assert [r.plain_text.startswith("🔔 Nouvel avis") for r in sent(transport)] == [True, True]
