"""Vigie's real Slack adapter in HTTP mode against the fake Slack Web API, as pytest fixtures.

A test module imports `fake_slack` and `slack` to use them (`from tests.slack_app import …`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from adapters.slack import SlackAdapter
from bot.router import Router
from tests.fake_slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """A started fake Slack on loopback."""
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def slack(router: Router, fake_slack: FakeSlack) -> AsyncIterator[SlackAdapter]:
    """Vigie's Slack adapter in HTTP mode on 127.0.0.1, talking to the fake Web API."""
    adapter = SlackAdapter(
        router,
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        api_url=fake_slack.api_url,
        http_port=0,
        http_host="127.0.0.1",
        time_scale=50,
    )
    task = asyncio.create_task(adapter.run())
    await asyncio.wait_for(adapter.ready.wait(), 5)
    yield adapter
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
