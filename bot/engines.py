"""The background engines of a running Vigie: monitor, delivery, reminders and digests."""

from __future__ import annotations

import asyncio

from bot.app import BackgroundTask
from bot.delivery import Delivery
from bot.digests import run_digests
from bot.models import StoredMention
from bot.monitor import Monitor
from bot.reminders import run_reminders
from bot.services import Services
from bot.transport import ChatTransport


def build_engines(services: Services, transports: list[ChatTransport]) -> list[BackgroundTask]:
    """Create the monitor and delivery for these transports; return their run loops."""
    delivery = Delivery(services, {t.platform: t for t in transports})

    async def on_risk(mention: StoredMention) -> None:
        # Captured in the background: the poll goes on while the browser works.
        from bot.evidence import auto_capture  # Playwright loads on the first capture

        task = asyncio.create_task(auto_capture(services, mention))
        pending.add(task)
        task.add_done_callback(pending.discard)

    pending: set[asyncio.Task[None]] = set()
    monitor = Monitor(services, on_new_alerts=delivery.wake, on_risk=on_risk)
    services.engines["monitor"] = monitor
    services.engines["delivery"] = delivery

    async def reminders() -> None:
        await run_reminders(services)

    async def digests() -> None:
        await run_digests(services)

    return [monitor.run, delivery.run, reminders, digests]
