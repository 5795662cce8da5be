"""The whole chain on loopback: a review appears in a feed, reaches a Telegram chat, and its
buttons work — real monitor, store, delivery, python-telegram-bot and a fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.router import Router
from bot.services import Services
from tests.fake_telegram import LIMITS, FakeTelegram
from tests.fakeweb import FakeWeb
from tests.feeds import Item, atom
from tests.telegram_feed import group_watching_feed

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
    feed_url = fakeweb.url("/alerts")
    async with group_watching_feed(router, services, team_id, fake, GROUP, feed_url) as poll:
        items.append(
            Item("n1", "Avis", "Le Dr Marie Dupont, dermatologue à Lyon, est une voleuse.")
        )
        await poll()
        [alert] = await fake.wait_for(
            lambda c: c.chat_id == GROUP and "Avis à risque juridique" in c.text, within=10
        )
        # An urgent alert rings: Vigie says so explicitly, it does not rely on a default.
        assert alert.params["disable_notification"] == "false"
        done = next(data for label, data in alert.buttons if "Traité" in label)
        fake.press(alert, done)
        await fake.wait_for(lambda c: c.method == "answerCallbackQuery")
        await fake.wait_for(lambda c: c.chat_id == GROUP and "marqué traité" in c.text)
        (mention,) = await services.store.mentions.latest(team_id)
        assert mention.handled_at is not None
        counts = await services.store.alerts.counts(team_id)
        assert counts.get("pending", 0) == 0 and counts["sent"] >= 2
