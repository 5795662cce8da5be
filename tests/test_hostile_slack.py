"""Hostile Slack requests into the real Bolt app over loopback: malformed unsigned posts, a
burst of wrong join codes, and joins that would move a channel to another team."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest

from adapters.slack import SlackAdapter
from bot.services import Services
from tests import slack_app
from tests.fake_slack import (
    CHANNEL,
    OTHER_TEAM,
    FakeSlack,
    SlackUser,
    command_body,
)

# The real Slack adapter in HTTP mode on the fake Web API (shared fixtures).
fake_slack = slack_app.fake_slack
slack = slack_app.slack
user = slack_app.user


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


# --- finding 1: malformed unsigned requests are refused before parsing, without a traceback ---

MALFORMED: list[tuple[bytes, dict[str, str]]] = [
    (b"[1]", {"Content-Type": "application/json"}),
    (b"{", {"Content-Type": "application/json"}),
    (b"text=\xff", {"Content-Type": "application/x-www-form-urlencoded"}),
    (b"payload=%FF%FE", {"Content-Type": "application/x-www-form-urlencoded"}),
    (
        b"command=/vigie&text=liste",
        {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=x"},
    ),
    (
        b"command=/vigie&text=liste",
        {"X-Slack-Request-Timestamp": "99999999999999999999999", "X-Slack-Signature": "v0=x"},
    ),
    (b"\xff\xfe\x00", {"Content-Type": "text/plain; charset=utf-8"}),
]


async def test_malformed_unsigned_requests_get_a_4xx_and_one_short_log_line(
    slack: SlackAdapter,
    user: SlackUser,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for body, headers in MALFORMED * 3:
        async with session.post(user.url, data=body, headers=headers) as response:
            text = await response.text()
            assert response.status in (400, 401), (body, headers, response.status, text)
            assert "Traceback" not in text
    await slack.dispatcher.drain()
    tracebacks = [r for r in caplog.records if r.exc_info or r.exc_text or r.stack_info]
    assert tracebacks == []
    noisy = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(noisy) <= len(MALFORMED) * 3
    assert all(len(r.getMessage()) < 200 for r in noisy)
    # A properly signed request still works afterwards.
    answer = await user.command("aide")
    assert answer.status == 200


# --- finding 3: concurrent wrong join codes are counted atomically ---


async def test_twenty_concurrent_wrong_codes_evaluate_at_most_five(
    slack: SlackAdapter, user: SlackUser, services: Services, team_id: int
) -> None:
    answers = await asyncio.gather(*(user.command(f"rejoindre ZZZ-{n:03d}") for n in range(20)))
    assert all(a.status == 200 for a in answers)
    await slack.dispatcher.drain()
    store = services.store
    row = await store.db.fetchone(
        "SELECT count(*) AS n FROM join_failures WHERE platform = 'slack' AND chat_id = ?",
        (CHANNEL,),
    )
    assert row is not None and row["n"] == 5
    # Locked out: even a right code is not evaluated now.
    code = await store.teams.create_invite(team_id, ttl=timedelta(hours=1))
    await user.command(f"rejoindre {code}")
    await slack.dispatcher.drain()
    assert await store.teams.chat("slack", CHANNEL) is None


# --- finding 7: a bound channel moves only on confirmation, and only from its workspace ---


async def test_rejoindre_from_another_workspace_cannot_take_a_bound_channel(
    slack: SlackAdapter,
    user: SlackUser,
    fake_slack: FakeSlack,
    services: Services,
    team_id: int,
) -> None:
    store = services.store
    await slack_app.join(user, slack, services, team_id)
    intruders = await store.teams.create("Équipe intruse")
    code = await store.teams.create_invite(intruders, ttl=timedelta(hours=1))
    body = command_body(
        f"rejoindre {code} confirmer", team=OTHER_TEAM, response_url=fake_slack.response_url("x")
    )
    assert (await user.post(body)).status == 200
    await slack.dispatcher.drain()
    chat = await store.teams.chat("slack", CHANNEL)
    assert chat is not None and chat.team_id == team_id
    assert await store.teams.chat_workspace("slack", CHANNEL) == fake_slack.team
    [refusal] = fake_slack.responses_to("x")
    assert "Demande refusée" in refusal["text"]
    # The code was not spent: its rightful owner can still use it elsewhere.
    row = await store.db.fetchone("SELECT used_at FROM invites WHERE code = ?", (code,))
    assert row is not None and row["used_at"] is None


async def test_moving_a_bound_channel_asks_for_confirmation_naming_the_team_it_leaves(
    slack: SlackAdapter,
    user: SlackUser,
    fake_slack: FakeSlack,
    services: Services,
    team_id: int,
) -> None:
    store = services.store
    await slack_app.join(user, slack, services, team_id)
    other = await store.teams.create("Cabinet des Lilas")
    code = await store.teams.create_invite(other, ttl=timedelta(hours=1))
    before = len(fake_slack.messages(CHANNEL))
    await user.command(f"rejoindre {code}")
    await slack.dispatcher.drain()
    chat = await store.teams.chat("slack", CHANNEL)
    assert chat is not None and chat.team_id == team_id  # not moved yet
    asked = "\n".join(str(m.get("text", "")) for m in fake_slack.messages(CHANNEL)[before:])
    assert "Cabinet" in asked and "quitte" in asked and "confirmer" in asked
    await user.command(f"rejoindre {code} confirmer")
    await slack.dispatcher.drain()
    chat = await store.teams.chat("slack", CHANNEL)
    assert chat is not None and chat.team_id == other
