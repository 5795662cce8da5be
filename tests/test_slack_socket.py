"""Socket Mode: the real SDK client against a fake apps.connections.open and WebSocket server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl

import pytest

from adapters.slack import SlackAdapter
from bot.chat.transport import StartupError
from bot.router import Router
from bot.services import Services
from tests.fake_slack import (
    APP_TOKEN,
    BOT_TOKEN,
    CHANNEL,
    FakeSlack,
    command_body,
)


def slash_envelope(envelope_id: str, text: str, **kwargs: Any) -> dict[str, Any]:
    """A slash command as Slack delivers it over Socket Mode."""
    return {
        "envelope_id": envelope_id,
        "type": "slash_commands",
        "accepts_response_payload": True,
        "payload": dict(parse_qsl(command_body(text, **kwargs), keep_blank_values=True)),
    }


def ack_of(fake: FakeSlack, envelope_id: str) -> dict[str, Any] | None:
    return next((a for a in fake.acks if a.get("envelope_id") == envelope_id), None)


def socket_adapter(router: Router, fake: FakeSlack, **kwargs: Any) -> SlackAdapter:
    options: dict[str, Any] = {
        "bot_token": BOT_TOKEN,
        "app_token": APP_TOKEN,
        "api_url": fake.api_url,
        "time_scale": 50,
        "ping_interval": 0.2,
        **kwargs,
    }
    return SlackAdapter(router, **options)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """A started fake Slack on loopback."""
    async with FakeSlack() as slack:
        yield slack


@pytest.fixture
async def socket_slack(router: Router, fake_slack: FakeSlack) -> AsyncIterator[SlackAdapter]:
    """Vigie connected to the fake Slack in Socket Mode."""
    adapter = socket_adapter(router, fake_slack)
    task = asyncio.create_task(adapter.run())
    await asyncio.wait_for(adapter.ready.wait(), 5)
    yield adapter
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def test_a_slash_command_envelope_is_acknowledged_with_its_answer(
    socket_slack: SlackAdapter, fake_slack: FakeSlack
) -> None:
    [opened] = fake_slack.calls_to("apps.connections.open")
    assert fake_slack.ws_connections == 1 and opened is not None
    await fake_slack.push(slash_envelope("env-1", ""))
    await fake_slack.wait_for(lambda: ack_of(fake_slack, "env-1"))
    ack = ack_of(fake_slack, "env-1")
    assert ack is not None
    assert ack["payload"]["response_type"] == "ephemeral"
    assert "/vigie aide" in ack["payload"]["text"]


async def test_join_and_watch_over_socket_mode(
    socket_slack: SlackAdapter, fake_slack: FakeSlack, services: Services, team_id: int
) -> None:
    code = await services.store.teams.create_invite(team_id, ttl=timedelta(hours=1))
    await fake_slack.push(slash_envelope("env-join", f"rejoindre {code}"))
    await fake_slack.wait_for(lambda: ack_of(fake_slack, "env-join"))
    assert "payload" not in (ack_of(fake_slack, "env-join") or {})  # a silent, immediate ack
    await fake_slack.wait_for(lambda: fake_slack.messages(CHANNEL))
    await socket_slack.dispatcher.drain()
    assert await services.store.teams.chat("slack", CHANNEL) is not None

    await fake_slack.push(slash_envelope("env-watch", "surveiller Dr Marie Dupont, Lyon"))
    await fake_slack.wait_for(lambda: len(fake_slack.messages(CHANNEL)) == 2)
    await socket_slack.dispatcher.drain()
    assert [w.name for w in await services.store.watches.active(team_id)] == ["Marie Dupont"]


async def test_a_dropped_connection_is_reopened_and_keeps_serving(
    socket_slack: SlackAdapter, fake_slack: FakeSlack
) -> None:
    await fake_slack.drop()
    await fake_slack.wait_for(lambda: fake_slack.ws_connections == 2)
    assert len(fake_slack.calls_to("apps.connections.open")) == 2
    await fake_slack.push(slash_envelope("env-2", ""))
    await fake_slack.wait_for(lambda: ack_of(fake_slack, "env-2"))


async def test_a_mention_in_an_unbound_channel_gets_a_private_answer(
    socket_slack: SlackAdapter, fake_slack: FakeSlack
) -> None:
    await fake_slack.push(
        {
            "envelope_id": "env-m",
            "type": "events_api",
            "accepts_response_payload": False,
            "payload": {
                "type": "event_callback",
                "team_id": fake_slack.team,
                "api_app_id": "A0VIGIE",
                "event_id": "Ev0002",
                "event_time": 1_700_000_000,
                "event": {
                    "type": "app_mention",
                    "user": "U0ALICE",
                    "channel": CHANNEL,
                    "ts": "1700000000.000700",
                    "text": f"<@{fake_slack.bot_user}> liste",
                },
            },
        }
    )
    await fake_slack.wait_for(lambda: ack_of(fake_slack, "env-m"))
    await fake_slack.wait_for(lambda: fake_slack.calls_to("chat.postEphemeral"))
    [private] = fake_slack.calls_to("chat.postEphemeral")
    assert private["user"] == "U0ALICE" and "/vigie rejoindre CODE" in private["text"]
    assert fake_slack.messages() == []


@pytest.mark.parametrize(
    ("tokens", "variable"),
    [
        ({"app_token": "xapp-1-revoked"}, "VIGIE_SLACK_APP_TOKEN"),
        ({"bot_token": "xoxb-revoked"}, "VIGIE_SLACK_BOT_TOKEN"),
    ],
)
async def test_a_wrong_token_stops_with_a_clear_message(
    router: Router, fake_slack: FakeSlack, tokens: dict[str, str], variable: str
) -> None:
    adapter = socket_adapter(router, fake_slack, **tokens)
    with pytest.raises(StartupError) as failed:
        await asyncio.wait_for(adapter.run(), 5)
    assert variable in str(failed.value) and "invalid_auth" in str(failed.value)
    assert fake_slack.ws_connections == 0
