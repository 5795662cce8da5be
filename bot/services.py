"""What command handlers may use: the store, settings, and the optional engines of this process."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.clock import utcnow
from bot.ops.metrics import Metrics
from bot.settings import Settings
from bot.store import Store


@dataclass
class Services:
    """Shared by the router and the background tasks of one Vigie process."""

    store: Store
    settings: Settings
    adapters: list[str] = field(default_factory=list)
    started_at: datetime = field(default_factory=utcnow)
    # Set by the monitor when it runs: called after the watchlist changes.
    on_watchlist_changed: Callable[[], Awaitable[None]] | None = None
    # Engines plugged in by the runtime (capture service, monitor); typed loosely to keep
    # the core importable without them.
    engines: dict[str, Any] = field(default_factory=dict)
    # Poll counters for the metrics endpoint (bot/ops).
    metrics: Metrics = field(default_factory=Metrics)

    async def watchlist_changed(self) -> None:
        """Tell the monitor to rebuild its matcher."""
        if self.on_watchlist_changed is not None:
            await self.on_watchlist_changed()
