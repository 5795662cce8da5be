"""`/source google Cabinet Dupont Lyon`: Places Text Search, five candidates, a choice adds the
listing — through the real console, Telegram and Slack adapters, against a fake Google."""

from __future__ import annotations

from typing import Any

from bot.router import Router
from bot.services import Services
from tests.fake_google_apis import FakeGoogle
from tests.fake_slack import CHANNEL, buttons_of
from tests.google_chats import (
    GROUP,
    console_session,
    google,
    settings,
    slack_channel,
    telegram_group,
)
from tests.harness import ChatHarness

__all__ = ["google", "settings"]  # fixtures used by name

DUPONT = "ChIJDupontLyon0000000001"
DUPONT_2 = "ChIJDupontLyon0000000002"


def world(google: FakeGoogle) -> None:
    google.add_place(DUPONT, "Cabinet Dupont", rating=4.2, count=87,
                     address="12 rue Mercière, 69002 Lyon, France")  # fmt: skip
    google.add_place(DUPONT_2, "Cabinet dentaire Dupont", rating=3.1, count=9,
                     address="4 cours Vitton, 69006 Lyon, France")  # fmt: skip
    google.searches["cabinet dupont lyon"] = [DUPONT, DUPONT_2]


def slack_text(message: dict[str, Any]) -> str:
    parts = [message.get("text", "")]
    for block in message.get("blocks") or []:
        if block["type"] == "section":
            parts.append(block["text"]["text"])
    return "\n".join(parts)


async def test_console_numbered_choice_adds_the_listing(
    router: Router, services: Services, team_id: int, google: FakeGoogle
) -> None:
    world(google)
    out = await console_session(
        router,
        services,
        team_id,
        "/surveiller Cabinet Dupont, Lyon\n/source google Cabinet Dupont Lyon\n/choisir 2\n",
    )
    assert "1. Cabinet Dupont — 12 rue Mercière, 69002 Lyon, France — 4,2★ (87 avis)" in out
    assert "2. Cabinet dentaire Dupont — 4 cours Vitton, 69006 Lyon, France — 3,1★ (9 avis)" in out
    assert "/choisir 1" in out
    assert "Source ajoutée : Google (fiche)" in out
    [row] = await services.store.sources.active(team_id)
    assert (row.kind, row.target) == ("places", DUPONT_2)
    [watch] = await services.store.watches.active(team_id)
    assert row.watch_id == watch.id
    [search] = google.calls_to("places:searchText")
    assert search.headers["X-Goog-Api-Key"] == google.api_key
    assert "places.userRatingCount" in search.headers["X-Goog-FieldMask"]
    assert search.json() == {
        "textQuery": "Cabinet Dupont Lyon",
        "languageCode": "fr",
        "regionCode": "FR",
        "pageSize": 5,
    }


async def test_telegram_inline_button_adds_the_listing(
    router: Router, services: Services, team_id: int, google: FakeGoogle
) -> None:
    world(google)
    async with telegram_group(router, services, team_id) as fake:
        fake.say(GROUP, "/surveiller Cabinet Dupont, Lyon")
        fake.say(GROUP, "/source google Cabinet Dupont Lyon")
        [offer] = await fake.wait_for(lambda c: c.chat_id == GROUP and "Fiches Google" in c.text)
        labels = [label for label, _ in offer.buttons]
        assert labels == ["1. Cabinet Dupont", "2. Cabinet dentaire Dupont"]
        fake.press(offer, offer.buttons[0][1])
        await fake.wait_for(lambda c: c.chat_id == GROUP and "Source ajoutée" in c.text)
    [row] = await services.store.sources.active(team_id)
    assert row.target == DUPONT


async def test_slack_button_adds_the_listing(
    router: Router, services: Services, team_id: int, google: FakeGoogle
) -> None:
    world(google)
    async with slack_channel(router, services, team_id) as slack:
        await slack.command("surveiller Cabinet Dupont, Lyon")
        await slack.command("source google Cabinet Dupont Lyon pour 1")
        offer = slack.fake.messages(CHANNEL)[-1]
        assert "Cabinet dentaire Dupont" in slack_text(offer)
        second = [b for b in buttons_of(offer) if b["text"]["text"].startswith("2.")]
        await slack.press(second[0])
        assert "Source ajoutée" in slack_text(slack.fake.messages(CHANNEL)[-1])
    [row] = await services.store.sources.active(team_id)
    assert row.target == DUPONT_2


async def test_no_candidate_says_what_to_do(chat: ChatHarness, google: FakeGoogle) -> None:
    await chat.say("/surveiller Cabinet Martin, Brest")
    text = await chat.text("/source google Cabinet Martin Brest")
    assert "Aucune fiche Google trouvée pour « Cabinet Martin Brest »" in text
    assert "/source google ChIJ" in text and "nom exact" in text


async def test_refused_key_says_what_to_do(chat: ChatHarness, google: FakeGoogle) -> None:
    world(google)
    google.api_key = "une-autre-cle"
    await chat.say("/surveiller Cabinet Dupont, Lyon")
    text = await chat.text("/source google Cabinet Dupont Lyon")
    assert "clé d'API Google Places est refusée" in text
    assert "VIGIE_GOOGLE_PLACES_API_KEY" in text and "API key not valid" in text
    assert "Traceback" not in text


async def test_stale_or_wrong_choices_are_explained(chat: ChatHarness, google: FakeGoogle) -> None:
    world(google)
    assert "Aucune recherche" in await chat.text("/choisir 1")
    await chat.say("/surveiller Cabinet Dupont, Lyon")
    await chat.say("/source google Cabinet Dupont Lyon")
    assert "entre 1 et 2" in await chat.text("/choisir 4")
    assert "expiré" in await chat.text("/choisir 99.1")


async def test_a_place_id_is_still_accepted_without_search(
    chat: ChatHarness, services: Services, team_id: int, google: FakeGoogle
) -> None:
    await chat.say("/surveiller Cabinet Dupont, Lyon")
    text = await chat.text(f"/source google {DUPONT} pour 1")
    assert "Source ajoutée" in text
    assert google.calls_to("searchText") == []
    [row] = await services.store.sources.active(team_id)
    assert row.target == DUPONT


async def test_missing_key_says_who_must_set_what(
    chat: ChatHarness, services: Services, google: FakeGoogle
) -> None:
    services.settings = services.settings.model_copy(update={"google_places_api_key": None})
    await chat.say("/surveiller Cabinet Dupont, Lyon")
    text = await chat.text("/source google Cabinet Dupont Lyon")
    assert "VIGIE_GOOGLE_PLACES_API_KEY" in text and "place ID" in text
    assert google.calls == []
