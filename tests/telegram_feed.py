"""A Telegram group watching a feed through the real chain, for tests that follow a review from
the feed to the group's alert: real python-telegram-bot, monitor and delivery, fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

from bot.notify.delivery import Delivery
from bot.router import Router
from bot.services import Services
from bot.sources import SourceConfig
from bot.watch.monitor import Monitor
from tests.fake_telegram import FakeTelegram, make_adapter, running


@contextlib.asynccontextmanager
async def group_watching_feed(
    router: Router,
    services: Services,
    team_id: int,
    fake: FakeTelegram,
    group: int,
    feed_url: str,
) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """The group joined to the team, watching Dr Marie Dupont with the feed at `feed_url`
    (its first items taken as existing); yields `poll`, which polls the feed again now."""
    adapter = make_adapter(router, fake)
    delivery = Delivery(services, {"telegram": adapter})
    monitor = Monitor(
        services, config=SourceConfig(allow_private=True, timeout_s=3), on_new_alerts=delivery.wake
    )

    async def poll() -> None:
        await services.store.sources.poll_now(team_id)
        monitor.wake()

    async with running(adapter):
        tasks = [asyncio.create_task(monitor.run()), asyncio.create_task(delivery.run())]
        try:
            code = await services.store.teams.create_invite(team_id, ttl=timedelta(hours=1))
            fake.say(group, f"/rejoindre {code}")
            await fake.wait_for(lambda c: c.chat_id == group and "reçoit désormais" in c.text)
            fake.say(group, "/surveiller Dr Marie Dupont, dermatologue, Lyon")
            fake.say(group, f"/source flux {feed_url}")
            await fake.wait_for(lambda c: c.chat_id == group and "existants" in c.text)
            yield poll
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
