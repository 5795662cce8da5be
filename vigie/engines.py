"""The background engines of a running Vigie: monitor, delivery, reminders and digests."""

from __future__ import annotations

import asyncio

from bot.chat.transport import ChatTransport
from bot.models import StoredMention
from bot.notify.delivery import Delivery
from bot.notify.reminders import run_reminders
from bot.notify.weekly import run_digests
from bot.services import Services
from bot.watch.monitor import Monitor
from vigie.app import BackgroundTask


def build_engines(services: Services, transports: list[ChatTransport]) -> list[BackgroundTask]:
    """Create the monitor and delivery for these transports; return their run loops."""
    delivery = Delivery(services, {t.platform: t for t in transports})

    async def on_risk(mention: StoredMention) -> None:
        # Captured in the background: the poll goes on while the browser works.
        from bot.capture.evidence import auto_capture  # Playwright loads on the first capture

        task = asyncio.create_task(auto_capture(services, mention))
        pending.add(task)
        task.add_done_callback(pending.discard)

    pending: set[asyncio.Task[None]] = set()
    monitor = Monitor(services, on_risk=on_risk)  # registers itself as services.monitor

    async def reminders() -> None:
        await run_reminders(services)

    async def digests() -> None:
        await run_digests(services)

    return [monitor.run, delivery.run, reminders, digests]
