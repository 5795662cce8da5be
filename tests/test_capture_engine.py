"""Real captures: headless Chromium against pages served on loopback, checked file by file."""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import json
import os
import shutil
import signal
import ssl
import subprocess
import time
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import web
from PIL import Image, ImageChops
from warcio.archiveiterator import ArchiveIterator

from bot.capture import CaptureBusyError, CaptureService, GuardPolicy, verify_bundle
from bot.capture.band import BACKGROUND, band_lines, render_band
from bot.capture.page import PageLimits
from bot.capture.screenshot import ShotLimits
from tests.fakeweb import FakeWeb
from tests.loopback import serving

pytestmark = pytest.mark.asyncio(loop_scope="module")

PAGES = Path(__file__).parent / "capture_pages"
REVIEW = (PAGES / "review.html").read_bytes()
BLOCK = 100  # height of each coloured block of the tall page
TIMEOUT_S = 4


def block_colour(i: int) -> tuple[int, int, int]:
    """A distinct, exactly renderable colour for block i of the tall page."""
    return ((i * 37) % 200 + 20, (i * 91) % 200 + 20, (i * 53) % 200 + 20)


def tall_page(blocks: int) -> str:
    rows = "".join(
        f'<div style="height:{BLOCK}px;background:rgb{block_colour(i)}">bloc {i}</div>'
        for i in range(blocks)
    )
    return f"<!DOCTYPE html><html><body style='margin:0'>{rows}</body></html>"


class Site:
    """The pages of the tests: 127.0.0.1 is allowed, 127.0.0.2 stands for an internal host."""

    def __init__(self, public: FakeWeb, internal: FakeWeb) -> None:
        self.public = public
        self.internal = internal

    def url(self, path: str) -> str:
        return self.public.url(path)


async def _never_ends(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
    await response.prepare(request)
    await response.write(b"<html><body><h1>Page qui ne finit pas</h1><p>Avis visible</p>")
    await asyncio.sleep(3600)
    return response


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def site() -> AsyncIterator[Site]:
    async with FakeWeb() as public, FakeWeb(host="127.0.0.2") as internal:
        public.reply("/avis", REVIEW, content_type="text/html; charset=utf-8")
        public.reply("/style.css", (PAGES / "style.css").read_bytes(), content_type="text/css")
        public.json("/older.json", [{"text": "Avis ancien n° 1"}, {"text": "Avis ancien n° 2"}])
        public.reply("/long", tall_page(300), content_type="text/html")
        public.redirect("/r1", "/r2", status=302)
        public.redirect("/r2", "/avis", status=301)
        public.redirect("/vers-interne", internal.url("/secret"))
        public.redirect("/image-relais.png", internal.url("/relais.png"))
        public.reply(
            "/fuite",
            f"""<html><head><link rel="stylesheet" href="{internal.url("/style.css")}"></head>
            <body><h1>Avis</h1><img src="{internal.url("/pixel.png")}">
            <img src="/image-relais.png"><iframe src="{internal.url("/cadre")}"></iframe>
            <script>fetch("{internal.url("/api")}").catch(() => null);</script></body></html>""",
            content_type="text/html",
        )
        public.route("/sans-fin", _never_ends)
        public.hang("/muet")
        public.reply(
            "/gros",
            '<html><head><link rel="stylesheet" href="/gros.css"></head><body>Gros</body></html>',
            content_type="text/html",
        )
        public.stream("/gros.css", 3_000_000, content_type="text/css")
        public.reply(
            "/cookie",
            "<html><body>Bonjour</body></html>",
            content_type="text/html",
            headers={"Set-Cookie": "session=abc123; Path=/; Max-Age=3600"},
        )
        internal.reply("/secret", "secret interne")
        yield Site(public, internal)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def service(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[CaptureService]:
    svc = CaptureService(
        data_dir=tmp_path_factory.mktemp("data"),
        chromium_path=None,
        allow_private=False,
        vigie_version="0.1.0",
        max_queue=1,
        policy=GuardPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),)),
        max_transfer_bytes=1_000_000,
        limits=PageLimits(
            page_timeout_s=TIMEOUT_S, shot=ShotLimits(max_height=6_000, chunk_height=2_500)
        ),
    )
    await svc.start()
    assert svc.browser.problem is None, svc.browser.problem
    yield svc
    await svc.close()


def mention(url: str) -> dict[str, object]:
    return {
        "id": 12,
        "source": "Google (fiche)",
        "url": url,
        "author": "Patient_mecontent69",
        "text": "Cette praticienne est une incompétente notoire.",
        "raw": json.dumps({"comment": "Cette praticienne est une incompétente notoire."}),
        "detected_at": datetime(2025, 3, 4, 8, 0, tzinfo=UTC),
    }


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def warc_records(path: Path) -> list[tuple[str, str, int | None, bytes]]:
    with path.open("rb") as fh:
        return [
            (
                r.rec_type,
                r.rec_headers.get_header("WARC-Target-URI"),
                int(r.http_headers.get_statuscode()) if r.rec_type == "response" else None,
                r.content_stream().read(),
            )
            for r in ArchiveIterator(fh)
        ]


async def test_review_page_bundle(service: CaptureService, site: Site) -> None:
    url = site.url("/avis")
    progress: list[str] = []

    async def on_progress(text: str) -> None:
        progress.append(text)

    result = await service.capture(
        url, mention=mention(url), requested_by="telegram:Marie", on_progress=on_progress
    )
    assert result.ok, result.note
    assert result.status == "ok"
    assert progress == ["Capture en cours…"]
    m = result.manifest
    folder = result.folder

    # The picture: band on top, then the page at the viewport's width.
    assert result.screenshot_path == folder / "capture.png"
    with Image.open(folder / "capture.png") as image:
        assert image.size == result.screenshot_size
        assert image.width == 1280
        band_h = m["screenshot"]["band_height"]
        assert image.height == band_h + m["screenshot"]["page_height_captured"]
        assert m["screenshot"]["page_height_captured"] >= 800
        taken = datetime.fromisoformat(m["screenshot_taken_at"])
        expected = render_band(
            band_lines(
                requested_url=url,
                final_url=url,
                taken_at=taken,
                server_ip="127.0.0.1",
                browser=f"Chromium {m['browser']['version']}",
            ),
            1280,
        )
        assert expected.height == band_h
        rgb = image.convert("RGB")
        band = rgb.crop((0, 0, 1280, band_h))
        assert ImageChops.difference(band, expected).getbbox() is None
        assert rgb.getpixel((2, 2)) == BACKGROUND
        assert rgb.getpixel((2, band_h + 2)) == (0xE8, 0xF1, 0xFB)  # the page's header
    assert any(url in line for line in m["screenshot"]["band_text"])
    assert result.screenshot_sha256 == sha(folder / "capture.png")
    assert result.preview_path is not None and result.preview_path.is_file()

    # The manifest.
    assert m["requested_url"] == url
    assert m["final_url"] == url
    assert m["requested_by"] == "telegram:Marie"
    assert m["http"]["status"] == 200
    assert m["http"]["server_ip"] == "127.0.0.1"
    header_names = {h["name"].lower() for h in m["http"]["headers"]}
    assert {"content-type", "content-length"} <= header_names
    assert m["browser"]["name"] == "Chromium" and m["browser"]["version"]
    assert "Headless" not in m["browser"]["user_agent"]
    assert m["vigie_version"] == "0.1.0"
    assert m["started_at"] <= m["screenshot_taken_at"] <= m["finished_at"]
    assert m["started_at"].endswith("Z")
    assert m["mention"]["id"] == 12
    raw = str(mention(url)["raw"]).encode()
    assert m["mention"]["raw_sha256"] == hashlib.sha256(raw).hexdigest()
    assert m["network"]["blocked"] == []
    assert m["dns"] == {"127.0.0.1": ["127.0.0.1"]}  # the answers the guard resolved and used
    assert m["tls_chain_pem"] == []  # plain http: no chain
    for name in ("capture.png", "page.pdf", "page.html", "page.warc.gz", "mention.txt"):
        assert m["files"][name]["sha256"] == sha(folder / name), name

    # The other evidence files.
    assert (folder / "page.pdf").read_bytes().startswith(b"%PDF")
    rendered = (folder / "page.html").read_text(encoding="utf-8")
    assert "incompétente notoire" in rendered
    assert "Avis ancien n° 2" in rendered  # fetched by script after `load`
    records = warc_records(folder / "page.warc.gz")
    responses = [r for r in records if r[0] == "response"]
    assert responses[0] == ("response", url, 200, REVIEW)
    sub_urls = {r[1] for r in responses[1:]}
    assert {site.url("/style.css"), site.url("/older.json")} <= sub_urls
    assert [r[0] for r in records].count("request") == len(responses)
    sums = (folder / "SHA256SUMS").read_text(encoding="utf-8")
    assert f"{sha(folder / 'manifest.json')}  manifest.json" in sums
    readme = (folder / "LISEZMOI.txt").read_text(encoding="utf-8")
    assert "NF Z67-147" in readme and url in readme

    # The ZIP and its verification.
    assert result.bundle_sha256 == sha(result.zip_path)
    with zipfile.ZipFile(result.zip_path) as archive:
        names = sorted(n.split("/", 1)[1] for n in archive.namelist())
        assert all(n.startswith(folder.name + "/") for n in archive.namelist())
    assert names == sorted(p.name for p in folder.iterdir())
    report = verify_bundle(result.zip_path, result.bundle_sha256)
    assert report.ok, report.lines

    tampered = result.zip_path.with_name("modifie.zip")
    with zipfile.ZipFile(result.zip_path) as old, zipfile.ZipFile(tampered, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith("capture.png"):
                data = data[:-20] + bytes(20)
            new.writestr(info.filename, data)
    report = verify_bundle(tampered)
    assert not report.ok
    assert [line.split()[0] for line in report.lines if "capture.png" in line] == ["MODIFIÉ"]


async def test_redirect_chain_is_recorded(service: CaptureService, site: Site) -> None:
    result = await service.capture(site.url("/r1"), requested_by="console:test")
    assert result.ok, result.note
    m = result.manifest
    assert m["final_url"] == site.url("/avis")
    assert [(h["status"], h["location"]) for h in m["redirects"]] == [(302, "/r2"), (301, "/avis")]
    responses = [r for r in warc_records(result.folder / "page.warc.gz") if r[0] == "response"]
    assert [(r[1], r[2]) for r in responses[:3]] == [
        (site.url("/r1"), 302),
        (site.url("/r2"), 301),
        (site.url("/avis"), 200),
    ]
    assert responses[2][3] == REVIEW
    assert any(site.url("/avis") in line for line in m["screenshot"]["band_text"])


async def test_no_cookie_survives_from_one_capture_to_the_next(
    service: CaptureService, site: Site
) -> None:
    for _ in range(2):
        result = await service.capture(site.url("/cookie"), requested_by="console:test")
        assert result.ok, result.note
    first, second = site.public.requests_to("/cookie")[-2:]
    assert "Cookie" not in first.headers
    assert "Cookie" not in second.headers


async def test_tall_page_is_stitched_and_cut(service: CaptureService, site: Site) -> None:
    result = await service.capture(site.url("/long"), requested_by="console:test")
    assert result.status == "partial" and not result.ok, result.note
    assert "Preuve solide" not in result.note and "pas une preuve complète" in result.note
    shot = result.manifest["screenshot"]
    assert shot["cut"] is True
    assert shot["page_height_measured"] == 300 * BLOCK
    assert shot["page_height_captured"] == 6_000
    assert "30000 pixels" in result.note
    with Image.open(result.folder / "capture.png") as image:
        assert image.size == (1280, shot["band_height"] + 6_000)
        rgb = image.convert("RGB")
        # Blocks on both sides of each 2,500-pixel chunk boundary, and the last one kept.
        for i in (0, 1, 24, 25, 26, 49, 50, 59):
            y = shot["band_height"] + i * BLOCK + BLOCK // 2
            pixel = rgb.getpixel((900, y))
            assert isinstance(pixel, tuple)
            assert all(abs(a - b) <= 2 for a, b in zip(pixel, block_colour(i), strict=True)), i
    assert verify_bundle(result.zip_path).ok


async def test_private_subresources_are_never_requested(
    service: CaptureService, site: Site
) -> None:
    before = site.internal.count()
    result = await service.capture(site.url("/fuite"), requested_by="console:test")
    assert result.status == "partial", result.note
    assert site.internal.count() == before == 0
    blocked = " ".join(b["target"] for b in result.manifest["network"]["blocked"])
    for path in ("/pixel.png", "/style.css", "/cadre", "/api", "/relais.png"):
        assert site.internal.url(path) in blocked, path
    assert "adresses refusées" in result.note
    assert site.public.count("/image-relais.png") == 1  # the hop was asked, its target refused


async def test_redirect_to_an_internal_address_is_refused(
    service: CaptureService, site: Site
) -> None:
    result = await service.capture(
        site.url("/vers-interne"), mention=mention("x"), requested_by="console:test"
    )
    assert not result.ok
    assert result.status == "refused"
    assert "réseau interne" in result.note
    assert site.internal.count() == 0
    assert result.screenshot_path is None
    assert (result.folder / "mention.txt").is_file()
    assert verify_bundle(result.zip_path).ok


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.2:9/secret",
        "http://10.255.255.1/",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "ftp://127.0.0.1/",
    ],
)
async def test_unsafe_urls_are_refused_before_any_request(
    service: CaptureService, site: Site, url: str
) -> None:
    started = time.monotonic()
    result = await service.capture(url, requested_by="console:test")
    assert result.status == "refused"
    assert "capture refusée" in result.note and "ne prouve pas la publication" in result.note
    assert result.manifest["http"] is None
    assert time.monotonic() - started < 2  # refused up front, no connection attempt
    assert site.internal.count() == 0


async def test_page_that_never_finishes_is_captured_as_it_stands(
    service: CaptureService, site: Site
) -> None:
    started = time.monotonic()
    result = await service.capture(site.url("/sans-fin"), requested_by="console:test")
    assert result.status == "partial", result.note
    assert time.monotonic() - started < TIMEOUT_S + 8
    assert "n'avait pas fini de se charger" in result.note
    assert result.manifest["page_loaded"] is False
    assert "Avis visible" in (result.folder / "page.html").read_text(encoding="utf-8")
    assert verify_bundle(result.zip_path).ok


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    """A TLS context with a throwaway self-signed certificate for 127.0.0.1."""
    assert shutil.which("openssl"), (
        "openssl manque : `make test` l'installe (.ci/install-system-packages.sh)"
    )
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
    subprocess.run(
        [*command.split(), "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


async def test_https_goes_through_the_guard_and_bad_certificates_are_named(
    service: CaptureService, self_signed: ssl.SSLContext
) -> None:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<p>avis</p>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page)
    async with serving(app, ssl_context=self_signed) as port:
        result = await service.capture(f"https://127.0.0.1:{port}/", requested_by="test")
    assert result.status == "unreachable"
    assert "certificat de sécurité (HTTPS)" in result.note
    # The browser reached the server through the guard's tunnel, to the checked address.
    connections = result.manifest["network"]["connections"]
    assert {"host": "127.0.0.1", "port": port, "ip": "127.0.0.1"} in connections


async def test_silent_server_gives_a_text_record(service: CaptureService, site: Site) -> None:
    url = site.url("/muet")
    result = await service.capture(url, mention=mention(url), requested_by="console:test")
    assert result.status == "unreachable"
    assert f"n'a pas répondu en {TIMEOUT_S} secondes" in result.note
    assert "garde la mention telle que Vigie l'a reçue" in result.note
    assert "ne prouve pas la publication" in result.note
    assert sorted(p.name for p in result.folder.iterdir()) == [
        "LISEZMOI.txt",
        "SHA256SUMS",
        "manifest.json",
        "mention.json",
        "mention.txt",
    ]
    assert verify_bundle(result.zip_path).ok


async def test_oversized_page_is_cut_with_a_note(service: CaptureService, site: Site) -> None:
    result = await service.capture(site.url("/gros"), requested_by="console:test")
    assert result.status == "partial", result.note
    network = result.manifest["network"]
    assert network["cut"] is True
    assert network["bytes_received"] < 1_500_000
    assert "volume" in result.note


async def test_queue_is_bounded_and_reports_progress(service: CaptureService, site: Site) -> None:
    messages: dict[int, list[str]] = {1: [], 2: []}

    def recorder(n: int) -> Callable[[str], Awaitable[None]]:
        async def record(text: str) -> None:
            messages[n].append(text)

        return record

    first = service.capture(site.url("/avis"), requested_by="a", on_progress=recorder(1))
    second = service.capture(site.url("/avis"), requested_by="b", on_progress=recorder(2))
    third = service.capture(site.url("/avis"), requested_by="c")
    results = await asyncio.gather(first, second, third, return_exceptions=True)
    assert getattr(results[0], "ok", False)
    assert getattr(results[1], "ok", False)
    assert isinstance(results[2], CaptureBusyError)
    assert "réessayez" in str(results[2])
    assert messages[1] == ["Capture en cours…"]
    assert messages[2] == ["Capture en attente (1 avant la vôtre)…", "Capture en cours…"]
    assert service.pending == 0


def _chromium_main_pids() -> list[int]:
    """Chromium browser processes (not renderers) started by this test process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        # Chromium's children rewrite their command line, but all of them carry --type=.
        program = cmdline.split(b"\0")[0].split(b" ")[0]
        if not program.endswith(b"/chromium") or b"--type=" in cmdline:
            continue
        pid = int(entry.name)
        while pid > 1:
            if pid == os.getpid():
                found.append(int(entry.name))
                break
            try:
                stat = (Path("/proc") / str(pid) / "stat").read_text()
            except OSError:
                break
            pid = int(stat.rsplit(")", 1)[1].split()[1])
    return found


async def test_browser_is_relaunched_after_a_crash(service: CaptureService, site: Site) -> None:
    browser = await service.browser.get()
    launches = service.browser.launches
    pids = _chromium_main_pids()
    assert len(pids) == 1
    gone = asyncio.Event()
    browser.once("disconnected", lambda _: gone.set())
    os.kill(pids[0], signal.SIGKILL)
    await asyncio.wait_for(gone.wait(), 10)
    result = await service.capture(site.url("/avis"), requested_by="console:test")
    assert result.ok, result.note
    assert service.browser.launches == launches + 1


async def test_missing_browser_still_gives_a_text_record(tmp_path: Path, site: Site) -> None:
    svc = CaptureService(
        data_dir=tmp_path,
        chromium_path=str(tmp_path / "absent" / "chromium"),
        allow_private=True,
        vigie_version="0.1.0",
    )
    await svc.start()
    try:
        url = site.url("/avis")
        result = await svc.capture(url, mention=mention(url), requested_by="console:test")
    finally:
        await svc.close()
    assert result.status == "no_browser"
    assert "VIGIE_CHROMIUM_PATH" in result.note
    assert "apt-get install chromium" in result.note
    assert (result.folder / "mention.txt").is_file()
    assert verify_bundle(result.zip_path, result.bundle_sha256).ok


async def test_mention_without_address(service: CaptureService) -> None:
    result = await service.capture(None, mention=mention(""), requested_by="auto")
    assert result.status == "no_url"
    assert result.manifest["mention"]["id"] == 12
    assert verify_bundle(result.zip_path).ok
