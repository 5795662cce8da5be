"""The real Bolt app in HTTP mode: signed requests in over loopback, a fake Slack Web API out."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from adapters.slack import SlackAdapter
from adapters.slack.dispatch import ProgressMessage
from adapters.slack.inbound import Kind, SlackRequest
from bot.chat.markup import b, quote, reply, t
from bot.chat.transport import SendError
from bot.chat.types import Attachment
from bot.models import Flag, Mention, Severity, Triage
from bot.notify.alert_text import new_mention_alert
from bot.router import Router
from bot.services import Services
from tests import slack_app
from tests.fake_slack import (
    BOT_TOKEN,
    CHANNEL,
    OTHER_TEAM,
    SIGNING_SECRET,
    FakeSlack,
    SlackUser,
    buttons_of,
    command_body,
)

# The real Slack adapter in HTTP mode on the fake Web API (shared fixtures).
fake_slack = slack_app.fake_slack
slack = slack_app.slack
user = slack_app.user
join = slack_app.join

HOSTILE_REVIEW = (
    "<!channel> Ce médecin est un escroc, il a falsifié mes ordonnances ! "
    "<@U0BOSS> voyez <http://evil.example|ici> & partagez"
)


async def risky_mention(services: Services, team_id: int) -> int:
    store = services.store
    source = await store.sources.add(
        team_id, "places", "ChIJtest", selector=None, watch_id=None, interval_s=3600
    )
    watches = await store.watches.active(team_id)
    return await store.mentions.insert(
        team_id,
        Mention(
            source_id=source,
            external_id="places/ChIJtest/reviews/1",
            url="https://maps.google.com/?review=1&hl=fr",
            title=None,
            text=HOSTILE_REVIEW,
            author="Anonyme <!everyone>",
            rating=1,
        ),
        content_hash="h",
        triage=Triage(Severity.NEGATIVE, frozenset({Flag.INSULT, Flag.DEFAMATION})),
        watch_ids=[w.id for w in watches],
        alerts=lambda _id: [],
    )


def texts_of(message: dict[str, Any]) -> str:
    """Every mrkdwn text of a posted message, joined."""
    parts = [message.get("text", "")]
    for block in message.get("blocks") or []:
        if block["type"] == "section":
            parts.append(block["text"]["text"])
        if block["type"] == "context":
            parts.extend(e["text"] for e in block["elements"])
    return "\n".join(parts)


async def test_an_unbound_channel_only_learns_how_to_join_privately(
    slack: SlackAdapter, user: SlackUser, fake_slack: FakeSlack
) -> None:
    answer = await user.command("liste", response_url=fake_slack.response_url("r1"))
    assert answer.status == 200 and answer.seconds < 3
    await slack.dispatcher.drain()
    assert fake_slack.messages() == []
    [private] = fake_slack.responses_to("r1")
    assert private["response_type"] == "ephemeral"
    assert "/vigie rejoindre CODE" in private["text"] and CHANNEL in private["text"]


async def test_scripted_flow_join_watch_alert_buttons_and_files(
    slack: SlackAdapter,
    user: SlackUser,
    fake_slack: FakeSlack,
    services: Services,
    team_id: int,
) -> None:
    store = services.store
    await join(user, slack, services, team_id)
    chat = await store.teams.chat("slack", CHANNEL)
    assert chat is not None and chat.team_id == team_id
    assert await store.teams.chat_workspace("slack", CHANNEL) == fake_slack.team
    [joined] = fake_slack.messages(CHANNEL)
    assert "alertes de l'équipe *Cabinet*" in texts_of(joined)
    assert "<@U0ALICE> · /vigie rejoindre" in texts_of(joined)

    answer = await user.command("surveiller Dr Marie Dupont, dermatologue, Lyon")
    assert answer.status == 200 and answer.seconds < 3 and answer.body == ""
    await slack.dispatcher.drain()
    assert [w.name for w in await store.watches.active(team_id)] == ["Marie Dupont"]
    assert "Marie Dupont" in texts_of(fake_slack.messages(CHANNEL)[-1])
    for command in (
        'reglages praticien nom="Dr Marie Dupont" profession=dermatologue rpps=10001234567 '
        'adresse="1 rue de la Paix, 69001 Lyon" email=cabinet@exemple.fr',
        "reglages assureur nom=MACSF email=sinistres@exemple.fr contrat=RCP-123",
    ):
        assert (await user.command(command)).status == 200
        await slack.dispatcher.drain()

    # An alert, built as the delivery task builds them, with its buttons.
    mention_id = await risky_mention(services, team_id)
    mention = await store.mentions.get(team_id, mention_id)
    assert mention is not None
    alert = new_mention_alert(
        mention,
        await store.watches.active(team_id),
        await store.teams.settings(team_id),
        services.settings.tz,
    )
    ts = await slack.send(CHANNEL, alert)
    posted = fake_slack.messages(CHANNEL)[-1]
    assert ts and ts == posted["_ts"]
    shown = texts_of(posted)
    assert "<!channel>" not in shown and "<@U0BOSS>" not in shown and "<!everyone>" not in shown
    assert "&lt;!channel&gt;" in shown
    assert "<https://maps.google.com/?review=1&amp;hl=fr|Voir en ligne>" in shown
    assert posted["text"].startswith("🚨")
    labels = {e["text"]["text"]: e for e in buttons_of(posted)}
    assert set(labels) == {
        "📸 Capture",
        "✉️ Courrier assureur",
        "🚩 Signaler",
        "💬 Répondre",
        "✅ Traité",
    }

    # Courrier assureur: the letter comes back as text, then as files in the channel.
    before = len(fake_slack.messages(CHANNEL))
    pressed = await user.press(
        labels["✉️ Courrier assureur"], response_url=fake_slack.response_url()
    )
    assert pressed.status == 200 and pressed.seconds < 3
    await slack.dispatcher.drain()
    letter_messages = fake_slack.messages(CHANNEL)[before:]
    assert len(letter_messages) == 2
    assert "sinistres@exemple.fr" in texts_of(letter_messages[0])
    assert "contrat n° RCP-123" in texts_of(letter_messages[1])
    [completed] = fake_slack.calls_to("files.completeUploadExternal")
    assert completed["channel_id"] == CHANNEL
    titles = sorted(f["title"] for f in completed["files"])
    assert titles == [
        f"courrier-assureur-avis-{mention_id}.docx",
        f"courrier-assureur-avis-{mention_id}.eml",
    ]
    uploaded = {f["title"]: fake_slack.uploads[f["id"]] for f in completed["files"]}
    folder = services.settings.data_dir / "teams" / str(team_id) / "courriers" / str(mention_id)
    for title, content in uploaded.items():
        assert content == (folder / title).read_bytes()
    assert uploaded[f"courrier-assureur-avis-{mention_id}.docx"].startswith(b"PK")

    # Traité: the mention is marked handled in the store.
    pressed = await user.press(labels["✅ Traité"])
    assert pressed.status == 200
    await slack.dispatcher.drain()
    handled = await store.mentions.get(team_id, mention_id)
    assert handled is not None and handled.handled_at is not None
    assert f"Avis #{mention_id} marqué traité" in texts_of(fake_slack.messages(CHANNEL)[-1])

    # A slow command: an immediate ⏳, then the case file (a ZIP) posted when ready.
    answer = await user.command(f"dossier {mention_id}")
    assert answer.seconds < 3
    ack = answer.json()
    assert ack["response_type"] == "ephemeral" and ack["text"].startswith("⏳")
    await slack.dispatcher.drain()
    case_file = fake_slack.calls_to("files.completeUploadExternal")[-1]
    [zipped] = case_file["files"]
    assert zipped["title"].endswith(".zip") and fake_slack.uploads[zipped["id"]].startswith(b"PK")
    assert f"Dossier de l'avis #{mention_id}" in texts_of(fake_slack.messages(CHANNEL)[-1])


async def test_usage_mistakes_get_clear_private_answers(
    slack: SlackAdapter,
    user: SlackUser,
    fake_slack: FakeSlack,
    services: Services,
    team_id: int,
) -> None:
    await join(user, slack, services, team_id)
    posted = len(fake_slack.messages())

    empty = (await user.command("   ")).json()
    assert empty["response_type"] == "ephemeral"
    assert "/vigie aide" in empty["text"] and "/vigie surveiller" in empty["text"]

    typed = "surveiller " + "Dupont " * 430
    long = (await user.command(typed)).json()
    assert long["response_type"] == "ephemeral"
    assert f"trop longue ({len(typed.strip())} caractères, 2000 au plus)" in long["text"]

    unknown = await user.command(
        "surveiler Dr Marie Dupont", response_url=fake_slack.response_url("u")
    )
    assert unknown.body == ""
    await slack.dispatcher.drain()
    [answer] = fake_slack.responses_to("u")
    assert answer["response_type"] == "ephemeral"
    assert "Commande inconnue" in answer["text"] and "/vigie surveiller" in answer["text"]

    forged_button = {
        "action_id": "vigie:0:traite",
        "text": {"type": "plain_text", "text": "✅ Traité"},
        "value": json.dumps({"a": "traite", "r": "1; DROP TABLE", "x": "y"}),
    }
    pressed = await user.press(forged_button, response_url=fake_slack.response_url("t"))
    assert pressed.status == 200
    await slack.dispatcher.drain()
    [tampered] = fake_slack.responses_to("t")
    assert "bouton n'est pas valable" in tampered["text"]
    assert len(fake_slack.messages()) == posted  # nothing reached the channel
    assert [w for w in await services.store.watches.active(team_id)] == []


@pytest.mark.parametrize(
    "forgery",
    [
        {"secret": "not-the-signing-secret"},
        {"timestamp_shift": -6 * 60},
        {"timestamp_shift": 6 * 60},
        {"unsigned": True},
    ],
    ids=["wrong-secret", "stale", "from-the-future", "unsigned"],
)
async def test_forged_stale_and_unsigned_requests_are_refused(
    slack: SlackAdapter,
    user: SlackUser,
    services: Services,
    team_id: int,
    forgery: dict[str, Any],
) -> None:
    await join(user, slack, services, team_id)
    body = command_body("surveiller Dr Marie Dupont, Lyon")
    if forgery.get("unsigned"):
        async with user.session.post(user.url, data=body) as answer:
            status = answer.status
    elif "secret" in forgery:
        status = (await user.post(body, secret=forgery["secret"])).status
    else:
        stamp = int(time.time()) + forgery["timestamp_shift"]
        status = (await user.post(body, timestamp=stamp)).status
    assert status == 401
    await slack.dispatcher.drain()
    assert await services.store.watches.active(team_id) == []


async def test_a_replayed_request_is_refused(
    slack: SlackAdapter,
    user: SlackUser,
    services: Services,
    team_id: int,
) -> None:
    await join(user, slack, services, team_id)
    body = command_body("surveiller Dr Marie Dupont, Lyon")
    stamp = int(time.time())
    first = await user.post(body, timestamp=stamp)
    replayed = await user.post(body, timestamp=stamp)
    assert (first.status, replayed.status) == (200, 401)
    await slack.dispatcher.drain()
    assert len(await services.store.watches.active(team_id)) == 1  # only the genuine one


@pytest.mark.parametrize("via", ["command", "button"])
async def test_a_request_from_another_workspace_is_refused(
    slack: SlackAdapter,
    user: SlackUser,
    fake_slack: FakeSlack,
    services: Services,
    team_id: int,
    via: str,
) -> None:
    await join(user, slack, services, team_id)
    posted = len(fake_slack.messages())
    if via == "command":
        answer = await user.command(
            "surveiller Dr Marie Dupont, Lyon",
            team=OTHER_TEAM,
            response_url=fake_slack.response_url(via),
        )
    else:
        answer = await user.press(
            {
                "action_id": "vigie:0:traite",
                "text": {"type": "plain_text", "text": "✅ Traité"},
                "value": json.dumps({"a": "traite", "r": "1"}),
            },
            team=OTHER_TEAM,
            response_url=fake_slack.response_url(via),
        )
    assert answer.status == 200
    await slack.dispatcher.drain()
    [refusal] = fake_slack.responses_to(via)
    assert "Demande refusée" in refusal["text"] and refusal["response_type"] == "ephemeral"
    assert await services.store.watches.active(team_id) == []
    assert len(fake_slack.messages()) == posted


async def test_an_uninvited_bot_answers_privately_and_says_how_to_invite_it(
    slack: SlackAdapter,
    user: SlackUser,
    fake_slack: FakeSlack,
    services: Services,
    team_id: int,
) -> None:
    await join(user, slack, services, team_id)
    fake_slack.channel_errors[CHANNEL] = "not_in_channel"
    await user.command("liste", response_url=fake_slack.response_url("p"))
    await slack.dispatcher.drain()
    answers = fake_slack.responses_to("p")
    assert len(answers) == 2
    assert "/invite @Vigie" in answers[1]["text"]


async def test_send_maps_slack_errors_for_the_outbox(
    slack: SlackAdapter, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    alert = reply(b("🔔 Nouvel avis"), quote("Très bien"))
    fake_slack.rate_limit_next(1, retry_after=7)
    with pytest.raises(SendError) as limited:
        await slack.send("C0LIMITED", alert)
    assert limited.value.retry_after == 7 and not limited.value.permanent
    # The channel stays closed for the Retry-After: the next alert is not even attempted.
    calls = len(fake_slack.calls)
    with pytest.raises(SendError) as waiting:
        await slack.send("C0LIMITED", alert)
    assert waiting.value.retry_after == pytest.approx(7, abs=0.5)
    assert len(fake_slack.calls) == calls

    # A file whose upload fails is retried alone: the text is not posted twice.
    path = tmp_path / "capture.png"
    path.write_bytes(b"\x89PNG fake")
    with_file = reply(t("Capture"), attachments=[Attachment(path, "capture.png", "image/png")])
    fake_slack.fail_uploads = 1
    with pytest.raises(SendError) as upload_failed:
        await slack.send("C0FILES", with_file)
    assert not upload_failed.value.permanent
    ts = await slack.send("C0FILES", with_file)
    [message] = fake_slack.messages("C0FILES")
    assert ts == message["_ts"]
    completed = [
        c for c in fake_slack.calls_to("files.completeUploadExternal") if c.get("_accepted")
    ]
    assert [c["channel_id"] for c in completed] == ["C0FILES"]
    assert fake_slack.uploads[completed[0]["files"][0]["id"]] == b"\x89PNG fake"


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        ("channel_not_found", True),
        ("not_in_channel", True),
        ("is_archived", True),
        ("internal_error", False),
    ],
)
async def test_channel_errors_are_permanent_or_worth_retrying(
    slack: SlackAdapter, fake_slack: FakeSlack, error: str, permanent: bool
) -> None:
    fake_slack.channel_errors["C0X"] = error
    with pytest.raises(SendError) as failed:
        await slack.send("C0X", reply(b("🔔 Nouvel avis"), quote("Très bien")))
    assert failed.value.permanent is permanent
    assert failed.value.retry_after is None


async def test_send_reports_an_unreachable_slack_as_transient(router: Router) -> None:
    adapter = SlackAdapter(
        router,
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        api_url="http://127.0.0.1:9/api/",
        http_port=0,
    )
    try:
        with pytest.raises(SendError) as down:
            await adapter.send(CHANNEL, reply("Alerte"))
        assert not down.value.permanent
    finally:
        await adapter.aclose()


async def test_url_verification_and_mentions_over_http(
    slack: SlackAdapter,
    user: SlackUser,
    fake_slack: FakeSlack,
    services: Services,
    team_id: int,
) -> None:
    challenge = await user.post(
        json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"}),
        content_type="application/json",
    )
    assert challenge.status == 200 and "abc123" in challenge.body
    await join(user, slack, services, team_id)
    event = {
        "type": "event_callback",
        "team_id": fake_slack.team,
        "api_app_id": "A0VIGIE",
        "event_id": "Ev0001",
        "event_time": int(time.time()),
        "event": {
            "type": "app_mention",
            "user": "U0ALICE",
            "channel": CHANNEL,
            "ts": "1700000000.000500",
            "text": f"<@{fake_slack.bot_user}> surveiller Dr Paul Martin, Lyon",
        },
    }
    first = await user.post(json.dumps(event), content_type="application/json")
    retry = await user.post(
        json.dumps(event), content_type="application/json", headers={"X-Slack-Retry-Num": "1"}
    )
    assert (first.status, retry.status) == (200, 200)
    await slack.dispatcher.drain()
    assert [w.name for w in await services.store.watches.active(team_id)] == ["Paul Martin"]
    assert "Paul Martin" in texts_of(fake_slack.messages(CHANNEL)[-1])


def test_the_form_body_is_what_slack_sends() -> None:
    body = command_body("assureur 12")
    assert "command=%2Fvigie" in body and urlencode({"text": "assureur 12"}) in body


async def test_a_long_command_shows_one_progress_message_updated_in_place(
    slack: SlackAdapter, fake_slack: FakeSlack
) -> None:
    request = SlackRequest(Kind.COMMAND, fake_slack.team, CHANNEL, "U0ALICE", text="bilan")
    progress = ProgressMessage(slack.dispatcher, request, public=True)
    await progress(reply("⏳ Relève des sources : 1/3"))
    await progress(reply("⏳ Relève des sources : ", b("3/3")))
    [posted] = fake_slack.messages(CHANNEL)
    [updated] = fake_slack.calls_to("chat.update")
    assert updated["ts"] == posted["_ts"] and updated["channel"] == CHANNEL
    assert "*3/3*" in texts_of(updated)


async def test_an_interactive_answer_waits_out_a_short_retry_after(
    slack: SlackAdapter,
    user: SlackUser,
    fake_slack: FakeSlack,
    services: Services,
    team_id: int,
) -> None:
    await join(user, slack, services, team_id)
    fake_slack.rate_limit_next(1, retry_after=0.2)
    started = time.monotonic()
    await user.command("liste")
    await slack.dispatcher.drain()
    assert fake_slack.throttled == 1
    assert len(fake_slack.messages(CHANNEL)) == 2  # the join confirmation, then the list
    assert time.monotonic() - started >= 0.2


async def test_blocks_slack_refuses_fall_back_to_the_text(
    slack: SlackAdapter, fake_slack: FakeSlack
) -> None:
    fake_slack.reject_blocks = True
    ts = await slack.send(CHANNEL, reply(b("🔔 Nouvel avis"), " Dr Marie Dupont"))
    [posted] = fake_slack.messages(CHANNEL)
    assert ts == posted["_ts"] and "blocks" not in posted
    assert posted["text"] == "*🔔 Nouvel avis* Dr Marie Dupont"


async def test_a_team_in_two_workspaces_keeps_each_channel_to_its_own(
    slack: SlackAdapter,
    user: SlackUser,
    fake_slack: FakeSlack,
    services: Services,
    team_id: int,
) -> None:
    await join(user, slack, services, team_id)
    # The same team also has a channel in another workspace.
    await services.store.teams.bind_chat(team_id, "slack", "C0OTHER", workspace=OTHER_TEAM)
    answer = await user.command(
        "surveiller Dr Marie Dupont, Lyon",
        team=OTHER_TEAM,
        response_url=fake_slack.response_url("z"),
    )
    assert answer.status == 200
    await slack.dispatcher.drain()
    [refusal] = fake_slack.responses_to("z")
    assert "Demande refusée" in refusal["text"]
    assert await services.store.watches.active(team_id) == []
