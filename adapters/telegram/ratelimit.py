"""Telegram's flood limits, enforced before sending, so that alerts never earn a 429.

Telegram allows about 1 message per second in a chat, 20 per minute in a group and 30 per
second overall. Each limit is kept as a sliding window ("at most N sends in any W seconds"),
the contract a flood check applies (a token bucket with a burst of N would let N + 1 through
in some windows). Telegram counts a message when it arrives, somewhere between the moment
we send it and the moment it answers: a send counts as "now" while in flight and from its
answer's time afterwards, so network jitter can never squeeze N + 1 messages into a window
(the price: one round trip per window, a few percent at Telegram's real scale). Sends to
one chat go one at a time, in order (a FIFO lock per chat); the clock and sleep are
injectable so tests run on virtual time.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

POLLS_PER_WINDOW = 100


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


class Stamp:
    """One send: when it started, and whether Telegram answered (then `at` is the answer)."""

    __slots__ = ("answered", "at")

    def __init__(self, at: float) -> None:
        self.at = at
        self.answered = False

    def answer(self, at: float) -> None:
        """Telegram answered: the message arrived at the latest now."""
        self.at = max(self.at, at)
        self.answered = True


class Window:
    """At most `limit` events in any `seconds`-long window."""

    __slots__ = ("limit", "seconds", "stamps")

    def __init__(self, limit: int, seconds: float) -> None:
        if limit < 1 or seconds <= 0:
            raise ValueError("a window needs a positive count and a positive length")
        self.limit = limit
        self.seconds = seconds
        self.stamps: list[Stamp] = []

    def wait(self, now: float) -> float:
        """Seconds to wait before one more event fits (0 when it fits now).

        A send still in flight may arrive at any moment, so it counts until answered; when
        only such sends fill the window, check again shortly.
        """
        self.stamps = [s for s in self.stamps if not s.answered or s.at + self.seconds > now]
        if len(self.stamps) < self.limit:
            return 0.0
        answered = sorted(s.at for s in self.stamps if s.answered)
        excess = len(self.stamps) - self.limit  # how many must leave, beyond the first
        if len(answered) <= excess:
            return self.seconds / POLLS_PER_WINDOW
        return max(0.0, answered[excess] + self.seconds - now)

    def record(self, stamp: Stamp) -> None:
        """Count one event."""
        self.stamps.append(stamp)

    def idle_since(self, now: float) -> bool:
        """True when no recorded event still constrains the future."""
        return all(s.answered and s.at + self.seconds <= now for s in self.stamps)


class RateLimiter:
    """Waits, per send, until every applicable window has room; honours `retry_after` too."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        margin: float = 0.0,
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

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: int) -> AsyncIterator[None]:
        """Hold the chat's turn for one send: enter when it may go, leave once it was answered.

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
                stamp = await self._admit(chat_id, windows)
                try:
                    yield
                finally:
                    stamp.answer(self.clock())
        finally:
            self._users[chat_id] -= 1
        now = self.clock()
        if now >= self._next_prune:
            self._prune(now)
            self._next_prune = now + self.limits.group_window

    async def acquire(self, chat_id: int) -> None:
        """Wait for, and count, one instantaneous send to `chat_id`."""
        async with self.slot(chat_id):
            pass

    def penalize(self, chat_id: int | None, seconds: float) -> None:
        """Telegram said "retry after": hold that chat (or everything, for None) that long."""
        until = self.clock() + max(0.0, seconds)
        if chat_id is None:
            self._global_block = max(self._global_block, until)
        else:
            self._blocked_until[chat_id] = max(self._blocked_until.get(chat_id, 0.0), until)

    async def _admit(self, chat_id: int, windows: list[Window]) -> Stamp:
        """Wait until every window has room, then count the send in all of them."""
        while True:
            await self._wait_for(lambda now: self._chat_wait(chat_id, windows, now))
            async with self._overall_lock:
                await self._wait_for(lambda now: self._global_block - now)
                await self._wait_for(self._overall.wait)
                now = self.clock()
                if self._chat_wait(chat_id, windows, now) <= 0:
                    stamp = Stamp(now)
                    for window in (self._overall, *windows):
                        window.record(stamp)
                    return stamp

    async def _wait_for(self, delay: Callable[[float], float]) -> None:
        """Sleep until `delay(now)` is no longer positive."""
        while (wait := delay(self.clock())) > 0:
            await self.sleep(wait)

    def _chat_wait(self, chat_id: int, windows: list[Window], now: float) -> float:
        held = self._blocked_until.get(chat_id, 0.0) - now
        return max(held, *(w.wait(now) for w in windows))

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
