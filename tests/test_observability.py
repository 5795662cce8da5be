"""The health and metrics endpoint, JSON logs, and secrets that never reach a log line."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from bot.chat.types import Urgency
from bot.notify.delivery import Delivery
from bot.services import Services
from bot.settings import Settings, load_settings
from bot.sources import SourceConfig
from bot.store import NewAlert
from bot.watch.monitor import Monitor
from tests.fakeweb import FakeWeb
from tests.feeds import Item, atom
from tests.harness import ChatHarness, MemoryTransport
from vigie.app import open_services
from vigie.logging_setup import setup_logging
from vigie.ops.endpoint import serve_endpoint


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_metrics_count_polls_failures_alerts_and_capture_times(
    chat: ChatHarness, services: Services, team_id: int, fakeweb: FakeWeb
) -> None:
    async def feed(request: web.Request) -> web.Response:
        items = [Item("a1", "Forum", "Le Dr Marie Dupont, dermatologue à Lyon, à l'écoute.")]
        return web.Response(text=atom(items), content_type="application/atom+xml")

    async def broken(request: web.Request) -> web.Response:
        return web.Response(status=500)

    fakeweb.route("/ok", feed)
    fakeweb.route("/broken", broken)
    await chat.say("/surveiller Dr Marie Dupont, dermatologue, Lyon")
    await chat.say(f"/source flux {fakeweb.url('/ok')}")
    await chat.say(f"/source flux {fakeweb.url('/broken')}")
    transport = MemoryTransport()
    delivery = Delivery(services, {"test": transport})
    config = SourceConfig(allow_private=True, timeout_s=3)
    monitor = Monitor(services, config=config, on_new_alerts=delivery.wake)
    await services.store.sources.poll_now(team_id)
    await monitor.poll_due()
    await delivery.send_due()  # the baseline summary is sent
    chats = await services.store.teams.chats_of(team_id)
    await services.store.alerts.enqueue(
        team_id, [NewAlert(chats[0].id, "test", '{"spans": []}', Urgency.NORMAL)] * 2
    )
    due = await services.store.alerts.due(datetime.now(UTC) + timedelta(days=1))
    await services.store.alerts.mark_failed(due[0].id, "gave up")
    services.metrics.capture_done(1.5)
    services.metrics.capture_done(12.0)

    port = free_port()
    server = asyncio.create_task(serve_endpoint(services, "127.0.0.1", port))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(100):
                try:
                    health = await client.get("/health")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.02)
            metrics = await client.get("/metrics")
    finally:
        server.cancel()
        await asyncio.gather(server, return_exceptions=True)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert metrics.headers["content-type"].startswith("text/plain")
    lines = set(metrics.text.splitlines())
    assert 'vigie_polls_total{outcome="ok"} 1' in lines
    assert 'vigie_polls_total{outcome="failed"} 1' in lines
    assert 'vigie_sources{state="failing"} 1' in lines
    assert 'vigie_alerts{status="sent"} 1' in lines
    assert 'vigie_alerts{status="pending"} 1' in lines
    assert 'vigie_alerts{status="failed"} 1' in lines
    assert 'vigie_capture_seconds_bucket{le="2"} 1' in lines
    assert 'vigie_capture_seconds_bucket{le="+Inf"} 2' in lines
    assert "vigie_capture_seconds_sum 13.5" in lines
    assert "# TYPE vigie_polls_total counter" in lines


async def test_health_endpoint_of_a_running_vigie_is_on_loopback_only_when_asked(
    tmp_path: Path,
) -> None:
    settings = load_settings(_env_file=None)
    assert settings.ops_port is None and settings.ops_host == "127.0.0.1"  # off by default
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")} | {
        "VIGIE_DATABASE": str(tmp_path / "v.db"),
        "VIGIE_DATA_DIR": str(tmp_path / "data"),
        "VIGIE_BACKUP_KEEP": "0",
        "VIGIE_OPS_PORT": str(port),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "vigie", "console", env=env, cwd=tmp_path,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdin is not None
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(300):
                try:
                    health = await client.get(f"http://127.0.0.1:{port}/health")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError("no health endpoint")
    finally:
        proc.stdin.close()
        _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert health.status_code == 200
    assert health.json()["adapters"] == ["console"]
    assert proc.returncode == 0, err.decode()


async def test_health_says_503_when_the_database_does_not_answer(settings: Settings) -> None:
    services = await open_services(settings)
    await services.store.close()
    port = free_port()
    server = asyncio.create_task(serve_endpoint(services, "127.0.0.1", port))
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(100):
                try:
                    health = await client.get(f"http://127.0.0.1:{port}/health")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.02)
    finally:
        server.cancel()
        await asyncio.gather(server, return_exceptions=True)
    assert health.status_code == 503
    assert health.json()["status"] == "database unavailable"


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_token_never_appears_in_the_logs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], log_format: str
) -> None:
    token = "123456:AAE-very-secret-token"
    settings = load_settings(
        _env_file=None,
        database=tmp_path / "v.db",
        telegram_token=token,
        slack_bot_token="xoxb-secret-slack-token",
        log_format=log_format,
    )
    setup_logging(settings)
    log = logging.getLogger("vigie.test")
    try:
        log.warning("calling https://api.telegram.org/bot%s/getMe", token)
        try:
            raise RuntimeError(f"connection to /bot{token}/getUpdates failed")
        except RuntimeError:
            log.exception("polling failed with xoxb-secret-slack-token")
    finally:
        logging.getLogger().handlers.clear()
    err = capsys.readouterr().err
    assert token not in err and "xoxb-secret-slack-token" not in err
    assert "/bot***/getMe" in err and "/bot***/getUpdates" in err
    if log_format == "json":
        records = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
        assert [r["level"] for r in records] == ["WARNING", "ERROR"]
        assert "RuntimeError" in records[1]["exception"]
