"""Evidence capture time and browser memory, with a warm browser on a local review page.

Run: `.venv/bin/python -m bench.bench_capture [--captures 20] [--gap 1.0]`.
A loopback server serves the review page of the tests (stylesheet, and reviews fetched by
script after `load`); the real capture service takes full bundles (PNG, PDF, HTML, WARC,
manifest, ZIP), one every `gap` seconds as a team asks for them (the service prepares the
next context in between), then the same number back to back (`--gap 0` skips the first run).
Memory (PSS) is sampled every 50 ms over the browser's whole process tree (Chromium and its
renderers) and Playwright's driver. Target: median < 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from aiohttp import web

from bot import __version__
from bot.capture import CaptureService

TARGET_MEDIAN_S = 2.0
PAGES = Path(__file__).resolve().parent.parent / "tests" / "capture_pages"


def children() -> dict[int, list[int]]:
    """Parent pid -> child pids, for every process of the machine."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(parent, []).append(int(entry.name))
    return tree


def pss_kib(pid: int) -> int:
    """Proportional memory of one process in KiB: shared pages split among their users.

    Chromium's processes share most of their pages; adding their RSS would count them many
    times over. PSS adds up to what the tree really holds. 0 if the process is gone.
    """
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def browser_tree_kib() -> tuple[int, int]:
    """(Chromium processes' total PSS, Playwright driver's PSS) under this process, in KiB."""
    tree = children()
    chromium = driver = 0
    stack = list(tree.get(os.getpid(), []))
    while stack:
        pid = stack.pop()
        stack.extend(tree.get(pid, []))
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        if name.startswith("node"):
            driver += pss_kib(pid)
        elif "chrom" in name:
            chromium += pss_kib(pid)
    return chromium, driver


def sample_memory(peaks: dict[str, int], stop: threading.Event) -> None:
    """Keep the highest sums seen until `stop` is set (in a thread: off the event loop)."""
    while not stop.is_set():
        chromium, driver = browser_tree_kib()
        peaks["chromium"] = max(peaks["chromium"], chromium)
        peaks["driver"] = max(peaks["driver"], driver)
        stop.wait(0.05)


async def measure(
    captures: int, gap: float
) -> tuple[list[float], list[float], dict[str, int], int]:
    app = web.Application()
    review = (PAGES / "review.html").read_bytes()
    style = (PAGES / "style.css").read_bytes()

    async def page(request: web.Request) -> web.Response:
        return web.Response(body=review, content_type="text/html", charset="utf-8")

    async def css(request: web.Request) -> web.Response:
        return web.Response(body=style, content_type="text/css")

    async def older(request: web.Request) -> web.Response:
        return web.json_response([{"text": "Avis ancien n° 1"}, {"text": "Avis ancien n° 2"}])

    app.router.add_get("/avis", page)
    app.router.add_get("/style.css", css)
    app.router.add_get("/older.json", older)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    url = f"http://127.0.0.1:{port}/avis"
    with tempfile.TemporaryDirectory() as tmp:
        service = CaptureService(
            data_dir=Path(tmp),
            chromium_path=os.environ.get("VIGIE_CHROMIUM_PATH"),
            allow_private=True,
            vigie_version=__version__,
        )
        await service.start()
        peaks = {"chromium": 0, "driver": 0}
        stop = threading.Event()
        sampler = threading.Thread(target=sample_memory, args=(peaks, stop), daemon=True)
        sampler.start()
        try:
            warm = await service.capture(url, requested_by="bench")  # warm-up, not counted
            if not warm.ok:
                raise SystemExit(f"La capture de préchauffage a échoué : {warm.note}")
            spaced: list[float] = []
            packed: list[float] = []
            size = 0
            for times, pause in ((spaced, gap), (packed, 0.0)):
                if times is spaced and gap <= 0:
                    continue
                for _ in range(captures):
                    await asyncio.sleep(pause)
                    started = time.perf_counter()
                    result = await service.capture(url, requested_by="bench")
                    times.append(time.perf_counter() - started)
                    if not result.ok:
                        raise SystemExit(f"Capture échouée : {result.note}")
                    size = result.zip_path.stat().st_size
        finally:
            stop.set()
            sampler.join()
            await service.close()
            await runner.cleanup()
    return spaced, packed, peaks, size


def figures(times: list[float]) -> str:
    """Median, p95 and max of a series of durations."""
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"median {statistics.median(ordered):.2f} s, p95 {p95:.2f} s, max {ordered[-1]:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--captures", type=int, default=20)
    parser.add_argument("--gap", type=float, default=1.0)
    args = parser.parse_args()
    spaced, packed, peaks, size = asyncio.run(measure(args.captures, args.gap))
    print(f"captures: {args.captures} per run (warm browser, local review page)")
    if spaced:
        print(f"capture time, one every {args.gap:g} s: {figures(spaced)}")
    print(f"capture time, back to back: {figures(packed)}")
    print(f"bundle ZIP: {size / 1024:.0f} KiB")
    print(
        f"peak memory (PSS): chromium tree {peaks['chromium'] / 1024:.0f} MiB, "
        f"playwright driver {peaks['driver'] / 1024:.0f} MiB"
    )
    median = statistics.median(spaced or packed)
    verdict = "OK" if median < TARGET_MEDIAN_S else "ABOVE TARGET"
    print(f"target median < {TARGET_MEDIAN_S:.0f} s: {verdict} ({median:.2f} s)")


if __name__ == "__main__":
    main()
