"""How much a poll cycle costs: many feed sources on loopback, most of them answering 304.

Run: `.venv/bin/python -m bench.bench_poll [--sources 2000] [--concurrency 50]`.
The fake feed server runs in a child process, so the CPU figures are the poller's alone.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import time
from dataclasses import dataclass

import httpx

from bot.sources import SourceConfig, SourceError, SourceSpec, SourceState, build_source, new_client

TARGET_MS_PER_UNCHANGED = 1.0


def _feed(n: int, cycle: int) -> bytes:
    entries = "".join(
        f"<entry><id>tag:google.com,2013:googlealerts/feed:{n}{cycle}{i}</id>"
        f'<title type="html">Le &lt;b&gt;Dr Dupont&lt;/b&gt; article {i}</title>'
        f'<link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://exemple.fr/{n}/{i}'
        f'&amp;ct=ga"/><published>2024-05-02T08:15:0{i}Z</published>'
        f'<content type="html">Un texte sur &lt;b&gt;Marie Dupont&lt;/b&gt; ({cycle}).</content>'
        "</entry>"
        for i in range(3)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Alerte Google - Dupont {n}</title>{entries}</feed>"
    ).encode()


def _serve(sock: socket.socket, changed_every: int) -> None:
    """The child process: an aiohttp server where 1 source in `changed_every` changes per cycle."""
    from aiohttp import web

    cycle = 0

    async def feed(request: web.Request) -> web.StreamResponse:
        n = int(request.match_info["n"])
        version = cycle if n % changed_every == 0 else 0
        etag = f'"{n}-{version}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=_feed(n, version),
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


@dataclass
class CycleFigures:
    """What one poll cycle cost and produced."""

    name: str
    sources: int
    changed: int
    unchanged: int
    errors: int
    mentions: int
    wall_s: float
    cpu_s: float

    def line(self) -> str:
        """One row of the printed table."""
        per = self.cpu_s / self.sources * 1000
        return (
            f"{self.name:<22}{self.sources:>8}{self.changed:>7}{self.unchanged:>7}{self.errors:>7}"
            f"{self.mentions:>9}{self.wall_s:>9.2f}{self.cpu_s:>8.2f}{per:>11.3f}"
        )


async def _cycle(
    name: str,
    client: httpx.AsyncClient,
    base: str,
    states: list[SourceState],
    concurrency: int,
    config: SourceConfig,
) -> CycleFigures:
    """Poll every source once, `concurrency` at a time, as the monitor does."""
    source = build_source("feed", config)
    semaphore = asyncio.Semaphore(concurrency)
    counts = {"changed": 0, "unchanged": 0, "errors": 0, "mentions": 0}

    async def one(i: int) -> None:
        spec = SourceSpec(id=i, team_id=1, kind="feed", target=f"{base}/feed/{i}")
        async with semaphore:
            try:
                result = await source.fetch(client, spec, states[i])
            except SourceError:
                counts["errors"] += 1
                return
        states[i] = result.state
        counts["unchanged" if result.not_modified else "changed"] += 1
        counts["mentions"] += len(result.mentions)

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one(i) for i in range(len(states))))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return CycleFigures(name, len(states), wall_s=wall, cpu_s=cpu, **counts)


async def _run(base: str, sources: int, concurrency: int) -> list[CycleFigures]:
    """Three cycles on one shared client: all new, then 1 in 10 changed, then none."""
    config = SourceConfig(allow_private=True, timeout_s=30.0)
    states = [SourceState() for _ in range(sources)]
    async with new_client(config, max_connections=concurrency) as client:
        figures = [await _cycle("premier passage", client, base, states, concurrency, config)]
        await client.post(f"{base}/_next")
        figures.append(
            await _cycle("mixte (90 % de 304)", client, base, states, concurrency, config)
        )
        figures.append(
            await _cycle("tout inchangé (304)", client, base, states, concurrency, config)
        )
    return figures


def main(argv: list[str] | None = None) -> None:
    """Run three poll cycles against a loopback feed server and print their cost."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--changed-every", type=int, default=10, help="1 source in N changes")
    args = parser.parse_args(argv)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    port = sock.getsockname()[1]
    server = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(sock, args.changed_every), daemon=True
    )
    server.start()
    sock.close()
    try:
        figures = asyncio.run(_run(f"http://127.0.0.1:{port}", args.sources, args.concurrency))
    finally:
        server.terminate()
        server.join(5)

    print(
        f"Cycle de relève : {args.sources} flux sur 127.0.0.1, concurrence {args.concurrency}, "
        f"1 flux sur {args.changed_every} modifié à chaque cycle."
    )
    print(
        f"{'cycle':<22}{'sources':>8}{'200':>7}{'304':>7}{'erreurs':>7}{'mentions':>9}"
        f"{'mur s':>9}{'CPU s':>8}{'CPU/src ms':>11}"
    )
    for figure in figures:
        print(figure.line())
    unchanged = figures[-1]
    per_unchanged = unchanged.cpu_s / max(unchanged.unchanged, 1) * 1000
    verdict = "OK" if per_unchanged <= TARGET_MS_PER_UNCHANGED else "AU-DESSUS de la cible"
    print(
        f"CPU par source inchangée : {per_unchanged:.3f} ms "
        f"(cible ≤ {TARGET_MS_PER_UNCHANGED:.0f} ms) : {verdict}"
    )


if __name__ == "__main__":
    main()
