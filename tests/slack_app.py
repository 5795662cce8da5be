"""Vigie's real Slack adapter in HTTP mode against the fake Slack Web API, as pytest fixtures.

A test module names the fixtures it uses at its top (`fake_slack = slack_app.fake_slack`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest

from adapters.slack import SlackAdapter
from bot.router import Router
from bot.services import Services
from tests.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, SlackUser


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """A started fake Slack on loopback."""
    async with FakeSlack() as fake:
        yield fake


@contextlib.asynccontextmanager
async def running_adapter(router: Router, fake: FakeSlack) -> AsyncIterator[SlackAdapter]:
    """Vigie's Slack adapter in HTTP mode on 127.0.0.1, talking to `fake`, ready for requests."""
    adapter = SlackAdapter(
        router,
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        api_url=fake.api_url,
        http_port=0,
        http_host="127.0.0.1",
        time_scale=50,
    )
    task = asyncio.create_task(adapter.run())
    try:
        await asyncio.wait_for(adapter.ready.wait(), 5)
        yield adapter
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@pytest.fixture
async def slack(router: Router, fake_slack: FakeSlack) -> AsyncIterator[SlackAdapter]:
    """Vigie's Slack adapter in HTTP mode on 127.0.0.1, talking to the fake Web API."""
    async with running_adapter(router, fake_slack) as adapter:
        yield adapter


@pytest.fixture
async def user(slack: SlackAdapter) -> AsyncIterator[SlackUser]:
    """The Slack side: signs and posts requests to Vigie's endpoint."""
    async with aiohttp.ClientSession() as session:
        yield SlackUser(session, f"http://127.0.0.1:{slack.http_port}/slack/events")


async def join(user: SlackUser, slack: SlackAdapter, services: Services, team_id: int) -> None:
    """The channel joins the team with a fresh invitation code."""
    code = await services.store.teams.create_invite(team_id, ttl=timedelta(hours=1))
    answer = await user.command(f"rejoindre {code}")
    assert answer.status == 200
    await slack.dispatcher.drain()
