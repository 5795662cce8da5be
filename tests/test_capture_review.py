"""A realistic review page through the real commands: sticky header, cookie banner, lazy images.

The capture must show the review (nothing painted over it), frame it in a second picture,
keep every resource in a WARC that replays the images, and carry a trusted timestamp that
`vigie verify` checks — also inside the `/dossier` case file.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from PIL import Image
from playwright.async_api import async_playwright
from pyhanko.pdf_utils.reader import PdfFileReader
from warcio.archiveiterator import ArchiveIterator

from bot.capture.browser import find_chromium
from bot.capture.evidence import capture_service
from bot.models import Flag, Mention, Severity, Triage
from bot.services import Services
from tests.fakeweb import FakeWeb
from tests.harness import ChatHarness
from tests.loopback import serve_on_free_port
from tests.tsa import LoopbackTSA

PAGES = Path(__file__).parent / "capture_pages"
HEADER = (200, 0, 200)
BANNER = (0, 200, 200)
REVIEW = (
    "Cette praticienne est une incompétente notoire qui a ruiné ma peau. Elle ne mérite pas "
    "son diplôme, et je le dirai à tout le quartier."
)


def png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 120), colour).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
async def site(fakeweb: FakeWeb) -> FakeWeb:
    fakeweb.reply("/avis", (PAGES / "sticky.html").read_bytes(), content_type="text/html")
    fakeweb.reply("/sticky.css", (PAGES / "sticky.css").read_bytes(), content_type="text/css")
    for n, colour in ((1, (250, 120, 0)), (2, (0, 90, 250)), (3, (20, 160, 20))):
        fakeweb.reply(f"/img/photo-{n}.png", png(colour), content_type="image/png")
    return fakeweb


@pytest.fixture
async def tsa(tmp_path: Path) -> AsyncIterator[LoopbackTSA]:
    async with LoopbackTSA(tmp_path) as authority:
        yield authority


@pytest.fixture
async def engine(services: Services, tsa: LoopbackTSA) -> AsyncIterator[None]:
    capture_service(services).tsa_url = tsa.url
    yield
    await capture_service(services).close()


async def insert_mention(services: Services, team_id: int, url: str, text: str) -> int:
    store = services.store
    source = await store.sources.add(
        team_id, "page", url, selector=".review", watch_id=None, interval_s=60
    )
    return await store.mentions.insert(
        team_id,
        Mention(source_id=source, external_id=text[:8], url=url, title=None, text=text),
        content_hash="h" + text[:8],
        triage=Triage(Severity.NEGATIVE, frozenset({Flag.INSULT})),
        watch_ids=[],
        alerts=lambda _id: [],
    )


def rows_with(image: Image.Image, colour: tuple[int, int, int], x: int) -> list[int]:
    rgb = image.convert("RGB")
    return [
        y
        for y in range(rgb.height)
        if all(abs(a - b) <= 3 for a, b in zip(rgb.getpixel((x, y)), colour, strict=True))
    ]


def warc_responses(path: Path) -> dict[str, tuple[str, bytes]]:
    out: dict[str, tuple[str, bytes]] = {}
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                url = record.rec_headers.get_header("WARC-Target-URI")
                kind = record.http_headers.get_header("Content-Type") or ""
                out[url] = (kind, record.content_stream().read())
    return out


def verify(path: Path, root: Path | None = None) -> tuple[int, str]:
    env = {**os.environ, "VIGIE_DATABASE": str(path.parent / "absent.db")}
    if root is not None:
        env["VIGIE_TSA_CA"] = str(root)
    result = subprocess.run(
        [sys.executable, "-m", "vigie", "verify", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    return result.returncode, result.stdout + result.stderr


async def test_review_is_shown_framed_replayable_and_timestamped(
    chat: ChatHarness, services: Services, team_id: int, engine: None, site: FakeWeb,
    tsa: LoopbackTSA, tmp_path: Path,
) -> None:  # fmt: skip
    url = site.url("/avis")
    # The source gave the text with other spaces and cut short: it must still be found.
    told = "Cette   praticienne est une\nincompétente notoire qui a ruiné ma peau. Elle ne…"
    mention_id = await insert_mention(services, team_id, url, told)
    (answer,) = await chat.say(f"/capture #{mention_id}")
    text = answer.plain_text
    assert "📸 Capture" in text and "Preuve solide" in text, text
    assert "Horodaté par une autorité tierce" in text and "heure de Paris" in text
    names = [a.filename for a in answer.attachments]
    assert "extrait.png" in names and "capture.png" in names
    bundle = next(a.path for a in answer.attachments if a.filename.endswith(".zip"))
    folder = bundle.with_suffix("")
    import json

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))

    # Fixed and sticky elements made static, the banner hidden, all of it recorded.
    prep = manifest["preparation"]
    assert any("site-header" in item and "sticky" in item for item in prep["made_static"]), prep
    assert any("cookie-banner" in item for item in prep["hidden"])
    assert prep["images"]["not_rendered"] == 0 and prep["images"]["images"] == 3
    shot = manifest["screenshot"]
    with Image.open(folder / "capture.png") as image:
        header_rows = rows_with(image, HEADER, 900)
        assert header_rows and max(header_rows) < shot["band_height"] + 100  # only at the top
        assert rows_with(image, BANNER, 600) == []  # the banner covers nothing
        for colour in ((250, 120, 0), (0, 90, 250), (20, 160, 20)):
            assert len(rows_with(image, colour, 100)) >= 100, colour  # lazy images are there

    # The review located and framed in its own picture, under the band.
    found = manifest["text_on_page"]
    assert found["found"] is True and found["matched_chars"] >= 70  # ellipsis and spaces folded
    with Image.open(folder / "extrait.png") as excerpt:
        frame = manifest["excerpt"]["frame_in_image"]
        assert excerpt.convert("RGB").getpixel((frame["x0"] + 1, frame["y0"] + 1)) == (220, 30, 30)
        assert excerpt.height < 800

    # Same instant in band, manifest and chat; the operator named.
    assert manifest["captured_at_text"] in text
    assert any(manifest["captured_at_text"] in line for line in shot["band_text"]), (
        manifest["captured_at_text"],
        shot["band_text"],
    )
    assert manifest["operator"]["display_name"] == "alice"

    # The WARC holds every resource the server served, and replays the images.
    served = {r.path for r in site.requests if r.path}
    responses = warc_responses(folder / "page.warc.gz")
    assert {site.url(p) for p in served} <= set(responses), served
    images = [u for u, (kind, _) in responses.items() if kind.startswith("image/")]
    assert len(images) == 3
    await assert_replay_shows_images(responses, url, tmp_path)

    # Trusted time: token over SHA256SUMS, TSA chain, PAdES timestamp on the PDF.
    assert (folder / "SHA256SUMS.tsr").is_file() and (folder / "horodatage-chaine.pem").is_file()
    with (folder / "page.pdf").open("rb") as pdf:
        assert PdfFileReader(pdf).embedded_timestamp_signatures
    code, out = verify(bundle, tsa.root_pem)
    assert code == 0 and "Horodatage OK" in out, out

    # Tampered, hash lists recomputed: the token no longer matches.
    (folder / "page.html").write_text("<p>Un excellent médecin</p>", encoding="utf-8")
    from bot.capture.bundle import make_zip, write_sums

    write_sums(folder)
    forged = tmp_path / "forged.zip"
    make_zip(folder, forged)
    code, out = verify(forged, tsa.root_pem)
    assert code == 1 and "HORODATAGE invalide" in out and "Traceback" not in out, out

    # The case file: accepted by verify, nested bundle checked with its token.
    (case_file,) = await chat.say(f"/dossier {mention_id}")
    archive = case_file.attachments[0].path
    code, out = verify(archive, tsa.root_pem)
    assert code == 0, out
    assert "  Horodatage OK" in out and "captures/capture-" in out


async def assert_replay_shows_images(
    responses: dict[str, tuple[str, bytes]], page_url: str, tmp_path: Path
) -> None:
    """Serve the WARC's responses from a tiny loopback replay; Chromium must draw each image."""
    by_path = {u.split("/", 3)[3]: r for u, r in responses.items()}

    async def replay(request: web.Request) -> web.Response:
        found = by_path.get(request.path_qs.lstrip("/"))
        if found is None:
            return web.Response(status=404)
        kind, body = found
        return web.Response(body=body, headers={"Content-Type": kind or "text/html"})

    app = web.Application()
    app.router.add_get("/{tail:.*}", replay)
    runner = web.AppRunner(app)
    port = await serve_on_free_port(runner)
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=find_chromium(None, None))
            page = await browser.new_page()
            await page.goto(f"http://127.0.0.1:{port}/avis")
            await page.evaluate(
                """async () => { for (const img of document.images) {
                    img.scrollIntoView(); await new Promise(r => setTimeout(r, 150)); } }"""
            )
            await page.wait_for_function(
                "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)",
                timeout=10_000,
            )
            await browser.close()
    finally:
        await runner.cleanup()


async def test_review_absent_from_the_page_is_not_called_proof(
    chat: ChatHarness, services: Services, team_id: int, engine: None, site: FakeWeb
) -> None:
    url = site.url("/avis")
    mention_id = await insert_mention(
        services, team_id, url, "Ce texte n'est nulle part sur la page"
    )
    (answer,) = await chat.say(f"/capture #{mention_id}")
    text = answer.plain_text
    assert "⚠️ Capture partielle" in text and "Preuve solide" not in text
    assert "le texte de l'avis n'a pas été retrouvé sur la page" in text
    assert "commissaire de justice" in text
    assert all(a.filename != "extrait.png" for a in answer.attachments)
