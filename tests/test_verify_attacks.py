"""`vigie verify` against hostile archives: one test per attack, through the real command."""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.capture.bundle import make_zip, write_sums


def run_verify(path: Path, **env: str) -> tuple[int, str]:
    """`python -m bot verify PATH` as a separate process; (exit code, all output)."""
    result = subprocess.run(
        [sys.executable, "-m", "vigie", "verify", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "VIGIE_DATABASE": str(path.parent / "absent.db"), **env},
        cwd=path.parent,
    )
    return result.returncode, result.stdout + result.stderr


def assert_refused(path: Path, words: str) -> None:
    code, out = run_verify(path)
    assert code != 0, out
    assert "Traceback" not in out, out
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1, out
    assert words in lines[0], out


def bundle(tmp_path: Path) -> Path:
    """A small genuine bundle folder: files, SHA256SUMS, zipped as Vigie does."""
    folder = tmp_path / "20260304T081300Z-exemple-abc123"
    folder.mkdir()
    (folder / "capture.png").write_bytes(b"\x89PNG fake image bytes")
    (folder / "page.html").write_text("<p>Une incompétente</p>", encoding="utf-8")
    (folder / "manifest.json").write_text('{"files": {}}', encoding="utf-8")
    write_sums(folder)
    make_zip(folder, tmp_path / "lot.zip")
    return tmp_path / "lot.zip"


def rewrite(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in members:
            archive.writestr(info, data)


def members_of(path: Path) -> list[tuple[zipfile.ZipInfo | str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(i.filename, archive.read(i)) for i in archive.infolist()]


def test_genuine_bundle_passes_and_prints_its_hash(tmp_path: Path) -> None:
    path = bundle(tmp_path)
    code, out = run_verify(path)
    assert code == 0, out
    assert hashlib.sha256(path.read_bytes()).hexdigest() in out
    assert "Non horodaté" in out


def test_duplicate_member_names_are_refused(tmp_path: Path) -> None:
    path = bundle(tmp_path)
    members = members_of(path)
    name = next(n for n, _ in members if str(n).endswith("page.html"))
    with pytest.warns(UserWarning, match="Duplicate name"):
        rewrite(path, [*members, (name, b"<p>tampered</p>")])
    assert_refused(path, "deux fichiers nommés")


@pytest.mark.parametrize("name", ["/etc/cron.d/x", "lot/../../evil.txt", "C:/evil.txt"])
def test_absolute_and_parent_paths_are_refused(tmp_path: Path, name: str) -> None:
    path = bundle(tmp_path)
    rewrite(path, [*members_of(path), (zipfile.ZipInfo(name), b"x")])
    assert_refused(path, "chemin")


def test_unknown_compression_method_is_refused(tmp_path: Path) -> None:
    path = bundle(tmp_path)
    members = members_of(path)
    info = zipfile.ZipInfo("lot/extra.txt")
    info.compress_type = zipfile.ZIP_LZMA
    rewrite(path, [*members, (info, b"hello")])
    assert_refused(path, "méthode de compression inconnue")


def test_encrypted_member_is_refused(tmp_path: Path) -> None:
    path = bundle(tmp_path)
    data = bytearray(path.read_bytes())
    # Set the "encrypted" flag (bit 0) in every local and central header.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            data[at + offset] |= 0x01
            start = at + 4
    path.write_bytes(bytes(data))
    assert_refused(path, "chiffré")


def test_zip_bomb_in_the_hash_list_is_refused_without_exhausting_memory(tmp_path: Path) -> None:
    path = bundle(tmp_path)
    members = [(n, d) for n, d in members_of(path) if not str(n).endswith("SHA256SUMS")]
    bomb = zipfile.ZipInfo("20260304T081300Z-exemple-abc123/SHA256SUMS")
    bomb.compress_type = zipfile.ZIP_DEFLATED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, archive.open(bomb, "w") as out:
        block = b"0" * (1 << 20)
        for _ in range(64):  # 64 MB of zeros, a few kilobytes compressed
            out.write(block)
    bomb_bytes = buffer.getvalue()
    assert len(bomb_bytes) < 1_000_000
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    with zipfile.ZipFile(path, "a") as archive, zipfile.ZipFile(io.BytesIO(bomb_bytes)) as src:
        info = src.infolist()[0]
        with src.open(info) as stream, archive.open(bomb, "w", force_zip64=True) as out:
            while chunk := stream.read(1 << 20):
                out.write(chunk)
    assert_refused(path, "dépasse")


def test_corrupt_deflate_stream_gives_one_line(tmp_path: Path) -> None:
    path = bundle(tmp_path)
    with zipfile.ZipFile(path) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith("page.html"))
    assert info.compress_type == zipfile.ZIP_DEFLATED
    data = bytearray(path.read_bytes())
    at = info.header_offset
    name_len = int.from_bytes(data[at + 26 : at + 28], "little")
    extra_len = int.from_bytes(data[at + 28 : at + 30], "little")
    body = at + 30 + name_len + extra_len
    for i in range(body, body + min(12, info.compress_size)):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    assert_refused(path, "abîmée")


def test_recomputed_hash_lists_are_caught_by_the_store_on_the_server(tmp_path: Path) -> None:
    path = bundle(tmp_path)
    recorded = hashlib.sha256(path.read_bytes()).hexdigest()
    database = tmp_path / "vigie.db"
    conn = sqlite3.connect(database)
    conn.execute(
        "CREATE TABLE captures (id INTEGER PRIMARY KEY, bundle_path TEXT, bundle_sha256 TEXT)"
    )
    conn.execute("INSERT INTO captures VALUES (5, ?, ?)", (str(path), recorded))
    conn.commit()
    conn.close()
    code, out = run_verify(path, VIGIE_DATABASE=str(database))
    assert code == 0 and "identique à la capture n° 5" in out and recorded in out, out
    # Tamper, then recompute every hash list so the bundle is self-consistent again.
    folder = tmp_path / "20260304T081300Z-exemple-abc123"
    (folder / "page.html").write_text("<p>Un excellent médecin</p>", encoding="utf-8")
    write_sums(folder)
    make_zip(folder, path)
    code, out = run_verify(path)  # off the server: nothing to compare with
    assert code == 0, out
    code, out = run_verify(path, VIGIE_DATABASE=str(database))
    assert code == 1, out
    assert f"l'empreinte {recorded}" in out and "Traceback" not in out


def test_case_file_with_a_tampered_nested_bundle_fails(tmp_path: Path) -> None:
    inner = bundle(tmp_path)
    members = members_of(inner)
    forged = [
        (name, b"<p>Un excellent medecin</p>" if str(name).endswith("page.html") else data)
        for name, data in members
    ]
    rewrite(inner, forged)  # the nested bundle's own SHA256SUMS no longer matches
    nested = inner.read_bytes()
    case = tmp_path / "dossier-avis-3.zip"
    root = "dossier-avis-3-20260304-091300"
    sums = f"{hashlib.sha256(nested).hexdigest()}  captures/capture-7.zip\n"
    with zipfile.ZipFile(case, "w") as archive:
        archive.writestr(f"{root}/captures/capture-7.zip", nested)
        archive.writestr(f"{root}/SHA256SUMS.txt", sums)  # the outer list recomputed
    code, out = run_verify(case)
    assert code == 1, out
    assert "OK        captures/capture-7.zip" in out  # the outer list was made to match…
    assert "  MODIFIÉ   page.html" in out  # …but the bundle inside was changed
    assert "Traceback" not in out
