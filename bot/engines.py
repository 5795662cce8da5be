"""The background engines of a running Vigie: the monitor and the delivery task, wired together."""

from __future__ import annotations

from bot.app import BackgroundTask
from bot.delivery import Delivery
from bot.monitor import Monitor
from bot.services import Services
from bot.transport import ChatTransport


def build_engines(services: Services, transports: list[ChatTransport]) -> list[BackgroundTask]:
    """Create the monitor and delivery for these transports; return their run loops."""
    delivery = Delivery(services, {t.platform: t for t in transports})
    monitor = Monitor(services, on_new_alerts=delivery.wake)
    services.engines["monitor"] = monitor
    services.engines["delivery"] = delivery
    return [monitor.run, delivery.run]
