"""The per-channel limiter: about one message per second, Retry-After honoured, time-scalable."""

from __future__ import annotations

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


def test_messages_to_one_channel_are_spaced_by_a_bit_more_than_a_second() -> None:
    clock = Clock()
    limiter = ChannelLimiter(clock=clock)
    delays = [limiter.reserve("C1") for _ in range(3)]
    assert delays == pytest.approx([0.0, 1.05, 2.10])
    assert limiter.reserve("C2") == 0.0
    clock.now += 10
    assert limiter.reserve("C1") == 0.0


def test_time_scale_shrinks_the_interval() -> None:
    limiter = ChannelLimiter(time_scale=20, clock=Clock())
    assert limiter.interval == pytest.approx(1.05 / 20)


def test_retry_after_blocks_the_channel_and_long_waits_are_refused() -> None:
    clock = Clock()
    limiter = ChannelLimiter(clock=clock)
    limiter.reserve("C1")
    limiter.penalise("C1", 30)
    with pytest.raises(ChannelBusy) as busy:
        limiter.reserve("C1", max_wait=5)
    assert busy.value.delay == pytest.approx(30)
    clock.now += 29
    assert limiter.reserve("C1", max_wait=5) == pytest.approx(1)


def test_invalid_parameters_are_refused() -> None:
    with pytest.raises(ValueError):
        ChannelLimiter(per_second=0)


async def test_waiting_really_spaces_the_messages() -> None:
    limiter = ChannelLimiter(time_scale=20)
    start = time.monotonic()
    stamps = []
    for _ in range(4):
        await limiter.wait("C1")
        stamps.append(time.monotonic() - start)
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert all(gap >= limiter.interval * 0.95 for gap in gaps)
    assert stamps[-1] < 1.0
