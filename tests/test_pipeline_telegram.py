"""The whole chain on loopback: a review appears in a feed, reaches a Telegram chat, and its
buttons work — real monitor, store, delivery, python-telegram-bot and a fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web

from adapters.telegram import TelegramAdapter
from bot.notify.delivery import Delivery
from bot.router import Router
from bot.services import Services
from bot.sources import SourceConfig
from bot.watch.monitor import Monitor
from tests.fake_telegram import LIMITS, FakeTelegram, make_adapter, running
from tests.fakeweb import FakeWeb
from tests.feeds import Item, atom

GROUP = -1005550001


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram(limits=LIMITS).start()
    yield server
    await server.stop()


async def test_feed_review_reaches_the_group_and_buttons_act(
    router: Router, services: Services, team_id: int, fake: FakeTelegram, fakeweb: FakeWeb
) -> None:
    items: list[Item] = []

    async def feed(request: web.Request) -> web.Response:
        return web.Response(text=atom(items), content_type="application/atom+xml")

    fakeweb.route("/alerts", feed)
    adapter: TelegramAdapter = make_adapter(router, fake)
    delivery = Delivery(services, {"telegram": adapter})
    monitor = Monitor(
        services, config=SourceConfig(allow_private=True, timeout_s=3), on_new_alerts=delivery.wake
    )
    async with running(adapter):
        tasks = [asyncio.create_task(monitor.run()), asyncio.create_task(delivery.run())]
        try:
            code = await services.store.teams.create_invite(team_id, ttl=timedelta(hours=1))
            fake.say(GROUP, f"/rejoindre {code}")
            await fake.wait_for(lambda c: c.chat_id == GROUP and "reçoit désormais" in c.text)
            fake.say(GROUP, "/surveiller Dr Marie Dupont, dermatologue, Lyon")
            fake.say(GROUP, f"/source flux {fakeweb.url('/alerts')}")
            await fake.wait_for(lambda c: c.chat_id == GROUP and "existants" in c.text)
            items.append(
                Item("n1", "Avis", "Le Dr Marie Dupont, dermatologue à Lyon, est une voleuse.")
            )
            await services.store.sources.poll_now(team_id)
            monitor.wake()
            [alert] = await fake.wait_for(
                lambda c: c.chat_id == GROUP and "Avis à risque juridique" in c.text, within=10
            )
            assert alert.params.get("disable_notification") in (None, "False", "false")
            done = next(data for label, data in alert.buttons if "Traité" in label)
            fake.press(alert, done)
            await fake.wait_for(lambda c: c.method == "answerCallbackQuery")
            await fake.wait_for(lambda c: c.chat_id == GROUP and "marqué traité" in c.text)
            (mention,) = await services.store.mentions.latest(team_id)
            assert mention.handled_at is not None
            counts = await services.store.alerts.counts(team_id)
            assert counts.get("pending", 0) == 0 and counts["sent"] >= 2
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
