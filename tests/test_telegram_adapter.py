"""The Telegram adapter end to end: real PTB, real router and store, a fake Bot API on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from pydantic import SecretStr

from adapters.telegram import TelegramAdapter
from adapters.telegram.adapter import EDITED_HINT, STALE_BUTTON
from bot.chat.markup import b, quote, reply, t
from bot.chat.transport import SendError
from bot.chat.types import Attachment, Button, Reply, Urgency
from bot.commands import registry
from bot.commands.base import Command, Context
from bot.models import Flag
from bot.router import Router
from bot.services import Services
from bot.settings import Settings
from tests.fake_telegram import (
    BOT_USERNAME,
    LIMITS,
    Call,
    FakeTelegram,
    alert_reply,
    make_adapter,
    running,
    store_mention,
)

ALICE = 4242  # a private chat (its id is the user's)
GROUP = -1001234567890  # the practice's group
STRANGER_GROUP = -1009999999999


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram(limits=LIMITS).start()
    yield server
    await server.stop()


@pytest.fixture
async def adapter(router: Router, fake: FakeTelegram) -> AsyncIterator[TelegramAdapter]:
    adapter = make_adapter(router, fake)
    async with running(adapter):
        yield adapter


def to(chat: int, method: str = "sendMessage", containing: str = "") -> Callable[[Call], bool]:
    """A predicate on recorded calls: a successful send to `chat` whose text has `containing`."""

    def match(call: Call) -> bool:
        return (
            call.ok and call.method == method and call.chat_id == chat and containing in call.text
        )

    return match


async def joined(fake: FakeTelegram, services: Services, team_id: int, chat: int) -> None:
    """The chat joins the team with a fresh code, as a user would."""
    code = await services.store.teams.create_invite(team_id, ttl=timedelta(hours=1))
    fake.say(chat, f"/rejoindre {code}")
    await fake.wait_for(to(chat, containing="reçoit désormais les alertes"))


async def settle(fake: FakeTelegram, chat: int, marker: str) -> list[Call]:
    """Send a marker command after the messages under test and wait for its answer.

    Updates of one chat are answered in order, so once the marker is answered, anything the
    earlier messages would have caused has been sent already.
    """
    fake.say(chat, marker)
    await fake.wait_for(to(chat), count=len(fake.sent_to(chat)) + 1)
    await asyncio.sleep(0.1)
    return fake.sent_to(chat)


async def test_startup_publishes_the_french_menu_and_long_polls(
    adapter: TelegramAdapter, fake: FakeTelegram
) -> None:
    assert adapter.bot_username == BOT_USERNAME
    [poll] = await fake.wait_for(lambda c: c.method == "getUpdates")
    methods = [c.method for c in fake.calls]
    assert methods[0] == "getMe" and "deleteWebhook" in methods and "getUpdates" in methods
    french = {c["command"]: c["description"] for c in fake.commands[""]}
    english = {c["command"]: c["description"] for c in fake.commands["en"]}
    assert set(french) == set(english) and {"rejoindre", "surveiller", "traite"} <= set(french)
    assert french["surveiller"] != english["surveiller"]
    assert "callback_query" in poll.params["allowed_updates"]


async def test_a_team_joins_watches_gets_an_alert_and_presses_its_buttons(
    adapter: TelegramAdapter, fake: FakeTelegram, services: Services, team_id: int
) -> None:
    fake.say(ALICE, "/liste")
    [refusal] = await fake.wait_for(to(ALICE, containing="n'est reliée à aucune équipe"))
    assert str(ALICE) in refusal.text and "/rejoindre CODE" in refusal.text

    await joined(fake, services, team_id, ALICE)
    fake.say(ALICE, "/surveiller Dr Marie Dupont, dermatologue, Lyon")
    await fake.wait_for(to(ALICE, containing="Marie Dupont"))
    fake.say(ALICE, "/liste")
    await fake.wait_for(to(ALICE, containing="1."), count=1)

    mention_id = await store_mention(
        services, team_id, "r1", "<script>alert(1)</script> Ce médecin est un escroc & un menteur",
        flags=frozenset({Flag.INSULT}),
    )  # fmt: skip
    message_ref = await adapter.send(str(ALICE), await alert_reply(services, team_id, mention_id))
    [alert] = await fake.wait_for(to(ALICE, containing=f"#{mention_id}"))
    assert message_ref == str(alert.result["message_id"])
    raw = alert.params["text"]
    assert "&lt;script&gt;" in raw and "<script>" not in raw and "&lt;b&gt;Patient" in raw
    assert '<a href="https://exemple.fr/avis?id=1&amp;x=&lt;2&gt;">' in raw
    assert "<blockquote>" in raw and "<script>alert(1)</script> Ce médecin" in alert.text
    assert alert.params.get("disable_notification") in (None, "False", "false")
    labels = [label for label, _ in alert.buttons]
    assert labels == [
        "📸 Capture",
        "✉️ Courrier assureur",
        "🚩 Signaler",
        "💬 Répondre",
        "✅ Traité",
    ]
    assert {data: label for label, data in alert.buttons}[f"traite:{mention_id}"] == "✅ Traité"

    fake.press(alert, f"traite:{mention_id}")
    await fake.wait_for(to(ALICE, containing=f"Avis #{mention_id} marqué traité"))
    answers = [c for c in fake.calls if c.method == "answerCallbackQuery"]
    assert len(answers) == 1 and not answers[0].params.get("text")
    handled = await services.store.mentions.get(team_id, mention_id)
    assert handled is not None and handled.handled_at is not None
    fake.press(alert, f"traite:{mention_id}")  # pressed twice: a clear answer, no error
    await fake.wait_for(to(ALICE, containing="déjà marqué traité"))
    assert len([c for c in fake.calls if c.method == "answerCallbackQuery"]) == 2


async def test_forged_and_stale_buttons_answer_clearly_and_touch_nothing(
    adapter: TelegramAdapter, fake: FakeTelegram, services: Services, team_id: int
) -> None:
    await joined(fake, services, team_id, GROUP)
    mine = await store_mention(services, team_id, "a", "Avis de notre équipe")
    other_team = await services.store.teams.create("Cabinet voisin")
    theirs = await store_mention(services, other_team, "b", "Texte confidentiel du voisin")
    await adapter.send(str(GROUP), await alert_reply(services, team_id, mine))
    [alert] = await fake.wait_for(to(GROUP, containing=f"#{mine}"))

    fake.press(alert, f"traite:{theirs}")  # a forged id: another team's mention
    [refused] = await fake.wait_for(to(GROUP, containing="Aucun avis"))
    assert "confidentiel" not in refused.text
    still_open = await services.store.mentions.get(other_team, theirs)
    assert still_open is not None and still_open.handled_at is None

    for forged in ("supprimer:1", "traite:1;DROP TABLE", "x" * 64, f"traite:{mine}:extra"):
        fake.press(alert, forged)
    stale = await fake.wait_for(
        lambda c: c.method == "answerCallbackQuery" and c.params.get("text") == STALE_BUTTON,
        count=4,
    )
    assert all(c.params.get("show_alert") in ("True", "true") for c in stale)
    edits = await fake.wait_for(lambda c: c.method == "editMessageReplyMarkup", count=4)
    assert all(int(c.params["message_id"]) == alert.result["message_id"] for c in edits)
    mention = await services.store.mentions.get(team_id, mine)
    assert mention is not None and mention.handled_at is None
    answered = [c for c in fake.calls if c.method == "answerCallbackQuery"]
    assert len(answered) == 5  # every press answered, once


async def test_unbound_and_stranger_chats_learn_only_how_to_join(
    adapter: TelegramAdapter, fake: FakeTelegram, services: Services, team_id: int
) -> None:
    await store_mention(services, team_id, "s", "Secret de l'équipe")
    for command in ("/avis", f"/avis@{BOT_USERNAME}", "/traite 1", "/reglages"):
        fake.say(STRANGER_GROUP, command)
    answers = await fake.wait_for(to(STRANGER_GROUP), count=4)
    for answer in answers:
        assert "n'est reliée à aucune équipe" in answer.text and str(STRANGER_GROUP) in answer.text
        assert "Secret" not in answer.text and "Cabinet" not in answer.text
    fake.say(STRANGER_GROUP, "bonjour tout le monde")  # plain talk in a group: ignored
    sent = await settle(fake, STRANGER_GROUP, "/aide")
    assert len(sent) == 5 and "Commandes" in sent[-1].text


async def test_start_deep_link_joins(
    adapter: TelegramAdapter, fake: FakeTelegram, services: Services, team_id: int
) -> None:
    code = await services.store.teams.create_invite(team_id, ttl=timedelta(hours=1))
    fake.say(ALICE, f"/start {code.replace('-', '')}")
    await fake.wait_for(to(ALICE, containing="reçoit désormais les alertes"))
    chat = await services.store.teams.chat("telegram", str(ALICE))
    assert chat is not None and chat.team_id == team_id


async def test_bad_input_gets_sensible_answers_and_no_crash(
    adapter: TelegramAdapter, fake: FakeTelegram, services: Services, team_id: int
) -> None:
    await joined(fake, services, team_id, ALICE)
    await joined(fake, services, team_id, GROUP)

    fake.say(ALICE, "/surveiller " + "x" * 4000)
    [long_arg] = await fake.wait_for(to(ALICE, containing="Exemple"))
    assert len(long_arg.text) < 1000
    fake.say(ALICE, "/inconnue")
    await fake.wait_for(to(ALICE, containing="Commande inconnue"))
    fake.say(ALICE, "/lsite")
    await fake.wait_for(to(ALICE, containing="Vouliez-vous dire /liste"))

    edited = fake.message(ALICE, "/surveiller Dr Paul Martin")
    fake.push("edited_message", edited)
    await fake.wait_for(to(ALICE, containing=EDITED_HINT))
    fake.push("edited_message", fake.message(ALICE, "simple correction"))  # ignored
    welcome = "veille sur votre e-réputation"
    assert not [c for c in fake.sent_to(ALICE) if welcome in c.text]
    fake.say(ALICE, "bonjour")  # private chat: the short hint
    await fake.wait_for(to(ALICE, containing=welcome))
    fake.push("message", fake.message(ALICE, None, sticker={
        "file_id": "s1", "file_unique_id": "u1", "type": "regular", "width": 512,
        "height": 512, "is_animated": False, "is_video": False}))  # fmt: skip
    await fake.wait_for(to(ALICE, containing=welcome), count=2)
    watches = await services.store.watches.active(team_id)
    assert [w.name for w in watches] == []  # the edit did not add anything

    photo = [{"file_id": "p1", "file_unique_id": "q1", "width": 90, "height": 90}]
    fake.push("message", fake.message(GROUP, None, photo=photo))  # group photo: ignored
    fake.say(GROUP, "on en parle demain ?")  # group talk: ignored
    fake.say(GROUP, "/liste@AutreBot")  # another bot's command: ignored
    fake.say(GROUP, "/liste", user_id=999, is_automatic_forward=True,
             sender_chat={"id": -100555, "type": "channel", "title": "Chaîne"})  # fmt: skip
    fake.push("channel_post", fake.message(-100777, "/liste", chat_type="channel"))
    fake.say(GROUP, "/aide", user_id=888, **{"from": fake.user(888, "Robot", is_bot=True)})
    before = len(fake.sent_to(GROUP))
    sent = await settle(fake, GROUP, f"/statut@{BOT_USERNAME}")
    assert len(sent) == before + 1 and "Vigie" in sent[-1].text
    assert fake.sent_to(-100777) == []


async def test_progress_notes_arrive_before_the_answer(
    adapter: TelegramAdapter, fake: FakeTelegram, services: Services, team_id: int
) -> None:
    async def slow(ctx: Context, args: str) -> Reply:
        await ctx.say(reply("⏳ capture en cours…"))
        await asyncio.sleep(0.05)
        return reply(b("Capture terminée"))

    command = Command("lenteur", ("slowtest",), "/lenteur", "test", "test", slow, slow=True)
    registry.register(command)
    try:
        await joined(fake, services, team_id, ALICE)
        fake.say(ALICE, "/lenteur")
        await fake.wait_for(to(ALICE, containing="Capture terminée"))
    finally:
        registry._EXTRA.remove(command)
        registry._index.cache_clear()
    texts = [c.text for c in fake.sent_to(ALICE)]
    assert texts.index("⏳ capture en cours…") == texts.index("Capture terminée") - 1


async def test_long_replies_are_split_and_buttons_stay_on_the_last_part(
    adapter: TelegramAdapter, fake: FakeTelegram
) -> None:
    fake.add_chat(ALICE)
    spans = [s for n in range(120) for s in (b(f"Ligne {n} "), t("<données> & " * 6), t("\n"))]
    spans.append(quote("Fin de l'avis " * 20))
    buttons = (Button("✅ Traité", "traite", "7"),)
    ref = await adapter.send(str(ALICE), reply(*spans, buttons=buttons))
    parts = fake.sent_to(ALICE)
    assert len(parts) >= 3
    assert all(not p.buttons for p in parts[:-1]) and parts[-1].buttons == [
        ("✅ Traité", "traite:7")
    ]
    assert ref == str(parts[-1].result["message_id"])
    lines = [line for p in parts for line in p.text.split("\n")]
    assert [line.split()[1] for line in lines if line.startswith("Ligne")] == [
        str(n) for n in range(120)
    ]


async def test_files_go_as_photo_or_document_and_too_big_ones_are_announced(
    adapter: TelegramAdapter, fake: FakeTelegram, tmp_path: Path
) -> None:
    fake.add_chat(GROUP)
    small = tmp_path / "capture.png"
    Image.new("RGB", (1280, 800), "white").save(small)
    tall = tmp_path / "page-entiere.png"
    Image.new("RGB", (1280, 12000), "white").save(tall)
    letter = tmp_path / "courrier.docx"
    letter.write_bytes(b"PK\x03\x04 lettre")
    huge = tmp_path / "dossier.zip"
    with huge.open("wb") as handle:
        handle.truncate(60 * 1024 * 1024)
    long_caption = "Empreinte SHA-256 : " + "ab" * 600
    files = (
        Attachment(small, "capture.png", "image/png", caption="Capture <du> 3 mars", is_image=True),
        Attachment(tall, "page-entiere.png", "image/png", caption="Page entière", is_image=True),
        Attachment(letter, "courrier.docx", "application/octet-stream", caption=long_caption),
        Attachment(huge, "dossier.zip", "application/zip"),
    )
    await adapter.send(str(GROUP), reply("Vos fichiers :", attachments=files))
    sent = fake.sent_to(GROUP)
    methods = [c.method for c in sent]
    assert methods == [
        "sendMessage", "sendPhoto", "sendDocument", "sendMessage", "sendDocument", "sendMessage"
    ]  # fmt: skip
    assert sent[1].files["photo"][1] == small.read_bytes()
    assert sent[1].params["caption"] == "Capture &lt;du&gt; 3 mars"
    assert sent[2].files["document"] == ("page-entiere.png", tall.read_bytes())
    assert sent[3].text == long_caption  # the full caption, as a message
    assert sent[4].text.endswith(" …") and len(sent[4].text) <= 1024
    assert "trop lourd pour Telegram" in sent[5].text and str(huge) in sent[5].text


async def test_silent_alerts_do_not_ring(adapter: TelegramAdapter, fake: FakeTelegram) -> None:
    fake.add_chat(ALICE)
    await adapter.send(str(ALICE), reply("Avis positif", urgency=Urgency.SILENT))
    await adapter.send(str(ALICE), reply("Avis à risque", urgency=Urgency.URGENT))
    quiet, loud = fake.sent_to(ALICE)
    assert quiet.params["disable_notification"] in ("True", "true")
    assert loud.params.get("disable_notification") in (None, "False", "false")


async def test_send_errors_tell_the_outbox_what_to_do(
    adapter: TelegramAdapter, fake: FakeTelegram
) -> None:
    fake.add_chat(ALICE)
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    with pytest.raises(SendError) as limited:
        await adapter.send(str(ALICE), reply("alerte"))
    assert limited.value.retry_after == 3 and not limited.value.permanent

    with pytest.raises(SendError) as unknown:
        await adapter.send("-1000000000001", reply("alerte"))
    assert unknown.value.permanent and "chat not found" in str(unknown.value).lower()

    fake.add_chat(5151)
    fake.blocked.add(5151)
    with pytest.raises(SendError) as blocked:
        await adapter.send("5151", reply("alerte"))
    assert blocked.value.permanent and "bloqué" in str(blocked.value)

    with pytest.raises(SendError) as garbage:
        await adapter.send("pas-un-id", reply("alerte"))
    assert garbage.value.permanent

    fake.fail_next("sendMessage", 502, "Bad Gateway")
    ref = await adapter.send(str(5252 if fake.add_chat(5252) else 0), reply("après une panne"))
    assert ref  # a lost connection is retried at once

    for _ in range(3):
        fake.fail_next("sendMessage", 502, "Bad Gateway")
    fake.add_chat(5353)
    with pytest.raises(SendError) as down:
        await adapter.send("5353", reply("alerte"))
    assert not down.value.permanent and down.value.retry_after is None
    assert [c for c in fake.sent_to(ALICE)] == []  # nothing was counted as sent


async def test_command_replies_wait_out_a_retry_after(
    adapter: TelegramAdapter, fake: FakeTelegram, services: Services, team_id: int
) -> None:
    await joined(fake, services, team_id, ALICE)
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    fake.say(ALICE, "/aide")
    [answer] = await fake.wait_for(to(ALICE, containing="Commandes de Vigie"))
    refused = [c for c in fake.calls if c.status == 429]
    assert len(refused) == 1 and answer.at - refused[0].at >= 0.95


async def test_send_before_start_asks_to_retry(router: Router, fake: FakeTelegram) -> None:
    adapter = make_adapter(router, fake)
    with pytest.raises(SendError) as early:
        await adapter.send(str(ALICE), reply("trop tôt"))
    assert early.value.retry_after == 5.0 and not early.value.permanent


async def test_a_refused_token_stops_with_a_clear_message(
    router: Router, fake: FakeTelegram
) -> None:
    from bot.chat.transport import StartupError

    adapter = make_adapter(router, fake, token="999:faux")
    with pytest.raises(StartupError, match="VIGIE_TELEGRAM_TOKEN") as refused:
        await asyncio.wait_for(adapter.run(), 10)
    assert refused.value.__cause__ is None and "faux" not in str(refused.value)  # no token leak


async def test_a_burst_of_alerts_respects_the_flood_limits_and_keeps_order(
    adapter: TelegramAdapter, fake: FakeTelegram
) -> None:
    chats = [ALICE, 4343, GROUP]
    for chat in chats:
        fake.add_chat(chat)
    alerts = [(chats[n % 3], reply(f"Alerte {n}")) for n in range(36)]
    refs = await asyncio.gather(*(adapter.send(str(chat), one) for chat, one in alerts))
    assert len(set(refs)) == 36 and fake.too_many == 0
    for chat in chats:
        received = [int(c.text.split()[1]) for c in fake.sent_to(chat)]
        assert received == [n for n in range(36) if chats[n % 3] == chat]
        gaps = [b.at - a.at for a, b in zip(fake.sent_to(chat), fake.sent_to(chat)[1:])]
        assert min(gaps) >= LIMITS.chat_window * 0.9  # really paced, not merely lucky


def test_runtime_starts_telegram_only_when_a_token_is_set(
    router: Router, settings: Settings
) -> None:
    from vigie.runtime import chat_platforms

    assert chat_platforms(settings, router) == []
    configured = settings.model_copy(update={"telegram_token": SecretStr("42:abc")})
    [transport] = chat_platforms(configured, router)
    assert isinstance(transport, TelegramAdapter) and transport.platform == "telegram"
    assert transport.token == "42:abc" and transport.webhook_url is None
