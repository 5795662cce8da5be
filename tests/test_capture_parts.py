"""The capture engine's parts without a browser: PNG stream, band, guard, proxy, WARC, verify."""

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageChops, ImageDraw
from warcio.archiveiterator import ArchiveIterator

from bot.capture import GuardPolicy, mention_fields, normalize_url, verify_bundle
from bot.capture.band import BandLine, band_lines, load_font, render_band, visible, wrap
from bot.capture.guard import GuardState
from bot.capture.manifest import build_manifest, finish_bundle
from bot.capture.page import PageLimits
from bot.capture.png import PngStream
from bot.capture.proxy import GuardProxy
from bot.capture.record import write_mention_record
from bot.capture.warc import Exchange, write_warc
from bot.models import Flag, Severity, StoredMention
from bot.netguard import UnsafeURLError
from tests.fakeweb import FakeWeb
from tests.raw_tcp import exchange

LOOPBACK_ONLY = GuardPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),))


def _striped(width: int, height: int, seed: int) -> Image.Image:
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 7):
        draw.rectangle((0, y, width, y + 3), fill=((y * seed) % 256, (y * 3) % 256, seed % 256))
    draw.text((5, 5), f"bande {seed}", fill=(0, 0, 0))
    return image


# --- PNG stream ---


def test_png_stream_equals_the_stacked_strips(tmp_path: Path) -> None:
    strips = [_striped(300, h, seed) for h, seed in ((130, 1), (1, 2), (700, 3))]
    path = tmp_path / "out.png"
    with PngStream(path, 300) as png:
        for strip in strips:
            png.add(strip)
    expected = Image.new("RGB", (300, 831))
    top = 0
    for strip in strips:
        expected.paste(strip, (0, top))
        top += strip.height
    with Image.open(path) as written:
        assert written.size == (300, 831)
        assert ImageChops.difference(written.convert("RGB"), expected).getbbox() is None


def test_png_stream_pads_narrow_strips_white(tmp_path: Path) -> None:
    path = tmp_path / "out.png"
    with PngStream(path, 50) as png:
        png.add(Image.new("RGB", (20, 4), (10, 20, 30)))
    with Image.open(path) as written:
        assert written.getpixel((5, 2)) == (10, 20, 30)
        assert written.getpixel((40, 2)) == (255, 255, 255)


# --- header band ---


def test_wrap_keeps_every_character_and_fits() -> None:
    font = load_font(False)
    url = "https://www.exemple.fr/avis/" + "x" * 400 + "?page=2&tri=recents"
    pieces = wrap(url, font, 600)
    assert len(pieces) > 2
    assert "".join(pieces) == url
    assert all(font.getlength(p) <= 600 for p in pieces)


def test_visible_exposes_bidi_and_invisible_characters() -> None:
    assert visible("https://a.fr/\u202egpj.exe") == "https://a.fr/%E2%80%AEgpj.exe"
    assert visible("a\u200bb") == "a%E2%80%8Bb"
    assert visible("ligne\nsuivante", keep="\n") == "ligne\nsuivante"


def test_band_states_url_time_and_server() -> None:
    moment = datetime(2025, 3, 4, 8, 15, 2, tzinfo=UTC)
    lines = band_lines(
        requested_url="https://a.fr/x",
        final_url="https://a.fr/y",
        taken_at=moment,
        server_ip="203.0.113.7",
        browser="Chromium 1.2",
    )
    text = "\n".join(line.text for line in lines)
    assert "https://a.fr/x" in text
    assert "https://a.fr/y" in text
    assert "2025-03-04 08:15:02 UTC (09:15:02 heure de Paris)" in text
    assert "203.0.113.7" in text


def test_band_grows_with_a_long_url_and_depends_on_its_text() -> None:
    short = render_band([BandLine("https://a.fr/")], 800)
    long = render_band([BandLine("https://a.fr/" + "b" * 500)], 800)
    assert long.height > short.height
    other = render_band([BandLine("https://a.fr/?")], 800)
    assert ImageChops.difference(short, other).getbbox() is not None
    again = render_band([BandLine("https://a.fr/")], 800)
    assert ImageChops.difference(short, again).getbbox() is None


# --- guard policy ---


@pytest.mark.parametrize(
    "address",
    [
        "10.255.255.1",
        "172.16.0.1",
        "192.168.1.1",
        "127.0.0.2",
        "169.254.169.254",
        "100.100.100.200",
        "224.0.0.1",
        "0.0.0.0",
        "::1",
        "fd00:ec2::254",
        "fe80::1",
        "::ffff:10.0.0.1",
    ],
)
def test_policy_refuses_internal_addresses(address: str) -> None:
    assert GuardPolicy().refuses(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::6810:85e5"])
def test_policy_accepts_public_addresses(address: str) -> None:
    assert not GuardPolicy().refuses(ipaddress.ip_address(address))


def test_policy_exceptions_and_blocks() -> None:
    assert not LOOPBACK_ONLY.refuses(ipaddress.ip_address("127.0.0.1"))
    assert LOOPBACK_ONLY.refuses(ipaddress.ip_address("127.0.0.2"))
    blocked = GuardPolicy(
        allow_private=True, blocked_networks=(ipaddress.ip_network("10.0.0.0/8"),)
    )
    assert not blocked.refuses(ipaddress.ip_address("192.168.0.1"))
    assert blocked.refuses(ipaddress.ip_address("10.1.2.3"))


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://exemple.fr/",
        "javascript:alert(1)",
        "http://user:pass@127.0.0.1/",
        "http://10.255.255.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
    ],
)
async def test_guard_refuses_unsafe_urls(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        await GuardState(LOOPBACK_ONLY).check_url(url)


def test_normalize_url() -> None:
    assert normalize_url("  <https://x.fr/a>  ") == "https://x.fr/a"
    assert normalize_url("www.exemple.fr/avis?id=3") == "https://www.exemple.fr/avis?id=3"
    assert normalize_url("exemple.fr") == "https://exemple.fr"
    assert normalize_url("file:///etc/passwd") == "file:///etc/passwd"
    assert normalize_url("bonjour") == "bonjour"


# --- the proxy every browser request goes through ---


async def test_proxy_relays_allowed_and_refuses_internal_hosts() -> None:
    async with FakeWeb() as allowed, FakeWeb(host="127.0.0.2") as internal:
        allowed.reply("/ok", "bonjour")
        internal.reply("/secret", "secret")
        state = GuardState(LOOPBACK_ONLY)
        proxy = GuardProxy(state, max_bytes=1_000_000)
        server = await proxy.start()
        try:
            async with httpx.AsyncClient(proxy=server, trust_env=False) as client:
                answer = await client.get(allowed.url("/ok"))
                assert answer.text == "bonjour"
                with pytest.raises(httpx.HTTPError):
                    await client.get(internal.url("/secret"))
            port = int(server.rsplit(":", 1)[1])
            refused = await exchange(
                port, f"CONNECT 127.0.0.2:{internal.port} HTTP/1.1\r\n\r\n".encode()
            )
            assert refused.startswith(b"HTTP/1.1 403")
            tunnel = await exchange(
                port,
                f"CONNECT 127.0.0.1:{allowed.port} HTTP/1.1\r\n\r\n".encode()
                + b"GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            )
            assert tunnel.startswith(b"HTTP/1.1 200 Connection Established")
            assert tunnel.endswith(b"bonjour")
        finally:
            await proxy.close()
        assert internal.count() == 0
        assert allowed.count("/ok") == 2
        assert proxy.ip_of("127.0.0.1", allowed.port) == "127.0.0.1"
        assert any("127.0.0.2" in b.target for b in state.blocked)


async def test_proxy_cuts_an_oversized_download() -> None:
    async with FakeWeb() as site:
        site.stream("/enorme", 2_000_000, content_type="text/html")
        proxy = GuardProxy(GuardState(LOOPBACK_ONLY), max_bytes=200_000)
        server = await proxy.start()
        try:
            async with httpx.AsyncClient(proxy=server, trust_env=False) as client:
                with pytest.raises(httpx.HTTPError):
                    await client.get(site.url("/enorme"))
        finally:
            await proxy.close()
        assert proxy.cut
        assert proxy.received < 400_000


# --- WARC ---


def test_warc_keeps_the_bytes_and_the_exchange(tmp_path: Path) -> None:
    body = "<html><body>Avis : « incompétente »</body></html>".encode()
    exchanges = [
        Exchange(
            url="https://a.fr/r",
            method="GET",
            request_headers=(("Accept", "text/html"),),
            status=302,
            status_text="Found",
            response_headers=(("Location", "/avis"),),
            ip="203.0.113.7",
        ),
        Exchange(
            url="https://a.fr/avis",
            method="GET",
            request_headers=((":authority", "a.fr"), ("accept", "text/html")),
            status=200,
            status_text="OK",
            response_headers=(("content-encoding", "gzip"), ("content-type", "text/html")),
            body=body,
            body_truncated=True,
            ip="203.0.113.7",
        ),
    ]
    path = tmp_path / "page.warc.gz"
    write_warc(path, exchanges, captured_at=datetime.now(UTC), software="Vigie test")
    with path.open("rb") as fh:
        records = list(_records(fh))
    kinds = [kind for kind, *_ in records]
    assert kinds == ["warcinfo", "response", "request", "response", "request"]
    _, uri, headers, payload, warc = records[3]
    assert uri == "https://a.fr/avis"
    assert payload == body
    assert headers["Content-Length"] == str(len(body))
    assert "Content-Encoding" not in headers
    assert warc["WARC-IP-Address"] == "203.0.113.7"
    assert warc["WARC-Truncated"] == "length"
    request_warc = records[4][4]
    assert request_warc["WARC-Concurrent-To"] == warc["WARC-Record-ID"]
    assert records[4][2]["Host"] == "a.fr"
    with gzip.open(path) as unzipped:
        assert unzipped.read(4) == b"WARC"


def _records(fh: object) -> list[tuple[str, str, dict[str, str], bytes, dict[str, str]]]:
    out = []
    for record in ArchiveIterator(fh):
        http = dict(record.http_headers.headers) if record.http_headers else {}
        warc = dict(record.rec_headers.headers)
        out.append(
            (
                record.rec_type,
                record.rec_headers.get_header("WARC-Target-URI"),
                http,
                record.content_stream().read(),
                warc,
            )
        )
    return out


# --- bundle and verify, on a bundle without a page (mention record only) ---


def _mention() -> dict[str, object]:
    return {
        "id": 12,
        "source": "Google (fiche)",
        "url": None,
        "author": "Patient_mecontent69",
        "text": "Incompétente notoire.",
        "raw": json.dumps({"review": "Incompétente notoire.", "stars": 1}),
        "detected_at": datetime(2025, 3, 4, 8, 0, tzinfo=UTC),
    }


def _record_bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "20250304T080000Z-page-abcdef"
    folder.mkdir()
    started = datetime(2025, 3, 4, 8, 0, 1, tzinfo=UTC)
    summary = write_mention_record(folder, _mention(), recorded_at=started)
    manifest = build_manifest(
        capture_id=folder.name,
        vigie_version="0.1.0",
        requested_text=None,
        requested_url="",
        requested_by="console:test",
        status="no_url",
        reason="",
        page=None,
        proxy=None,
        guard=GuardState(GuardPolicy()),
        browser=None,
        viewport=(1280, 800),
        started_at=started,
        finished_at=started,
        mention=summary,
        limits=PageLimits(),
        max_transfer_bytes=1,
    )
    bundle = finish_bundle(
        folder, manifest, tmp_path / f"{folder.name}.zip", exchanges=[], captured_at=started
    )
    assert bundle.zip_sha256 == hashlib.sha256(bundle.zip_path.read_bytes()).hexdigest()
    return bundle.zip_path


def _rewrite(src: Path, dst: Path, change: dict[str, bytes | None], add: dict[str, bytes]) -> None:
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w") as new:
        for info in old.infolist():
            short = info.filename.split("/", 1)[1]
            if short in change:
                replacement = change[short]
                if replacement is not None:
                    new.writestr(info.filename, replacement)
            else:
                new.writestr(info.filename, old.read(info))
        prefix = old.infolist()[0].filename.split("/", 1)[0]
        for name, data in add.items():
            new.writestr(f"{prefix}/{name}", data)


def test_mention_record_keeps_the_payload_and_its_hash(tmp_path: Path) -> None:
    zip_path = _record_bundle(tmp_path)
    folder = zip_path.with_suffix("")
    text = (folder / "mention.txt").read_text(encoding="utf-8")
    raw = str(_mention()["raw"])
    assert "Patient_mecontent69" in text
    assert "04/03/2025 08:00:00 UTC" in text
    assert hashlib.sha256(raw.encode()).hexdigest() in text
    assert json.loads((folder / "mention.json").read_text(encoding="utf-8"))["raw"] == raw
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["mention"]["raw_sha256"] == hashlib.sha256(raw.encode()).hexdigest()
    assert manifest["status"] == "no_url"
    assert "relevé de la mention" in manifest["note"]
    readme = (folder / "LISEZMOI.txt").read_text(encoding="utf-8")
    assert "NF Z67-147" in readme and "commissaire de justice" in readme
    assert manifest["files"]["mention.txt"]["sha256"] in readme


def test_stored_mention_fields_are_recorded(tmp_path: Path) -> None:
    stored = StoredMention(
        id=7,
        team_id=1,
        source_id=3,
        source_kind="places",
        source_label="Fiche Google",
        external_id="rev-42",
        url="https://maps.example/avis/42",
        title=None,
        text="Charlatan !",
        author="Anonyme",
        rating=1,
        published_at=None,
        detected_at=datetime(2025, 3, 4, 9, 30, tzinfo=UTC),
        content_hash="abc",
        severity=Severity.NEGATIVE,
        flags=frozenset({Flag.INSULT}),
        cues=(),
        watch_ids=(1,),
        raw='{"text": "Charlatan !"}',
    )
    fields = mention_fields(stored)
    summary = write_mention_record(tmp_path, fields, recorded_at=datetime.now(UTC))
    assert summary["id"] == 7
    assert summary["raw_sha256"] == hashlib.sha256(b'{"text": "Charlatan !"}').hexdigest()
    text = (tmp_path / "mention.txt").read_text(encoding="utf-8")
    assert "Source : Fiche Google (places)" in text
    assert "Risques juridiques relevés : insult" in text
    assert "Charlatan !" in text
    assert json.loads((tmp_path / "mention.json").read_text(encoding="utf-8"))["rating"] == 1


def test_verify_intact_bundle_zip_and_folder(tmp_path: Path) -> None:
    zip_path = _record_bundle(tmp_path)
    report = verify_bundle(zip_path, hashlib.sha256(zip_path.read_bytes()).hexdigest())
    assert report.ok, report.lines
    assert report.lines[-1].endswith("intact : les 5 fichiers sont identiques à l'original.")
    assert any(line.startswith("OK") and "mention.json" in line for line in report.lines)
    assert verify_bundle(zip_path.with_suffix("")).ok


def test_verify_reports_changed_missing_and_extra_files(tmp_path: Path) -> None:
    zip_path = _record_bundle(tmp_path)
    tampered = tmp_path / "modifie.zip"
    _rewrite(
        zip_path,
        tampered,
        change={"mention.txt": b"Texte adouci.", "mention.json": None},
        add={"ajout.txt": b"ajout"},
    )
    report = verify_bundle(tampered, hashlib.sha256(zip_path.read_bytes()).hexdigest())
    assert not report.ok
    joined = "\n".join(report.lines)
    assert any(line.startswith("MODIFIÉ") and "mention.txt" in line for line in report.lines)
    assert any(line.startswith("MANQUANT") and "mention.json" in line for line in report.lines)
    assert any(line.startswith("EN TROP") and "ajout.txt" in line for line in report.lines)
    assert any(line.startswith("MODIFIÉ") and "modifie.zip" in line for line in report.lines)
    assert any(line.startswith("OK") and "LISEZMOI.txt" in line for line in report.lines)
    assert "ATTENTION" in joined


def test_verify_catches_a_rewritten_manifest(tmp_path: Path) -> None:
    zip_path = _record_bundle(tmp_path)
    folder = zip_path.with_suffix("")
    (folder / "mention.txt").write_text("autre texte", encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["mention.txt"]["sha256"] = hashlib.sha256(b"autre texte").hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    report = verify_bundle(folder)
    assert not report.ok
    assert any(line.startswith("MODIFIÉ") and "manifest.json" in line for line in report.lines)
    assert any(line.startswith("MODIFIÉ") and "mention.txt" in line for line in report.lines)


def test_verify_explains_what_is_not_a_bundle(tmp_path: Path) -> None:
    not_zip = tmp_path / "photo.zip"
    not_zip.write_bytes(b"pas une archive")
    report = verify_bundle(not_zip)
    assert not report.ok
    assert "archive abîmée ou illisible" in report.lines[0]
    missing = verify_bundle(tmp_path / "absent.zip")
    assert not missing.ok and "introuvable" in missing.lines[0]
    empty = tmp_path / "vide.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("x/autre.txt", "rien")
    report = verify_bundle(empty)
    assert not report.ok and "ce n'est pas un lot Vigie" in report.lines[0]
