"""The flood limiter on virtual time: every schedule it produces is checked against the limits."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Iterable, Sequence

import pytest

from adapters.telegram.ratelimit import Limits, RateLimiter, Stamp, Window


class VirtualClock:
    """Time that only moves when every task is waiting: sleeps cost nothing."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), next(self._seq), future))
        await future

    async def _settle(self, tasks: Sequence[asyncio.Future[None]]) -> None:
        """Let the loop run until nothing changes for a while (every task waits on the clock)."""
        calm = 0
        state = None
        while calm < 10:
            await asyncio.sleep(0)
            now = (len(self._sleepers), sum(t.done() for t in tasks))
            calm = calm + 1 if now == state else 0
            state = now

    async def run(self, coroutines: Iterable[Awaitable[None]]) -> None:
        """Run the coroutines to completion, jumping time to the next wake-up when all wait."""
        tasks = [asyncio.ensure_future(c) for c in coroutines]
        while not all(t.done() for t in tasks):
            await self._settle(tasks)
            if all(t.done() for t in tasks):
                break
            assert self._sleepers, "deadlock: tasks wait on something other than the clock"
            wake, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, wake)
            future.set_result(None)
        for task in tasks:
            task.result()


def violations(times: list[float], count: int, window: float) -> int:
    """How many sends broke "at most `count` in any `window` seconds"."""
    ordered = sorted(times)
    return sum(
        1 for k in range(count, len(ordered)) if ordered[k] - ordered[k - count] < window - 1e-9
    )


async def schedule(
    limiter: RateLimiter, clock: VirtualClock, chats: list[int]
) -> list[tuple[int, float]]:
    """Send one message per entry of `chats`, all at once; return (chat, send time)."""
    sent: list[tuple[int, float]] = []

    async def one(chat: int) -> None:
        await limiter.acquire(chat)
        sent.append((chat, clock()))

    await clock.run(one(chat) for chat in chats)
    return sent


def per_chat(sent: list[tuple[int, float]]) -> dict[int, list[float]]:
    out: dict[int, list[float]] = {}
    for chat, at in sent:
        out.setdefault(chat, []).append(at)
    return out


async def test_one_message_per_second_in_a_chat() -> None:
    clock = VirtualClock()
    limiter = RateLimiter(margin=0.0, clock=clock, sleep=clock.sleep)
    sent = await schedule(limiter, clock, [42] * 5)
    assert [at for _, at in sent] == [0.0, 1.0, 2.0, 3.0, 4.0]


async def test_twenty_per_minute_in_a_group() -> None:
    clock = VirtualClock()
    limiter = RateLimiter(margin=0.0, clock=clock, sleep=clock.sleep)
    sent = await schedule(limiter, clock, [-100] * 45)
    times = [at for _, at in sent]
    assert times[:20] == [float(n) for n in range(20)]  # 1/s while the minute allows
    assert times[20] == 60.0  # the 21st waits until the first leaves the minute
    assert times[40] == 120.0
    assert violations(times, 20, 60.0) == 0 and violations(times, 1, 1.0) == 0


async def test_thirty_per_second_overall_and_fair_between_chats() -> None:
    clock = VirtualClock()
    limiter = RateLimiter(margin=0.0, clock=clock, sleep=clock.sleep)
    chats = [n for _ in range(3) for n in range(1, 101)]  # 300 messages to 100 chats
    sent = await schedule(limiter, clock, chats)
    times = [at for _, at in sent]
    assert violations(times, 30, 1.0) == 0
    for chat_times in per_chat(sent).values():
        assert violations(chat_times, 1, 1.0) == 0
    assert max(times) == pytest.approx(9.0)  # 300 at 30/s: the limit is used, not wasted


async def test_mixed_load_never_breaks_any_limit_and_keeps_order() -> None:
    clock = VirtualClock()
    limiter = RateLimiter(Limits().scaled(10), margin=0.0, clock=clock, sleep=clock.sleep)
    chats = [c for n in range(40) for c in (n % 7 + 1, -1, -2, n % 50 + 10)]
    order: dict[int, list[int]] = {}
    sent: list[tuple[int, float]] = []

    async def one(index: int, chat: int) -> None:
        order.setdefault(chat, []).append(index)
        await limiter.acquire(chat)
        order[chat].append(-index - 1)
        sent.append((chat, clock()))

    await clock.run(one(i, c) for i, c in enumerate(chats))
    assert violations([at for _, at in sent], 30, 0.1) == 0
    for chat, times in per_chat(sent).items():
        assert violations(times, 1, 0.1) == 0
        if chat < 0:
            assert violations(times, 20, 6.0) == 0
            assert len(times) == 40 and max(times) >= 6.0  # groups really were held
    for chat, marks in order.items():
        started = [m for m in marks if m >= 0]
        finished = [-m - 1 for m in marks if m < 0]
        assert finished == started, chat  # first come, first served within a chat


async def test_scaled_limits_and_margin() -> None:
    clock = VirtualClock()
    limiter = RateLimiter(Limits().scaled(10), margin=0.05, clock=clock, sleep=clock.sleep)
    sent = await schedule(limiter, clock, [7] * 3)
    assert [round(at, 6) for _, at in sent] == [0.0, 0.105, 0.21]
    with pytest.raises(ValueError):
        Limits().scaled(0)


async def test_retry_after_holds_the_chat_only() -> None:
    clock = VirtualClock()
    limiter = RateLimiter(margin=0.0, clock=clock, sleep=clock.sleep)
    limiter.penalize(5, 7.0)
    sent = await schedule(limiter, clock, [5, 6])
    assert dict(sent) == {6: 0.0, 5: 7.0}
    limiter.penalize(None, 3.0)
    again = await schedule(limiter, clock, [8])
    assert again == [(8, 10.0)]


def test_window_arithmetic() -> None:
    window = Window(2, 10.0)
    assert window.wait(0.0) == 0.0
    first, second = Stamp(0.0), Stamp(4.0)
    window.record(first)
    window.record(second)
    assert window.wait(50.0) == 0.1  # both still in flight: they count, check again soon
    second.answer(4.5)
    assert window.wait(5.0) == 9.5  # the first may arrive any moment; the second until 14.5
    first.answer(6.0)  # answered late: it counts from then
    assert window.wait(5.0) == 9.5 and window.wait(14.5) == 0.0
    assert not window.idle_since(15.0) and window.idle_since(16.0)


async def test_a_slow_answer_pushes_the_next_send_back() -> None:
    clock = VirtualClock()
    limiter = RateLimiter(margin=0.0, clock=clock, sleep=clock.sleep)
    started: list[tuple[int, float]] = []

    async def send(chat: int, latency: float) -> None:
        async with limiter.slot(chat):
            started.append((chat, clock()))
            await clock.sleep(latency)

    await clock.run([send(1, 0.4), send(1, 0.0), send(2, 0.0), send(1, 0.0)])
    # Chat 1's first message may reach Telegram as late as 0.4 s: the next waits until 1.4 s.
    assert started == [(1, 0.0), (2, 0.0), (1, 1.4), (1, 2.4)]


async def test_idle_chats_are_forgotten() -> None:
    clock = VirtualClock()
    limiter = RateLimiter(margin=0.0, clock=clock, sleep=clock.sleep)
    await schedule(limiter, clock, list(range(1, 1100)))
    clock.now += 100.0
    await schedule(limiter, clock, [-1])
    assert len(limiter._locks) < 10
