"""About one message per second per channel, as Slack asks, and its `Retry-After` honoured."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from bot.clock import bounded_seconds


class ChannelBusy(Exception):
    """The channel's next free slot is further away than the caller wants to wait."""

    def __init__(self, delay: float) -> None:
        super().__init__(f"channel busy for {delay:.1f} s")
        self.delay = delay


class ChannelLimiter:
    """One message at a time per channel, the next one `interval` after the last one ended.

    Counting from the end of the previous call (when Slack has surely received it) rather than
    from its planned start means a late event loop or a slow first connection can never squeeze
    two messages closer than Slack allows. `time_scale` > 1 speeds everything up (benches).
    """

    def __init__(
        self,
        per_second: float = 1.0,
        *,
        time_scale: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_second <= 0 or time_scale <= 0:
            raise ValueError("per_second and time_scale must be positive")
        self.time_scale = time_scale
        self.interval = 1.0 / per_second / time_scale
        self._clock = clock
        self._next: dict[str, float] = {}
        self._waiting: dict[str, int] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def expected_wait(self, channel: str) -> float:
        """How long a new message to this channel would wait for its turn."""
        now = self._clock()
        ahead = self._waiting.get(channel, 0) + (1 if self._busy(channel) else 0)
        return max(0.0, self._next.get(channel, now) - now) + ahead * self.interval

    @asynccontextmanager
    async def slot(self, channel: str, *, max_wait: float = float("inf")) -> AsyncIterator[None]:
        """Hold the channel for one call; `ChannelBusy` (nothing taken) if the wait is too long."""
        delay = self.expected_wait(channel)
        if delay > max_wait:
            raise ChannelBusy(delay)
        lock = self._locks.setdefault(channel, asyncio.Lock())
        self._waiting[channel] = self._waiting.get(channel, 0) + 1
        try:
            await lock.acquire()
        finally:
            self._waiting[channel] -= 1
        try:
            wait = self._next.get(channel, 0.0) - self._clock()
            if wait > 0:
                await asyncio.sleep(wait)
            yield
        finally:
            self._next[channel] = max(self._next.get(channel, 0.0), self._clock() + self.interval)
            lock.release()
            if len(self._next) > 1_000:
                self._forget()

    def penalise(self, channel: str, retry_after: float) -> None:
        """Slack said 429: nothing more to this channel for `retry_after` (real) seconds."""
        until = self._clock() + bounded_seconds(retry_after)
        self._next[channel] = max(self._next.get(channel, 0.0), until)

    def _busy(self, channel: str) -> bool:
        lock = self._locks.get(channel)
        return lock is not None and lock.locked()

    def _forget(self) -> None:
        """Drop idle channels whose turn is in the past: they would start afresh anyway."""
        now = self._clock()
        for channel in [c for c, at in self._next.items() if at < now]:
            if not self._busy(channel) and not self._waiting.get(channel):
                del self._next[channel]
                self._locks.pop(channel, None)
                self._waiting.pop(channel, None)
