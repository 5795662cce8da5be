"""Slack adapter costs: slash command → ack latency, and alert fan-out without a single 429.

Run: `.venv/bin/python -m bench.bench_slack [--requests 500] [--channels 10] [--alerts 12]
[--scale 5]`.

The fake Slack Web API runs in a child process (the figures are Vigie's alone). It answers 429
whenever a channel receives two messages less than 1/scale s apart, i.e. Slack's 1 message per
second per channel with time sped up `scale` times; Vigie's limiter gets the same factor.
Real-time-equivalent figures divide the scaled rates by `scale`.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import aiohttp

from adapters.slack import SlackAdapter
from bot.chat.markup import NL, b, link, quote, reply, t
from bot.chat.transport import SendError
from bot.chat.types import Button, Reply, Urgency
from bot.services import Services
from bot.settings import load_settings
from tests.fake_slack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    TEAM,
    FakeSlack,
    SlackUser,
    command_body,
)
from vigie.app import make_router, open_services

TARGET_ACK_P99_MS = 100.0
TARGET_RATE = 0.90


def _serve(conn: Connection, min_interval: float) -> None:
    """The child process: the fake Slack, its port sent back through `conn`."""

    async def serve() -> None:
        async with FakeSlack(min_interval=min_interval) as fake:
            conn.send(fake.port)
            await asyncio.Event().wait()

    asyncio.run(serve())


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class AckFigures:
    """Ack latencies of one batch of slash commands."""

    name: str
    seconds: list[float]
    failures: int

    def line(self) -> str:
        """One printed row."""
        ms = [s * 1000 for s in self.seconds]
        return (
            f"{self.name:<28}{len(ms):>7}{statistics.median(ms):>9.1f}"
            f"{_percentile(ms, 0.99):>9.1f}{max(ms):>9.1f}{self.failures:>8}"
        )


async def _acks(
    user: SlackUser, channels: list[str], count: int, concurrency: int, batch: str
) -> AckFigures:
    """`count` signed `/vigie aide`, `concurrency` in flight, round-robin over the channels.

    Each request differs (as Slack's trigger_id does), or the replay guard would refuse it.
    """
    seconds: list[float] = []
    failures = 0
    semaphore = asyncio.Semaphore(concurrency)

    async def one(n: int) -> None:
        nonlocal failures
        name = f"{batch}-{n}"
        body = command_body("aide", channel=channels[n % len(channels)], user_name=name)
        async with semaphore:
            answer = await user.post(body)
        seconds.append(answer.seconds)
        failures += answer.status != 200

    await asyncio.gather(*(one(n) for n in range(count)))
    name = "séquentiel" if concurrency == 1 else f"{concurrency} en parallèle"
    return AckFigures(name, seconds, failures)


def _alert(channel: str, n: int) -> Reply:
    """An alert shaped like the real ones: headline, link, quoted review, five buttons."""
    return reply(
        b(f"🔔 Nouvel avis #{n}"),
        NL,
        t(f"Google (fiche) · ★☆☆☆☆ · Dr Marie Dupont · canal {channel}"),
        NL,
        link("Voir en ligne", f"https://maps.google.com/?review={n}"),
        NL,
        quote("Attente interminable <!channel>, accueil désagréable & docteur pressé. " * 3),
        buttons=[
            Button("📸 Capture", "capture", str(n)),
            Button("✉️ Courrier assureur", "assureur", str(n)),
            Button("🚩 Signaler", "signaler", str(n)),
            Button("💬 Répondre", "repondre", str(n)),
            Button("✅ Traité", "traite", str(n)),
        ],
        urgency=Urgency.URGENT,
    )


async def _fan_out(adapter: SlackAdapter, channels: list[str], alerts: int) -> tuple[float, int]:
    """Every channel gets `alerts` alerts, channels in parallel, each in order (as delivery)."""
    errors = 0

    async def one(channel: str) -> None:
        nonlocal errors
        for n in range(alerts):
            try:
                await adapter.send(channel, _alert(channel, n))
            except SendError:
                errors += 1

    start = time.perf_counter()
    await asyncio.gather(*(one(c) for c in channels))
    return time.perf_counter() - start, errors


async def _setup(directory: Path, channels: list[str]) -> Services:
    settings = load_settings(
        _env_file=None, database=directory / "vigie.db", data_dir=directory / "data"
    )
    services = await open_services(settings)
    team_id = await services.store.teams.default_team("Cabinet")
    for channel in channels:
        await services.store.teams.bind_chat(team_id, "slack", channel, workspace=TEAM)
    return services


async def _run(port: int, args: argparse.Namespace) -> None:
    base = f"http://127.0.0.1:{port}"
    ack_channels = [f"C0ACK{n:03d}" for n in range(50)]
    alert_channels = [f"C0ALERT{n:03d}" for n in range(args.channels)]
    with tempfile.TemporaryDirectory() as tmp:
        services = await _setup(Path(tmp), ack_channels + alert_channels)
        adapter = SlackAdapter(
            make_router(services),
            bot_token=BOT_TOKEN,
            signing_secret=SIGNING_SECRET,
            api_url=f"{base}/api/",
            http_port=0,
            http_host="127.0.0.1",
            time_scale=args.scale,
        )
        server = asyncio.create_task(adapter.run())
        try:
            await asyncio.wait_for(adapter.ready.wait(), 10)
            async with aiohttp.ClientSession() as session:
                user = SlackUser(session, f"http://127.0.0.1:{adapter.http_port}/slack/events")
                await _acks(
                    user, ack_channels, 20, 1, "warm"
                )  # warm-up: auth.test, first connections
                await adapter.dispatcher.drain()
                cpu = time.process_time()
                batches = [
                    await _acks(user, ack_channels, args.requests, 1, "seq"),
                    await _acks(user, ack_channels, args.requests, 20, "par"),
                ]
                await adapter.dispatcher.drain()
                cpu = time.process_time() - cpu
                async with session.get(f"{base}/_stats") as response:
                    throttled_before = (await response.json())["throttled"]
                elapsed, errors = await _fan_out(adapter, alert_channels, args.alerts)
                async with session.get(f"{base}/_stats") as response:
                    stats = await response.json()
        finally:
            server.cancel()
            await asyncio.gather(server, return_exceptions=True)
            await services.store.close()

    print(f"Slash command → ack, HTTP signé sur 127.0.0.1 ({args.requests} requêtes par ligne)")
    print(f"{'':<28}{'n':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'échecs':>8}")
    for batch in batches:
        print(batch.line())
    p99 = max(_percentile([s * 1000 for s in batch.seconds], 0.99) for batch in batches)
    total = sum(len(batch.seconds) for batch in batches)
    print(
        f"CPU du processus Vigie : {cpu / total * 1000:.2f} ms par commande (ack + réponse postée)"
    )
    verdict = "OK" if p99 <= TARGET_ACK_P99_MS else "AU-DESSUS de la cible"
    print(
        f"p99 le plus haut : {p99:.1f} ms "
        f"(cible ≤ {TARGET_ACK_P99_MS:.0f} ms, délai de Slack : 3 s) : {verdict}"
    )

    posts = {c: v for c, v in stats["posts"].items() if c in alert_channels}
    rates = [(len(v) - 1) / (v[-1] - v[0]) for v in posts.values() if len(v) > 1]
    rate = statistics.mean(rates)
    throttled = stats["throttled"] - throttled_before
    sent = sum(len(v) for v in posts.values())
    print()
    print(
        f"Diffusion d'alertes : {args.channels} canaux × {args.alerts} alertes, "
        f"temps accéléré ×{args.scale:g} (limite du faux Slack : {args.scale:g} msg/s par canal)"
    )
    print(f"messages acceptés : {sent} / {args.channels * args.alerts} en {elapsed:.2f} s")
    print(f"réponses 429 : {throttled} ; SendError : {errors}")
    print(
        f"débit par canal : {rate:.2f} msg/s accéléré = {rate / args.scale:.3f} msg/s en temps "
        f"réel, soit {rate / args.scale:.0%} du débit permis (1 msg/s)"
    )
    interval_ms = 1000 / args.scale
    cycle_ms = 1000 / rate
    print(
        f"cycle par message : {cycle_ms:.1f} ms = intervalle {interval_ms:.1f} ms + aller-retour "
        f"{cycle_ms - interval_ms:.1f} ms (le suivant part après la réponse au précédent) ; "
        f"charge machine : {os.getloadavg()[0]:.1f}"
    )
    ok = throttled == 0 and errors == 0 and rate / args.scale >= TARGET_RATE
    verdict = "OK" if ok else "ÉCHEC"
    print(f"cible : zéro 429 à ≥ {TARGET_RATE:.0%} du débit permis : {verdict}")


def main(argv: list[str] | None = None) -> None:
    """Start the fake Slack in a child process, then measure acks and alert fan-out."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--channels", type=int, default=10)
    parser.add_argument("--alerts", type=int, default=12)
    parser.add_argument("--scale", type=float, default=5.0, help="time acceleration factor")
    args = parser.parse_args(argv)

    parent, child = multiprocessing.get_context("spawn").Pipe()
    server = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(child, 1.0 / args.scale), daemon=True
    )
    server.start()
    try:
        port = int(parent.recv())
        asyncio.run(_run(port, args))
    finally:
        server.terminate()
        server.join(5)


if __name__ == "__main__":
    main()
