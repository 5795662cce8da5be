"""`/repondre #ID` publishes the owner's reply through Business Profile only after the team saw
the exact text and confirmed; the medical-secrecy check refuses a text that confirms care —
through the real console, Telegram and Slack adapters, against a fake Google."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from bot.router import Router
from bot.services import Services
from tests.fake_google_apis import FakeGoogle
from tests.fake_slack import CHANNEL, buttons_of
from tests.google_chats import (
    GROUP,
    business_review,
    console_session,
    google,
    settings,
    slack_channel,
    telegram_group,
)
from tests.harness import ChatHarness

__all__ = ["google", "settings"]

SAFE = "Bonjour, merci pour votre message. Le cabinet reste à votre écoute."
BREACH = "Bonjour, lors de votre consultation du 3 mars votre diabète a été pris en compte."


def puts(google: FakeGoogle) -> list[Any]:
    return [c.json() for c in google.calls_to("/reply", "PUT")]


async def test_telegram_publishes_only_after_confirmation(
    router: Router, services: Services, team_id: int, google: FakeGoogle, tmp_path: Path
) -> None:
    number, review = await business_review(services, team_id, google)
    async with telegram_group(router, services, team_id) as fake:
        fake.say(GROUP, f"/repondre {number}")
        [guidance] = await fake.wait_for(
            lambda c: c.chat_id == GROUP and "Publier sur Google" in c.text
        )
        draft_button = next(
            data for label, data in guidance.buttons if "Publier ce brouillon" in label
        )
        fake.press(guidance, draft_button)
        [preview] = await fake.wait_for(lambda c: c.chat_id == GROUP and "Texte exact" in c.text)
        assert "Tenus au secret professionnel" in preview.text
        assert "rien à signaler" in preview.text
        assert puts(google) == [] and google.replies == {}  # a preview publishes nothing
        confirm = next(data for label, data in preview.buttons if "Confirmer" in label)
        fake.press(preview, confirm)
        await fake.wait_for(lambda c: c.chat_id == GROUP and "Réponse publiée sur Google" in c.text)
    [put] = puts(google)
    assert put["comment"].startswith("Bonjour,\nNous avons pris connaissance de votre message.")
    assert google.replies[review] == put["comment"]
    [call] = google.calls_to("/reply", "PUT")
    assert call.path == f"/mybusiness/v4/{review}/reply"
    assert call.headers["Authorization"].startswith("Bearer ya29.")
    events = await services.store.mentions.events(number)
    [published] = [d for _, k, d in events if k == "reply_published"]
    assert published.startswith("approuvée par telegram:Alice") and "Tenus au secret" in published

    chat = ChatHarness(router, chat_id=str(GROUP), platform="telegram", user="Alice")
    [answer] = await chat.say(f"/dossier {number}")
    [zipped] = answer.attachments
    with zipfile.ZipFile(zipped.path) as archive:
        timeline = next(n for n in archive.namelist() if "chronologie" in n and n.endswith(".txt"))
        text = archive.read(timeline).decode()
        machine = json.loads(archive.read(timeline.removesuffix(".txt") + ".json"))
    [event] = [e for e in machine["events"] if e["kind"] == "reply_published"]
    assert event["detail"] == f"approuvée par telegram:Alice : « {put['comment']} »"  # in full
    # Third-party text is isolated (U+2068…U+2069) in the case file.
    assert "Réponse publiée sur Google – approuvée par telegram:Alice : « Bonjour," in text


async def test_console_secrecy_check_refuses_and_publishes_nothing_unless_forced(
    router: Router, services: Services, team_id: int, google: FakeGoogle
) -> None:
    number, review = await business_review(services, team_id, google)
    out = await console_session(
        router,
        services,
        team_id,
        f"/repondre {number} = {BREACH}\n/repondre {number} confirmer\n",
    )
    assert "⛔ Secret médical : publication refusée." in out
    assert "« votre consultation » (relation de soin)" in out
    assert "« votre diabète » (information de santé)" in out
    assert puts(google) == []  # refused twice: nothing reached Google
    out = await console_session(router, services, team_id, f"/repondre {number} forcer\n")
    assert "Réponse publiée sur Google" in out
    assert google.replies[review] == BREACH
    events = await services.store.mentions.events(number)
    [published] = [d for _, k, d in events if k == "reply_published"]
    assert "secret médical outrepassé" in published and "votre consultation" in published


def slack_text(message: dict[str, Any]) -> str:
    parts = [message.get("text", "")]
    for block in message.get("blocks") or []:
        if block["type"] == "section":
            parts.append(block["text"]["text"])
    return "\n".join(parts)


async def test_slack_edit_and_delete_a_published_reply(
    router: Router, services: Services, team_id: int, google: FakeGoogle
) -> None:
    number, review = await business_review(services, team_id, google)

    def button(message: dict[str, Any], label: str) -> dict[str, Any]:
        return next(e for e in buttons_of(message) if label in e["text"]["text"])

    async with slack_channel(router, services, team_id) as slack:
        await slack.command(f"repondre {number} = {SAFE}")
        preview = slack.fake.messages(CHANNEL)[-1]
        assert SAFE in slack_text(preview) and google.replies == {}
        await slack.press(button(preview, "Confirmer"))
        assert google.replies[review] == SAFE

        edited = "Bonjour, merci. Le cabinet vous invite à le contacter directement."
        await slack.command(f"repondre {number} = {edited}")
        preview = slack.fake.messages(CHANNEL)[-1]
        assert "Il remplacera la réponse publiée" in slack_text(preview)
        assert google.replies[review] == SAFE  # still the old one until confirmed
        await slack.press(button(preview, "Confirmer"))
        assert google.replies[review] == edited

        await slack.command(f"repondre {number} supprimer")
        question = slack.fake.messages(CHANNEL)[-1]
        assert review in google.replies
        await slack.press(button(question, "Confirmer la suppression"))
        assert review not in google.replies
        assert "retirée de Google" in slack_text(slack.fake.messages(CHANNEL)[-1])
    assert len(google.calls_to("/reply", "DELETE")) == 1
    kinds = [k for _, k, _ in await services.store.mentions.events(number)]
    assert kinds.count("reply_published") == 2 and kinds.count("reply_deleted") == 1


async def test_a_stale_preview_publishes_nothing(
    chat: ChatHarness, services: Services, team_id: int, google: FakeGoogle
) -> None:
    number, _ = await business_review(services, team_id, google)
    [first] = await chat.say(f"/repondre {number} = {SAFE}")
    old_confirm = next(x for x in first.buttons if "Confirmer" in x.label)
    await chat.say(f"/repondre {number} = Bonjour, le cabinet reste joignable.")
    [answer] = await chat.press(old_confirm)
    assert "a changé depuis cet aperçu" in answer.plain_text
    assert puts(google) == []


async def test_a_places_review_explains_how_to_publish(chat: ChatHarness, services: Services,
                                                       team_id: int) -> None:  # fmt: skip
    from bot.models import Mention, Severity, Triage

    store = services.store
    source = await store.sources.add(team_id, "places", "ChIJx0000000001", selector=None,
                                     watch_id=None, interval_s=7200)  # fmt: skip
    number = await store.mentions.insert(
        team_id,
        Mention(
            source_id=source,
            external_id="places/x/reviews/1",
            url=None,
            title=None,
            text="Bof.",
            rating=2,
        ),
        content_hash="h",
        triage=Triage(Severity.NEGATIVE),
        watch_ids=[],
        alerts=lambda _id: [],
    )
    text = await chat.text(f"/repondre {number}")
    assert "vigie google connecter" in text and "/source fiche" in text
    assert "ne peut pas recevoir de réponse" in await chat.text(f"/repondre {number} = Merci.")


async def test_a_reply_written_outside_vigie_is_shown_as_replaced(
    chat: ChatHarness, services: Services, team_id: int, google: FakeGoogle
) -> None:
    location = google.add_location("1234", "5678", "Cabinet Dupont")
    google.replies[f"{location.name}/reviews/r1"] = "Réponse écrite sur Google."
    number, _ = await business_review(services, team_id, google)
    text = await chat.text(f"/repondre {number} = {SAFE}")
    assert "Il remplacera la réponse publiée :\n> Réponse écrite sur Google." in text
