"""Telegram's flood limits, enforced before sending, so that alerts never earn a 429.

Telegram allows about 1 message per second in a chat, 20 per minute in a group and 30 per
second overall. Each limit is kept as a sliding window ("at most N sends in any W seconds"),
the exact contract a flood check applies: a token bucket with a burst of N would let N + 1
messages through in some windows. Sends to one chat keep their order (one FIFO lock per
chat), and the clock and sleep are injectable so tests run on virtual time.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Limits:
    """How many messages may go out in how many seconds, per chat, per group and overall."""

    per_chat: int = 1
    chat_window: float = 1.0
    per_group: int = 20
    group_window: float = 60.0
    overall: int = 30
    overall_window: float = 1.0

    def scaled(self, factor: float) -> Limits:
        """The same counts in windows `factor` times shorter (benchmarks, tests)."""
        if factor <= 0:
            raise ValueError("the scale factor must be positive")
        return Limits(
            self.per_chat,
            self.chat_window / factor,
            self.per_group,
            self.group_window / factor,
            self.overall,
            self.overall_window / factor,
        )


def is_group(chat_id: int) -> bool:
    """Groups, supergroups and channels have negative ids on Telegram."""
    return chat_id < 0


class Window:
    """At most `limit` events in any `seconds`-long window."""

    __slots__ = ("limit", "seconds", "times")

    def __init__(self, limit: int, seconds: float) -> None:
        if limit < 1 or seconds < 0:
            raise ValueError("a window needs a positive count and a non-negative length")
        self.limit = limit
        self.seconds = seconds
        self.times: deque[float] = deque(maxlen=limit)

    def wait(self, now: float) -> float:
        """Seconds to wait before one more event fits (0 when it fits now)."""
        if len(self.times) < self.limit:
            return 0.0
        return max(0.0, self.times[0] + self.seconds - now)

    def record(self, now: float) -> None:
        """Count one event at `now`."""
        self.times.append(now)

    def idle_since(self, now: float) -> bool:
        """True when no recorded event still constrains the future."""
        return not self.times or self.times[-1] + self.seconds <= now


class RateLimiter:
    """Waits, per send, until every applicable window has room; honours `retry_after` too."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        margin: float = 0.02,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.limits = limits or Limits()
        self.margin = margin
        self.clock = clock
        self.sleep = sleep
        stretch = 1.0 + margin
        self._overall = Window(self.limits.overall, self.limits.overall_window * stretch)
        self._chats: dict[int, Window] = {}
        self._groups: dict[int, Window] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}
        self._overall_lock = asyncio.Lock()
        self._blocked_until: dict[int, float] = {}
        self._global_block = 0.0
        self._next_prune = clock() + self.limits.group_window

    async def acquire(self, chat_id: int) -> None:
        """Return when one message to `chat_id` may be sent now (and count it).

        First in line for its chat, the send waits for the chat's (and group's) windows; then,
        first in line among all chats, for the overall window. Both queues are FIFO, so no
        chat starves and no slot of the overall window is left unused while someone waits.
        """
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = self._locks[chat_id] = asyncio.Lock()
        windows = self._windows(chat_id)
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                while True:
                    await self._wait_for(lambda now: self._chat_wait(chat_id, windows, now))
                    async with self._overall_lock:
                        await self._wait_for(lambda now: self._global_block - now)
                        await self._wait_for(self._overall.wait)
                        now = self.clock()
                        if self._chat_wait(chat_id, windows, now) <= 0:
                            self._overall.record(now)
                            for window in windows:
                                window.record(now)
                            break
        finally:
            self._users[chat_id] -= 1
        now = self.clock()
        if now >= self._next_prune:
            self._prune(now)
            self._next_prune = now + self.limits.group_window

    async def _wait_for(self, delay: Callable[[float], float]) -> None:
        """Sleep until `delay(now)` is no longer positive."""
        while (wait := delay(self.clock())) > 0:
            await self.sleep(wait)

    def _chat_wait(self, chat_id: int, windows: list[Window], now: float) -> float:
        held = self._blocked_until.get(chat_id, 0.0) - now
        return max(held, *(w.wait(now) for w in windows))

    def penalize(self, chat_id: int | None, seconds: float) -> None:
        """Telegram said "retry after": hold that chat (or everything, for None) that long."""
        until = self.clock() + max(0.0, seconds)
        if chat_id is None:
            self._global_block = max(self._global_block, until)
        else:
            self._blocked_until[chat_id] = max(self._blocked_until.get(chat_id, 0.0), until)

    def _windows(self, chat_id: int) -> list[Window]:
        stretch = 1.0 + self.margin
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = Window(
                self.limits.per_chat, self.limits.chat_window * stretch
            )
        windows = [chat]
        if is_group(chat_id):
            group = self._groups.get(chat_id)
            if group is None:
                group = self._groups[chat_id] = Window(
                    self.limits.per_group, self.limits.group_window * stretch
                )
            windows.append(group)
        return windows

    def _prune(self, now: float) -> None:
        """Forget idle chats (once a group window), so a long run keeps a small footprint."""
        for chat_id in list(self._locks):
            if self._users.get(chat_id, 0):
                continue  # someone is waiting for (or holding) this chat's turn
            windows = [w for w in (self._chats.get(chat_id), self._groups.get(chat_id)) if w]
            if all(w.idle_since(now) for w in windows) and (
                self._blocked_until.get(chat_id, 0.0) <= now
            ):
                for table in (self._locks, self._chats, self._groups, self._blocked_until):
                    table.pop(chat_id, None)
                self._users.pop(chat_id, None)
