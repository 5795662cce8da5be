"""The optional health and metrics listener (off by default, loopback by default)."""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web

from bot import __version__
from bot.metrics import CAPTURE_BUCKETS
from bot.services import Services

log = logging.getLogger(__name__)

PROM_TYPE = "text/plain"


def _line(name: str, value: float, **labels: str) -> str:
    if labels:
        inner = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        return f"{name}{{{inner}}} {value:g}"
    return f"{name} {value:g}"


async def metrics_text(services: Services) -> str:
    """Prometheus text format: polls, failures, alerts by status, captures and their times."""
    figures = await services.store.ops.figures()
    m = services.metrics
    out = [
        "# HELP vigie_info Vigie version.",
        "# TYPE vigie_info gauge",
        _line("vigie_info", 1, version=__version__),
        "# HELP vigie_start_time_seconds When this process started (Unix time).",
        "# TYPE vigie_start_time_seconds gauge",
        _line("vigie_start_time_seconds", services.started_at.timestamp()),
        "# HELP vigie_polls_total Source polls since start, by outcome.",
        "# TYPE vigie_polls_total counter",
    ]
    for outcome in ("ok", "not_modified", "failed"):
        out.append(_line("vigie_polls_total", m.polls[outcome], outcome=outcome))
    out += [
        "# HELP vigie_sources Active sources, and those failing now.",
        "# TYPE vigie_sources gauge",
        _line("vigie_sources", figures.sources - figures.failing_sources, state="ok"),
        _line("vigie_sources", figures.failing_sources, state="failing"),
        "# HELP vigie_mentions Mentions stored.",
        "# TYPE vigie_mentions gauge",
        _line("vigie_mentions", figures.mentions),
        "# HELP vigie_alerts Alerts in the outbox by status "
        "(pending and sending: queued; failed: given up).",
        "# TYPE vigie_alerts gauge",
    ]
    for status in ("pending", "sending", "sent", "failed"):
        out.append(_line("vigie_alerts", figures.alerts.get(status, 0), status=status))
    out += ["# HELP vigie_captures Captures recorded, by status.", "# TYPE vigie_captures gauge"]
    for status, count in sorted(figures.captures.items()):
        out.append(_line("vigie_captures", count, status=status))
    out += [
        "# HELP vigie_capture_seconds Time to take a capture, since start.",
        "# TYPE vigie_capture_seconds histogram",
    ]
    for bound, count in zip(CAPTURE_BUCKETS, m.capture_buckets, strict=True):
        out.append(_line("vigie_capture_seconds_bucket", count, le=f"{bound:g}"))
    out += [
        _line("vigie_capture_seconds_bucket", m.capture_count, le="+Inf"),
        _line("vigie_capture_seconds_sum", m.capture_sum),
        _line("vigie_capture_seconds_count", m.capture_count),
    ]
    return "\n".join(out) + "\n"


def make_app(services: Services) -> web.Application:
    """`/health` (JSON, 503 when the database does not answer) and `/metrics`."""

    async def health(request: web.Request) -> web.Response:
        try:
            ok = await asyncio.wait_for(services.store.ops.ping(), 2.0)
        except Exception:  # any failure means unhealthy, said in the answer
            ok = False
        body = {
            "status": "ok" if ok else "database unavailable",
            "version": __version__,
            "adapters": services.adapters,
            "uptime_s": round(time.time() - services.started_at.timestamp()),
        }
        return web.json_response(body, status=200 if ok else 503)

    async def metrics(request: web.Request) -> web.Response:
        text = await metrics_text(services)
        return web.Response(text=text, content_type=PROM_TYPE, charset="utf-8")

    app = web.Application()
    app.router.add_get("/health", health)
    app.router.add_get("/metrics", metrics)
    return app


async def serve_endpoint(services: Services, host: str, port: int) -> None:
    """Serve until cancelled."""
    runner = web.AppRunner(make_app(services), access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:
            from bot.chat.transport import StartupError

            raise StartupError(
                f"Le point de santé ne peut pas écouter sur {host}:{port} ({exc.strerror}). "
                "Choisissez un port libre avec VIGIE_OPS_PORT, ou retirez-le pour le désactiver."
            ) from exc
        log.info("health and metrics on http://%s:%s/health and /metrics", host, port)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
