"""What command handlers and engines share: the store, settings, the outbox and typed ports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import utcnow
from bot.metrics import Metrics
from bot.ports import CapturePort, MonitorPort, Outbox
from bot.settings import Settings
from bot.store import Store


@dataclass
class Services:
    """Shared by the router and the background tasks of one Vigie process."""

    store: Store
    settings: Settings
    adapters: list[str] = field(default_factory=list)
    started_at: datetime = field(default_factory=utcnow)
    # The running monitor (set when it is created); None in a process that polls nothing.
    monitor: MonitorPort | None = None
    # The capture engine, created on first use (bot.capture.evidence.capture_service).
    capture: CapturePort | None = None
    outbox: Outbox = field(init=False)
    # Poll and capture counters for the metrics endpoint (vigie/ops).
    metrics: Metrics = field(default_factory=Metrics)

    def __post_init__(self) -> None:
        self.outbox = Outbox(self.store)

    async def watchlist_changed(self) -> None:
        """Tell the monitor to rebuild its matcher."""
        if self.monitor is not None:
            await self.monitor.rebuild_matcher()
