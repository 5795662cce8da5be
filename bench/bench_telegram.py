"""Alert fan-out on Telegram: how close to the flood limits, and how many 429s, for 1,000 alerts.

Run: `.venv/bin/python -m bench.bench_telegram [--alerts 1000] [--chats 20] [--groups 4]
[--scale 5]`. The real PTB client sends through the adapter's limiter to the fake Bot API
on loopback, which answers 429 whenever a chat gets more than 1 message/s, a group more
than 20/min or the bot more than 30/s. `--scale` shrinks every window by the same factor in
the limiter and in the fake server (limits × scale faster) so the run stays short; figures
are printed both as measured and converted back to real time.
A second run with 60 private chats makes the 30 messages/s overall limit the binding one.
The limiter counts a send until Telegram answers it, so each window costs one round trip:
the larger the scale, the larger that loopback round trip is next to the shrunk windows
(at scale 1, against Telegram's real latency, the loss is a few percent).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from adapters.telegram import TelegramAdapter
from adapters.telegram.ratelimit import Limits, RateLimiter
from bot.chat.transport import SendError
from bot.chat.types import Reply
from bot.models import Flag, WatchKind
from bot.services import Services
from bot.settings import load_settings
from tests.fake_telegram import FakeTelegram, alert_reply, running, store_mention
from vigie.app import make_router, open_services

TARGET_EFFICIENCY = 0.90


@dataclass
class Figures:
    """One fan-out run."""

    name: str
    alerts: int
    chats: int
    groups: int
    scale: float
    elapsed_s: float
    best_s: float
    too_many: int
    failed: int

    def lines(self) -> list[str]:
        """The printed report of this run."""
        rate = self.alerts / self.elapsed_s
        allowed = self.alerts / self.best_s
        efficiency = self.best_s / self.elapsed_s
        ok = efficiency >= TARGET_EFFICIENCY and self.too_many == 0 and self.failed == 0
        return [
            f"{self.name}: {self.alerts} alertes vers {self.chats} conversations "
            f"(dont {self.groups} groupes), fenêtres ÷ {self.scale:g}",
            f"  mesuré      : {self.elapsed_s:7.2f} s, {rate:7.1f} msg/s "
            f"(meilleur possible {self.best_s:.2f} s, {allowed:.1f} msg/s)",
            f"  temps réel  : {self.elapsed_s * self.scale:7.1f} s, "
            f"{rate / self.scale:7.2f} msg/s (meilleur possible "
            f"{self.best_s * self.scale:.1f} s, {allowed / self.scale:.2f} msg/s)",
            f"  efficacité  : {efficiency:.1%} du débit permis · 429 reçus : {self.too_many} · "
            f"échecs : {self.failed} · objectif {'atteint' if ok else 'MANQUÉ'} "
            f"(≥ {TARGET_EFFICIENCY:.0%}, zéro 429)",
        ]


def best_makespan(per_chat: dict[int, int], limits: Limits) -> float:
    """A lower bound on the time from first to last send, under the three limits."""
    longest = 0.0
    for chat, count in per_chat.items():
        times: list[float] = []
        for j in range(count):
            t = times[j - 1] + limits.chat_window if j else 0.0
            if chat < 0 and j >= limits.per_group:
                t = max(t, times[j - limits.per_group] + limits.group_window)
            times.append(t)
        longest = max(longest, times[-1] if times else 0.0)
    total = sum(per_chat.values())
    overall = ((total - 1) // limits.overall) * limits.overall_window
    return max(longest, overall)


async def _fan_out(
    adapter: TelegramAdapter, chats: list[int], alerts: int, alert: Reply
) -> tuple[float, int]:
    """Send `alerts` alerts round-robin over the chats; time and failures.

    One worker per chat sends that chat's alerts in order while all chats proceed side by
    side: the shape of a delivery that keeps each chat's alerts in order.
    """
    failed = 0
    share, extra = divmod(alerts, len(chats))

    async def worker(index: int, chat: int) -> None:
        nonlocal failed
        for _ in range(share + (index < extra)):
            try:
                await adapter.send(str(chat), alert)
            except SendError:
                failed += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker(i, chat) for i, chat in enumerate(chats)))
    return time.perf_counter() - start, failed


async def _alert(services: Services) -> Reply:
    """A realistic alert: a risky review with its five buttons."""
    team_id = await services.store.teams.default_team("Cabinet")
    await services.store.watches.add(team_id, "Marie Dupont", WatchKind.PRACTITIONER, title="Dr")
    mention_id = await store_mention(
        services,
        team_id,
        "bench",
        "Ce médecin est un escroc, il m'a très mal reçu. " * 6,
        flags=frozenset({Flag.INSULT}),
    )
    return await alert_reply(services, team_id, mention_id)


def _serve(conn: Connection, limits: Limits, chats: list[int]) -> None:
    """The child process: the fake Bot API until told to stop; then its count of 429s."""

    async def serve() -> None:
        fake = await FakeTelegram(limits=limits).start()
        for chat in chats:
            fake.add_chat(chat)
        conn.send((fake.api_url, fake.file_url, fake.token))
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        sent = sum(1 for c in fake.calls if c.ok and c.method == "sendMessage")
        conn.send((fake.too_many, sent))
        await fake.stop()

    asyncio.run(serve())


async def run_once(name: str, alerts: int, chats: int, groups: int, scale: float) -> Figures:
    """One fan-out through a fresh fake server (its own process) and adapter."""
    limits = Limits().scaled(scale)
    ids = [-(1001000000000 + n) for n in range(groups)]
    ids += [5000 + n for n in range(chats - groups)]
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(child, limits, ids), daemon=True)
    server.start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            _env_file=None, database=Path(tmp) / "vigie.db", data_dir=Path(tmp) / "data"
        )
        services = await open_services(settings)
        try:
            api_url, file_url, token = parent.recv()
            adapter = TelegramAdapter(
                make_router(services),
                token=token,
                api_url=api_url,
                file_url=file_url,
                poll_timeout=1.0,
                limiter=RateLimiter(limits),
            )
            alert = await _alert(services)
            async with running(adapter):
                elapsed, failed = await _fan_out(adapter, ids, alerts, alert)
        finally:
            parent.send("stop")
            too_many, delivered = parent.recv()
            server.join(10)
            await services.store.close()
    share, extra = divmod(alerts, len(ids))
    per_chat = {chat: share + (i < extra) for i, chat in enumerate(ids)}
    assert delivered == alerts - failed, (delivered, alerts, failed)
    return Figures(
        name,
        alerts,
        chats,
        groups,
        scale,
        elapsed,
        best_makespan(per_chat, limits),
        too_many,
        failed,
    )


def main(argv: list[str] | None = None) -> None:
    """Run the fan-out benchmarks and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--groups", type=int, default=4)
    parser.add_argument("--scale", type=float, default=5.0)
    parser.add_argument("--no-overall", action="store_true", help="skip the 60-chat run")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    runs = [("limites par conversation", args.chats, min(args.groups, args.chats))]
    if not args.no_overall:
        runs.append(("limite globale (30/s)", 60, 0))
    for name, chats, groups in runs:
        figures = asyncio.run(run_once(name, args.alerts, chats, groups, args.scale))
        print("\n".join(figures.lines()))


if __name__ == "__main__":
    main()
