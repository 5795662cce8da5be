"""About one message per second per channel, as Slack asks, and its `Retry-After` honoured."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class ChannelBusy(Exception):
    """The channel's next free slot is further away than the caller wants to wait."""

    def __init__(self, delay: float) -> None:
        super().__init__(f"channel busy for {delay:.1f} s")
        self.delay = delay


class ChannelLimiter:
    """Spaces the messages of each channel; `time_scale` > 1 speeds everything up (benches)."""

    def __init__(
        self,
        per_second: float = 1.0,
        *,
        time_scale: float = 1.0,
        margin: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_second <= 0 or time_scale <= 0 or margin < 0:
            raise ValueError("per_second and time_scale must be positive, margin not negative")
        self.time_scale = time_scale
        self.interval = (1.0 + margin) / per_second / time_scale
        self._clock = clock
        self._next: dict[str, float] = {}

    def reserve(self, channel: str, *, max_wait: float = float("inf")) -> float:
        """Take the channel's next slot and return how long to wait for it.

        Raises `ChannelBusy` (and takes nothing) when the wait would exceed `max_wait`.
        """
        now = self._clock()
        slot = max(now, self._next.get(channel, now))
        delay = slot - now
        if delay > max_wait:
            raise ChannelBusy(delay)
        self._next[channel] = slot + self.interval
        if len(self._next) > 1_000:
            self._forget(now)
        return delay

    async def wait(self, channel: str, *, max_wait: float = float("inf")) -> None:
        """Sleep until this channel may receive one more message."""
        delay = self.reserve(channel, max_wait=max_wait)
        if delay > 0:
            await asyncio.sleep(delay)
        # Count from when the message really leaves: a busy loop may wake us late.
        self._next[channel] = max(self._next.get(channel, 0.0), self._clock() + self.interval)

    def penalise(self, channel: str, retry_after: float) -> None:
        """Slack said 429: nothing more to this channel for `retry_after` (real) seconds."""
        until = self._clock() + max(0.0, retry_after)
        self._next[channel] = max(self._next.get(channel, 0.0), until)

    def _forget(self, now: float) -> None:
        """Drop channels whose slot is in the past: they would start afresh anyway."""
        for channel in [c for c, at in self._next.items() if at < now]:
            del self._next[channel]
