"""Fixtures for the Google tests: a fake Google, Vigie's settings pointing at it, and the three
chats (console, Telegram and Slack, each through its real adapter) bound to the team."""

from __future__ import annotations

import contextlib
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from adapters.console import CHAT_ID, ConsoleAdapter
from adapters.slack import SlackAdapter
from bot.models import WatchKind
from bot.router import Router
from bot.services import Services
from bot.settings import Settings, load_settings
from bot.sources.google_token import save_refresh_token, token_path
from bot.watch.monitor import Monitor
from tests.fake_google_apis import CLIENT_ID, FakeGoogle
from tests.fake_slack import CHANNEL, FakeSlack, SlackUser
from tests.fake_telegram import LIMITS, FakeTelegram, make_adapter, running
from tests.slack_app import running_adapter

GROUP = -1005550016


@pytest.fixture
async def google() -> AsyncIterator[FakeGoogle]:
    """A started fake Google on loopback."""
    async with FakeGoogle() as fake:
        yield fake


@pytest.fixture
def settings(tmp_path: Path, google: FakeGoogle) -> Settings:
    """Settings with every Google API pointed at the fake (overrides conftest's)."""
    return load_settings(
        _env_file=None,
        database=tmp_path / "vigie.db",
        data_dir=tmp_path / "data",
        allow_private_urls=True,
        **google.settings(),
    )


async def console_session(router: Router, services: Services, team_id: int, lines: str) -> str:
    """Type `lines` into the real console adapter; return everything it printed."""
    await services.store.teams.bind_chat(team_id, "console", CHAT_ID, by="console")
    out = io.StringIO()
    adapter = ConsoleAdapter(router, stdin=io.StringIO(lines), stdout=out)
    await adapter.run()
    return out.getvalue()


@contextlib.asynccontextmanager
async def telegram_group(
    router: Router, services: Services, team_id: int
) -> AsyncIterator[FakeTelegram]:
    """The real Telegram adapter on a fake Bot API, with a group already joined."""
    fake = await FakeTelegram(limits=LIMITS).start()
    adapter = make_adapter(router, fake)
    try:
        async with running(adapter):
            code = await services.store.teams.create_invite(team_id, ttl=timedelta(hours=1))
            fake.say(GROUP, f"/rejoindre {code}")
            await fake.wait_for(lambda c: c.chat_id == GROUP and "reçoit désormais" in c.text)
            yield fake
    finally:
        await fake.stop()


@dataclass
class SlackSide:
    """The fake Slack, Vigie's real adapter, and the user posting signed requests."""

    fake: FakeSlack
    adapter: SlackAdapter
    user: SlackUser

    async def command(self, text: str) -> None:
        """A `/vigie …` typed in the channel, and its answer posted."""
        answer = await self.user.command(text)
        assert answer.status == 200
        await self.adapter.dispatcher.drain()

    async def press(self, element: dict[str, object]) -> None:
        """A press on a button of a message Vigie posted."""
        answer = await self.user.press(element)
        assert answer.status == 200
        await self.adapter.dispatcher.drain()


@contextlib.asynccontextmanager
async def slack_channel(
    router: Router, services: Services, team_id: int
) -> AsyncIterator[SlackSide]:
    """The real Slack adapter (HTTP mode) on a fake Web API, with the channel joined."""
    async with (
        FakeSlack() as fake,
        running_adapter(router, fake) as adapter,
        aiohttp.ClientSession() as session,
    ):
        user = SlackUser(session, f"http://127.0.0.1:{adapter.http_port}/slack/events")
        side = SlackSide(fake, adapter, user)
        code = await services.store.teams.create_invite(team_id, ttl=timedelta(hours=1))
        await side.command(f"rejoindre {code}")
        assert await services.store.teams.chat("slack", CHANNEL) is not None
        yield side


async def business_review(
    services: Services, team_id: int, google: FakeGoogle, stars: str = "TWO"
) -> tuple[int, str]:
    """A connected account, a followed location, one review polled into the store."""
    location = google.add_location("1234", "5678", "Cabinet Dupont")
    review = location.review("r1", stars, "Attente trop longue, accueil froid.", "Paul")
    save_refresh_token(
        token_path(services.settings.data_dir),
        google.issue_refresh_token(),
        client_id=CLIENT_ID,
        scope="business.manage",
    )
    watch = await services.store.watches.add(
        team_id, "Cabinet Dupont", WatchKind.PRACTICE, city="Lyon"
    )
    await services.store.sources.add(
        team_id, "business", location.name, selector=None, watch_id=watch.id, interval_s=1800
    )
    await Monitor(services).poll_due()
    [mention] = await services.store.mentions.latest(team_id)
    assert mention.external_id == review
    return mention.id, review
