"""End-to-end latency: from a source response holding a new review to the chat API's send request.

Run: `.venv/bin/python -m bench.bench_latency [--alerts 1000] [--batch 10]`.
A loopback feed server publishes `batch` new reviews per poll; the real monitor polls it, stores
and triages them, the delivery task sends each alert over HTTP to a loopback chat API that
timestamps its arrival. Target: p99 < 500 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from aiohttp import web

from bot.chat.types import Reply
from bot.notify.delivery import Delivery
from bot.settings import load_settings
from bot.sources import SourceConfig
from bot.watch.monitor import Monitor
from tests.feeds import Item, atom
from tests.loopback import serve_on_free_port
from vigie.app import open_services

TARGET_P99_MS = 500.0
FEED_LENGTH = 50


class HttpChat:
    """A chat platform reached over HTTP, as a real adapter is."""

    platform = "bench"

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = httpx.AsyncClient()

    async def run(self) -> None:
        """Nothing to serve."""

    async def send(self, chat_id: str, reply: Reply) -> str:
        """POST the alert; the server's answer is the acknowledgement."""
        response = await self.client.post(
            self.url, json={"chat": chat_id, "text": reply.plain_text}
        )
        response.raise_for_status()
        return str(response.json()["id"])


async def measure(alerts: int, batch: int) -> list[float]:
    items: list[Item] = []
    published_at: dict[str, float] = {}
    received: dict[str, float] = {}
    pending: list[Item] = []

    async def feed(request: web.Request) -> web.Response:
        # Like a Google Alerts feed, it lists the latest entries only.
        body = atom((items + pending)[-FEED_LENGTH:])
        for item in pending:
            published_at[item.id] = time.perf_counter()
        items.extend(pending)
        pending.clear()
        return web.Response(text=body, content_type="application/atom+xml")

    async def chat(request: web.Request) -> web.Response:
        data = await request.json()
        for word in data["text"].split():
            if word.startswith("ref-"):
                received.setdefault(word, time.perf_counter())
        return web.json_response({"id": len(received)})

    app = web.Application()
    app.router.add_get("/feed", feed)
    app.router.add_post("/chat", chat)
    runner = web.AppRunner(app, access_log=None)
    port = await serve_on_free_port(runner)
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            _env_file=None,
            database=Path(tmp) / "v.db",
            data_dir=Path(tmp) / "d",
            allow_private_urls=True,
        )
        services = await open_services(settings)
        store = services.store
        team = await store.teams.default_team("Bench")
        await store.teams.bind_chat(team, "bench", "c1")
        await store.watches.add(
            team,
            "Marie Dupont",
            __import__("bot.models").models.WatchKind.PRACTITIONER,
            title="Dr",
            city="Lyon",
        )
        source_id = await store.sources.add(
            team, "feed", f"{base}/feed", selector=None, watch_id=None, interval_s=3600
        )
        transport = HttpChat(f"{base}/chat")
        delivery = Delivery(services, {"bench": transport})
        monitor = Monitor(
            services, config=SourceConfig(allow_private=True), on_new_alerts=delivery.wake
        )
        tasks = [asyncio.create_task(monitor.run()), asyncio.create_task(delivery.run())]
        await asyncio.sleep(0.5)  # baseline poll of the empty feed
        rounds = alerts // batch
        for r in range(rounds):
            for k in range(batch):
                n = r * batch + k
                pending.append(
                    Item(
                        f"id-{n}",
                        f"Avis {n}",
                        f"Le Dr Marie Dupont à Lyon : attente trop longue, ref-{n} .",
                    )
                )
            await store.sources.poll_now(team)
            monitor.wake()
            deadline = time.perf_counter() + 10
            while len(received) < (r + 1) * batch and time.perf_counter() < deadline:
                await asyncio.sleep(0.002)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await transport.client.aclose()
        await store.close()
        assert source_id
    await runner.cleanup()
    latencies = []
    for n in range(alerts):
        key = f"id-{n}"
        ref = f"ref-{n}"
        if key in published_at and ref in received:
            latencies.append((received[ref] - published_at[key]) * 1000)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=10)
    args = parser.parse_args()
    cpu = time.process_time()
    latencies = asyncio.run(measure(args.alerts, args.batch))
    cpu = time.process_time() - cpu
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    print(f"alerts delivered: {len(latencies)}/{args.alerts} (batches of {args.batch} per poll)")
    print(f"latency p50: {p50:.1f} ms   p99: {p99:.1f} ms   max: {latencies[-1]:.1f} ms")
    print(f"target p99 < {TARGET_P99_MS:.0f} ms: {'met' if p99 < TARGET_P99_MS else 'NOT met'}")
    # An upper bound for capacity planning (docs/operations.md): the fakes run in this process.
    print(
        f"CPU of the whole run (loopback feed and chat API included): {cpu:.2f} s, "
        f"≤ {cpu / max(1, len(latencies)) * 1000:.2f} ms per new mention polled, stored and sent"
    )


if __name__ == "__main__":
    main()
