"""Durations from outside (settings, a platform's « retry after », a stored interval) can be
absurd: each is refused at start with a clear message or bounded, and no delay overflows."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.chat.codec import encode_reply
from bot.chat.markup import reply
from bot.chat.types import Urgency
from bot.clock import MAX_DELAY, later, utcnow
from bot.notify.delivery import Delivery
from bot.router import Router
from bot.services import Services
from bot.sources import SourceConfig
from bot.store.mentions import NewAlert
from bot.watch.monitor import Monitor
from tests.fake_telegram import LIMITS, FakeTelegram, make_adapter, running
from tests.fakeweb import FakeWeb


def run_cli(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = (
        {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
        | {"VIGIE_DATABASE": str(tmp_path / "v.db"), "VIGIE_DATA_DIR": str(tmp_path / "data")}
        | env
    )
    return subprocess.run(
        [sys.executable, "-m", "vigie", *args],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        cwd=tmp_path,
    )


@pytest.mark.parametrize(
    "value", ["300000000000", "9223372036854775808", "0", "-5", "1e9", "quinze minutes"]
)
def test_absurd_poll_interval_is_refused_at_start_with_its_range(
    tmp_path: Path, value: str
) -> None:
    result = run_cli(["run"], tmp_path, VIGIE_POLL_INTERVAL=value)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "VIGIE_POLL_INTERVAL" in result.stderr
    assert "604800" in result.stderr and "secondes" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_sane_poll_interval_is_accepted(tmp_path: Path) -> None:
    result = run_cli(["run"], tmp_path, VIGIE_POLL_INTERVAL="900")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("seconds", [1e300, float("inf"), float("nan"), -1e300, 3e11, 2**63])
def test_later_never_overflows_and_stays_within_bounds(seconds: float) -> None:
    now = utcnow()
    when = later(seconds)
    assert now <= when <= utcnow() + MAX_DELAY


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram(limits=LIMITS).start()
    yield server
    await server.stop()


async def test_an_absurd_retry_after_from_telegram_does_not_break_delivery(
    router: Router, services: Services, team_id: int, fake: FakeTelegram
) -> None:
    store = services.store
    group = -1005550003
    fake.add_chat(group)
    chat = await store.teams.bind_chat(team_id, "telegram", str(group))
    message = reply("Alerte de test")
    await store.alerts.enqueue(
        team_id, [NewAlert(chat.id, "new", encode_reply(message), Urgency.NORMAL)]
    )
    fake.fail_next(
        "sendMessage", 429, "Too Many Requests: retry after 300000000000", retry_after=300000000000
    )
    adapter = make_adapter(router, fake)
    delivery = Delivery(services, {"telegram": adapter})
    async with running(adapter):
        assert await delivery.send_due() == 0
    counts = await store.alerts.counts(team_id)
    assert counts.get("pending") == 1
    due = await store.alerts.next_due_at()
    assert due is not None and due <= utcnow() + MAX_DELAY


async def test_an_absurd_interval_does_not_crash_the_poll(
    services: Services, team_id: int, fakeweb: FakeWeb
) -> None:
    store = services.store
    fakeweb.reply("/flux", "<rss version='2.0'><channel><title>t</title></channel></rss>")
    source = await store.sources.add(
        team_id, "feed", fakeweb.url("/flux"), selector=None, watch_id=None, interval_s=900
    )
    config = SourceConfig(allow_private=True, timeout_s=3, poll_interval_s=300000000000)
    monitor = Monitor(services, config=config)
    outcomes = await monitor.poll_due()
    assert [o.error for o in outcomes] == [None]
    [row] = await store.sources.active(team_id)
    assert row.id == source and row.next_poll_at is not None
    assert row.next_poll_at <= utcnow() + MAX_DELAY + timedelta(seconds=1)
