"""The full poll path against urlwatch: the same loopback feeds, 1 in 10 changed per cycle.

Run: `.venv/bin/python -m bench.bench_fullpath [--sources 2000] [--cycles 3]`.

Vigie's side is the real monitor: guarded fetch, feed parsing, the ingest step (dedupe, name
matching, triage), the SQLite store and the outbox (one chat bound, so every new mention writes
its alert). urlwatch (installed from PyPI into `.bench/urlwatch-venv` on first run, never a
project dependency) runs once per cycle, as from cron, with its own cache. Each poller has its
own feed server process serving identical feeds; they run one after the other in this process
tree so that on a small machine neither's wall time includes the other's CPU. Figures: CPU
seconds (user + system, every thread) of the polling process per cycle, per source, and wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TARGET_RATIO = 5.0
URLWATCH_VERSION = "urlwatch>=2.28"
VENV = Path(__file__).resolve().parent.parent / ".bench" / "urlwatch-venv"

REVIEWS = (
    "Le Dr Marie Dupont, dermatologue à Lyon, m'a très bien soignée, je recommande.",
    "Consultation avec le Dr Marie Dupont à Lyon : attente interminable, secrétariat débordé.",
    "Le Dr Marie Dupont, dermatologue à Lyon, est une incompétente et une voleuse.",
    "Article sur les dermatologues lyonnais, dont le Dr Marie Dupont, installée depuis 2010.",
)


_SUBJECTS = (
    "l'accueil",
    "la secrétaire",
    "le cabinet",
    "la salle d'attente",
    "le parking",
    "la consultation",
    "le traitement",
    "le suivi",
    "le rendez-vous",
    "la facture",
    "l'ordonnance",
    "le diagnostic",
    "l'équipe",
    "le standard",
    "la téléconsultation",
)
_VERDICTS = (
    "était parfait",
    "laisse à désirer",
    "a duré dix minutes",
    "m'a rassurée",
    "était introuvable",
    "coûte trop cher",
    "a été annulé deux fois",
    "est très propre",
    "manque d'écoute",
    "a réglé mon problème",
    "était bondé",
    "est à revoir",
    "m'a surpris",
    "était rapide",
    "reste correct",
)
_CLAIMS = (
    "m'a très bien soignée",
    "est une incompétente et une voleuse",
    "est toujours en retard",
    "explique avec patience",
    "ne répond jamais au téléphone",
    "est une menteuse",
    "a sauvé ma peau",
    "parle trop vite",
    "est d'une grande douceur",
    "devrait changer de métier",
)
_WHEN = (
    "lundi",
    "mardi",
    "hier",
    "ce matin",
    "en mars",
    "cet été",
    "la semaine dernière",
    "samedi",
    "en janvier",
    "avant-hier",
    "le mois dernier",
    "jeudi soir",
)


def review_text(n: int, version: int, i: int) -> str:
    """A review naming the watched doctor, worded differently for every feed, version and item
    (real feeds do not repeat each other: a copy would be a near-duplicate case)."""
    pick = random.Random(f"{n}-{version}-{i}")
    lead = REVIEWS[(n + version + i) % len(REVIEWS)].split(",")[0]  # names the doctor
    details = " ".join(
        f"{pick.choice(_WHEN).capitalize()}, {pick.choice(_SUBJECTS)} {pick.choice(_VERDICTS)}."
        for _ in range(3)
    )
    return f"{lead}, {pick.choice(_CLAIMS)}. {details} Dossier {pick.randrange(10**6):06d}."


def feed_xml(n: int, version: int) -> bytes:
    """Feed `n` at `version`: three entries whose ids change with the version."""
    entries = "".join(
        f"<entry><id>tag:bench,2026:{n}-{version}-{i}</id>"
        f"<title>Avis {n}-{version}-{i}</title>"
        f'<link href="https://exemple.fr/{n}/{version}/{i}"/>'
        f"<published>2026-05-02T08:15:0{i}Z</published>"
        f"<content>{review_text(n, version, i)}</content>"
        "</entry>"
        for i in range(3)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Alerte Dupont {n}</title><id>tag:bench,2026:{n}</id>{entries}</feed>"
    ).encode()


def serve(sock: socket.socket, changed_every: int) -> None:
    """The child process: feeds with ETags; 1 feed in `changed_every` changes per cycle."""
    from aiohttp import web

    cycle = 0

    async def feed(request: web.Request) -> web.StreamResponse:
        n = int(request.match_info["n"])
        version = cycle if n % changed_every == 0 else 0
        etag = f'"{n}-{version}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=feed_xml(n, version),
            headers={"ETag": etag, "Content-Type": "application/atom+xml; charset=utf-8"},
        )

    async def next_cycle(request: web.Request) -> web.StreamResponse:
        nonlocal cycle
        cycle += 1
        return web.Response(text=str(cycle))

    app = web.Application()
    app.router.add_get("/feed/{n}", feed)
    app.router.add_post("/_next", next_cycle)
    web.run_app(app, sock=sock, access_log=None, print=None, handle_signals=True)


class FeedServer:
    """A feed server in a child process on a free loopback port."""

    def __init__(self, changed_every: int) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(2048)
        self.base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.process = multiprocessing.get_context("spawn").Process(
            target=serve, args=(sock, changed_every), daemon=True
        )
        self.process.start()
        sock.close()

    def next_cycle(self) -> None:
        """Publish the next version of the changing feeds."""
        import httpx

        httpx.post(f"{self.base}/_next", timeout=10).raise_for_status()

    def stop(self) -> None:
        """Stop the child."""
        self.process.terminate()
        self.process.join(5)


@dataclass
class Cycle:
    """One measured poll cycle."""

    poller: str
    sources: int
    wall_s: float
    cpu_s: float
    new: int = 0

    @property
    def cpu_ms_per_source(self) -> float:
        """CPU milliseconds per polled source."""
        return self.cpu_s / self.sources * 1000


# --- Vigie ---


async def vigie_cycles(server: FeedServer, sources: int, cycles: int, work: Path) -> list[Cycle]:
    """A baseline poll, then `cycles` measured ones, through the real monitor and store."""
    from bot.models import WatchKind
    from bot.settings import load_settings
    from bot.sources import SourceConfig
    from bot.watch.monitor import Monitor
    from vigie.app import open_services

    settings = load_settings(
        _env_file=None, database=work / "vigie.db", data_dir=work / "data", allow_private_urls=True
    )
    services = await open_services(settings)
    store = services.store
    try:
        team = await store.teams.default_team("Bench")
        await store.teams.bind_chat(team, "bench", "c1")
        await store.watches.add(
            team,
            "Marie Dupont",
            WatchKind.PRACTITIONER,
            title="Dr",
            specialty="dermatologue",
            city="Lyon",
        )
        for n in range(sources):
            await store.sources.add(
                team, "feed", f"{server.base}/feed/{n}", selector=None, watch_id=None,
                interval_s=3600,
            )  # fmt: skip
        config = SourceConfig(allow_private=True, timeout_s=60.0)
        monitor = Monitor(services, config=config, concurrency=50, per_host=50)
        await monitor.rebuild_matcher()
        from bot.sources import new_client

        out: list[Cycle] = []
        async with new_client(config, max_connections=50) as client:
            monitor._client = client  # the client `Monitor.run` would open
            await _vigie_poll(monitor, store, team)  # baseline
            for _ in range(cycles):
                server.next_cycle()
                wall, cpu, new = await _vigie_poll(monitor, store, team)
                out.append(Cycle("vigie", sources, wall, cpu, new))
        return out
    finally:
        await store.close()


async def _vigie_poll(monitor: object, store: object, team: int) -> tuple[float, float, int]:
    from bot.store import Store
    from bot.watch.monitor import Monitor

    assert isinstance(monitor, Monitor) and isinstance(store, Store)
    await store.sources.poll_now(team)
    wall, cpu = time.perf_counter(), time.process_time()
    outcomes = await monitor.poll_due()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    errors = [o.error for o in outcomes if o.error]
    if errors:
        raise SystemExit(f"Vigie: {len(errors)} failed polls, e.g. {errors[0]}")
    return wall, cpu, sum(o.new for o in outcomes)


# --- urlwatch ---


def urlwatch_binary(given: str | None) -> Path:
    """urlwatch's executable: the one given, or a private venv installed from PyPI once."""
    if given:
        return Path(given)
    binary = VENV / "bin" / "urlwatch"
    if not binary.exists():
        print(f"(installation d'urlwatch depuis PyPI dans {VENV})", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", URLWATCH_VERSION],
            check=True,
        )
    return binary


def urlwatch_cycles(
    binary: Path, server: FeedServer, sources: int, cycles: int, work: Path
) -> list[Cycle]:
    """urlwatch run once per cycle (as from cron): a baseline run, then `cycles` measured ones."""
    urls = work / "urls.yaml"
    urls.write_text(
        "\n---\n".join(f"name: feed {n}\nurl: {server.base}/feed/{n}" for n in range(sources))
        + "\n",
        encoding="utf-8",
    )
    (work / "hooks.py").write_text("", encoding="utf-8")
    env = {**os.environ, "HOME": str(work), "XDG_CONFIG_HOME": str(work)}
    command = [
        str(binary),
        "--urls", str(urls),
        "--config", str(work / "urlwatch.yaml"),
        "--hooks", str(work / "hooks.py"),
        "--cache", str(work / "cache.db"),
    ]  # fmt: skip

    def run() -> tuple[float, float]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True, cwd=work)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu

    run()  # baseline: every job new
    out: list[Cycle] = []
    for _ in range(cycles):
        server.next_cycle()
        wall, cpu = run()
        out.append(Cycle("urlwatch", sources, wall, cpu))
    return out


def main(argv: list[str] | None = None) -> None:
    """Measure both pollers on identical feeds and print the figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--changed-every", type=int, default=10, help="1 feed in N changes")
    parser.add_argument("--urlwatch", help="an urlwatch executable (default: a private venv)")
    parser.add_argument("--skip-urlwatch", action="store_true", help="Vigie's figures alone")
    args = parser.parse_args(argv)

    binary = None if args.skip_urlwatch else urlwatch_binary(args.urlwatch)
    vigie: list[Cycle] = []
    urlwatch: list[Cycle] = []
    with tempfile.TemporaryDirectory(prefix="vigie-bench-") as tmp:
        work = Path(tmp)
        (work / "vigie").mkdir()
        server = FeedServer(args.changed_every)
        try:
            vigie = asyncio.run(vigie_cycles(server, args.sources, args.cycles, work / "vigie"))
        finally:
            server.stop()
        if binary is not None:
            (work / "urlwatch").mkdir()
            server = FeedServer(args.changed_every)
            try:
                urlwatch = urlwatch_cycles(
                    binary, server, args.sources, args.cycles, work / "urlwatch"
                )
            finally:
                server.stop()

    print(
        f"Chemin complet : {args.sources} flux sur 127.0.0.1, 1 sur {args.changed_every} modifié "
        f"par cycle (3 nouvelles entrées chacun), {args.cycles} cycles mesurés après le premier."
    )
    print(f"{'relève':<10}{'cycle':>6}{'nouveaux':>10}{'mur s':>9}{'CPU s':>8}{'CPU/src ms':>12}")
    for figures in (vigie, urlwatch):
        for index, c in enumerate(figures, 1):
            print(
                f"{c.poller:<10}{index:>6}{c.new if c.poller == 'vigie' else '—':>10}"
                f"{c.wall_s:>9.2f}{c.cpu_s:>8.2f}{c.cpu_ms_per_source:>12.3f}"
            )
    v = sum(c.cpu_s for c in vigie) / sum(c.sources for c in vigie) * 1000
    print(f"Vigie    : {v:.3f} ms CPU par source, mur moyen "
          f"{sum(c.wall_s for c in vigie) / len(vigie):.2f} s par cycle")  # fmt: skip
    if urlwatch:
        u = sum(c.cpu_s for c in urlwatch) / sum(c.sources for c in urlwatch) * 1000
        print(f"urlwatch : {u:.3f} ms CPU par source, mur moyen "
              f"{sum(c.wall_s for c in urlwatch) / len(urlwatch):.2f} s par cycle")  # fmt: skip
        ratio = u / v
        verdict = "OK" if ratio >= TARGET_RATIO else "EN DESSOUS de la cible"
        print(f"Rapport CPU urlwatch / Vigie : {ratio:.1f}× (cible ≥ {TARGET_RATIO:.0f}×) : "
              f"{verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
