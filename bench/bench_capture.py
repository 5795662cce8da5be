"""Evidence capture time and browser memory, with a warm browser on a local review page.

Run: `.venv/bin/python -m bench capture` (or `-m bench.bench_capture --captures 10 --gap 1`).
A loopback server serves two pages: the one-screen review page of the tests (stylesheet, and
reviews fetched by script after `load`), and a five-screen page with a sticky header, a cookie
banner and one image per screen loaded by script only when scrolled into view. The real
capture service takes full bundles (scroll-through, overlays cleared, PNG, PDF, HTML, WARC of
every resource, manifest, ZIP), one every `gap` seconds as a team asks for them (the service
prepares the next context in between), then the same number back to back (`--gap 0` skips
the first run). Then the trusted timestamp's cost: a PAdES document timestamp on a capture PDF
plus an RFC 3161 token over SHA256SUMS, against a TSA on 127.0.0.1.
Memory (PSS) is sampled every 50 ms over the browser's whole process tree (Chromium and its
renderers) and Playwright's driver. Targets: median < 2 s (one screen), < 6 s (five screens
with lazy images), timestamp < 300 ms.
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

import aiohttp
from aiohttp import web

from bot import __version__
from bot.capture import CaptureService

TARGETS_S = {"one screen": 2.0, "five screens, lazy images": 6.0}
TARGET_STAMP_S = 0.3
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


LAZY_PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Avis (cinq écrans)</title><link rel="stylesheet" href="/style.css">
<style>.bloc{{min-height:760px}} img{{display:block}}</style></head><body>
<header style="position:sticky;top:0;background:#336;color:#fff;height:60px">Annuaire</header>
{blocks}
<div id="cookie-banner" style="position:fixed;bottom:0;left:0;right:0;height:90px;
background:#eee">Cookies <button>OK</button></div>
<script>
const io = new IntersectionObserver(es => es.forEach(e => {{
  if (e.isIntersecting) {{ e.target.src = e.target.dataset.src; io.unobserve(e.target); }} }}));
document.querySelectorAll("img[data-src]").forEach(i => io.observe(i));
</script></body></html>"""


def lazy_page(screens: int) -> str:
    """A review page `screens` screens tall, one image per screen loaded only when in view."""
    blocks = "".join(
        f'<div class="bloc"><h2>Avis {n}</h2><p>Texte de l\'avis numéro {n}, assez long pour '
        f'tenir plusieurs lignes.</p><img data-src="/img/{n}.png" width="400" height="200"></div>'
        for n in range(screens)
    )
    return LAZY_PAGE.format(blocks=blocks)


def png_bytes(n: int) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (400, 200), ((n * 50) % 255, 120, 200)).save(out, format="PNG")
    return out.getvalue()


async def measure(
    captures: int, gap: float
) -> tuple[dict[str, tuple[list[float], list[float]]], dict[str, int], int, list[float]]:
    app = web.Application()
    review = (PAGES / "review.html").read_bytes()
    style = (PAGES / "style.css").read_bytes()
    tall = lazy_page(5).encode("utf-8")
    images = {n: png_bytes(n) for n in range(5)}

    async def page(request: web.Request) -> web.Response:
        return web.Response(body=review, content_type="text/html", charset="utf-8")

    async def lazy(request: web.Request) -> web.Response:
        return web.Response(body=tall, content_type="text/html", charset="utf-8")

    async def image(request: web.Request) -> web.Response:
        return web.Response(body=images[int(request.match_info["n"])], content_type="image/png")

    async def css(request: web.Request) -> web.Response:
        return web.Response(body=style, content_type="text/css")

    async def older(request: web.Request) -> web.Response:
        return web.json_response([{"text": "Avis ancien n° 1"}, {"text": "Avis ancien n° 2"}])

    app.router.add_get("/avis", page)
    app.router.add_get("/cinq-ecrans", lazy)
    app.router.add_get("/img/{n}.png", image)
    app.router.add_get("/style.css", css)
    app.router.add_get("/older.json", older)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    urls = {
        "one screen": f"http://127.0.0.1:{port}/avis",
        "five screens, lazy images": f"http://127.0.0.1:{port}/cinq-ecrans",
    }
    results: dict[str, tuple[list[float], list[float]]] = {}
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
        size = 0
        try:
            for label, url in urls.items():
                warm = await service.capture(url, requested_by="bench")  # warm-up, not counted
                if not warm.ok:
                    raise SystemExit(f"La capture de préchauffage a échoué : {warm.note}")
                spaced: list[float] = []
                packed: list[float] = []
                for times, pause in ((spaced, gap), (packed, 0.0)):
                    if times is spaced and gap <= 0:
                        continue
                    for _ in range(captures):
                        await asyncio.sleep(pause)
                        started = time.perf_counter()
                        result = await service.capture(url, requested_by="bench")
                        times.append(time.perf_counter() - started)
                        if not result.ok:
                            raise SystemExit(f"Capture incomplète : {result.note}")
                        size = max(size, result.zip_path.stat().st_size)
                results[label] = (spaced, packed)
            stamp_times = await timestamp_cost(Path(tmp), result.folder, captures)
        finally:
            stop.set()
            sampler.join()
            await service.close()
            await runner.cleanup()
    return results, peaks, size, stamp_times


async def timestamp_cost(tmp: Path, folder: Path, rounds: int) -> list[float]:
    """What the trusted timestamp adds to a capture: PAdES on the PDF + RFC 3161 on SHA256SUMS."""
    import shutil

    from bot.capture.timestamp import stamp_file_digest, stamp_pdf
    from tests.tsa import LoopbackTSA

    work = tmp / "horodatage"
    work.mkdir()
    times: list[float] = []
    async with LoopbackTSA(work) as tsa, aiohttp.ClientSession() as session:
        # One session, as the capture service keeps one between captures.
        await stamp_file_digest(tsa.url, folder / "SHA256SUMS", session=session)  # warm-up
        for n in range(rounds):
            pdf = work / f"page-{n}.pdf"
            shutil.copyfile(folder / "page.pdf", pdf)
            started = time.perf_counter()
            await stamp_pdf(tsa.url, pdf, session=session)
            await stamp_file_digest(tsa.url, folder / "SHA256SUMS", session=session)
            times.append(time.perf_counter() - started)
    return times


def figures(times: list[float]) -> str:
    """Median, p95 and max of a series of durations."""
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"median {statistics.median(ordered):.2f} s, p95 {p95:.2f} s, max {ordered[-1]:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--captures", type=int, default=10)
    parser.add_argument("--gap", type=float, default=1.0)
    args = parser.parse_args()
    results, peaks, size, stamp_times = asyncio.run(measure(args.captures, args.gap))
    print(f"captures: {args.captures} per run and page (warm browser, local pages)")
    for label, (spaced, packed) in results.items():
        target = TARGETS_S[label]
        if spaced:
            print(f"{label}, one every {args.gap:g} s: {figures(spaced)}")
        print(f"{label}, back to back: {figures(packed)}")
        median = statistics.median(spaced or packed)
        verdict = "OK" if median < target else "ABOVE TARGET"
        print(f"  target median < {target:g} s: {verdict} ({median:.2f} s)")
    stamp = statistics.median(stamp_times)
    verdict = "OK" if stamp < TARGET_STAMP_S else "ABOVE TARGET"
    print(
        "trusted timestamp (PAdES on the PDF + RFC 3161 token, loopback TSA): "
        + figures(stamp_times)
    )
    print(f"  target median < {TARGET_STAMP_S * 1000:.0f} ms: {verdict} ({stamp * 1000:.0f} ms)")
    print(f"largest bundle ZIP: {size / 1024:.0f} KiB")
    print(
        f"peak memory (PSS): chromium tree {peaks['chromium'] / 1024:.0f} MiB, "
        f"playwright driver {peaks['driver'] / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
