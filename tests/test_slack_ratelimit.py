"""The per-channel limiter: about one message per second, Retry-After honoured, time-scalable."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from adapters.slack.ratelimit import ChannelBusy, ChannelLimiter


class Clock:
    """A hand-driven monotonic clock."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_time_scale_shrinks_the_interval() -> None:
    assert ChannelLimiter().interval == pytest.approx(1.0)
    assert ChannelLimiter(time_scale=20).interval == pytest.approx(0.05)
    with pytest.raises(ValueError):
        ChannelLimiter(per_second=0)


async def test_each_message_waits_an_interval_after_the_previous_one_ended() -> None:
    limiter = ChannelLimiter(time_scale=20)
    spans: list[tuple[float, float]] = []

    async def post(hold: float) -> None:
        async with limiter.slot("C1"):
            start = time.monotonic()
            await asyncio.sleep(hold)  # a slow call: the next one must wait for its end
            spans.append((start, time.monotonic()))

    await asyncio.gather(post(0.03), post(0.0), post(0.01), post(0.0))
    gaps = [nxt[0] - prev[1] for prev, nxt in itertools.pairwise(spans)]
    assert len(gaps) == 3
    assert all(gap >= limiter.interval * 0.99 for gap in gaps)
    assert spans[-1][1] - spans[0][0] < 1.0


async def test_channels_do_not_wait_for_each_other() -> None:
    limiter = ChannelLimiter(time_scale=2)
    start = time.monotonic()
    for channel in ("C1", "C2", "C3"):
        async with limiter.slot(channel):
            pass
    assert time.monotonic() - start < 0.2


async def test_retry_after_closes_the_channel_and_long_waits_are_refused() -> None:
    clock = Clock()
    limiter = ChannelLimiter(clock=clock)
    limiter.penalise("C1", 30)
    assert limiter.expected_wait("C1") == pytest.approx(30)
    with pytest.raises(ChannelBusy) as busy:
        async with limiter.slot("C1", max_wait=5):
            raise AssertionError("must not get the slot")
    assert busy.value.delay == pytest.approx(30)
    assert limiter.expected_wait("C1") == pytest.approx(30)  # nothing was taken
    clock.now += 30
    assert limiter.expected_wait("C1") == 0.0
    assert limiter.expected_wait("C2") == 0.0
