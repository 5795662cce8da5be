"""The evidence folder on disk: hashes of every file, the manifest, SHA256SUMS and the ZIP.

Files are hashed once written and never touched again; `SHA256SUMS` (the format of the
standard `sha256sum` tool) lists every file, manifest included, so anyone can re-check the
folder without Vigie.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
README = "LISEZMOI.txt"
MENTION_JSON = "mention.json"
MENTION_TEXT = "mention.txt"
_ALREADY_COMPRESSED = (".png", ".pdf", ".gz", ".zip", ".jpg")


def sha256_bytes(data: bytes) -> str:
    """The SHA-256 of some bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC to the millisecond (`2025-03-04T08:15:02.123Z`): the evidence form."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_json(value: object) -> str:
    """JSON for evidence files: UTF-8 kept readable, datetimes in UTC, keys in order given."""

    def default(item: object) -> object:
        if isinstance(item, datetime):
            return utc_iso(item)
        if isinstance(item, bytes):
            return item.decode("utf-8", errors="replace")
        if isinstance(item, set | frozenset):
            return sorted(str(x) for x in item)
        return str(item)

    return json.dumps(value, ensure_ascii=False, indent=2, default=default) + "\n"


def file_entries(folder: Path, names: list[str]) -> dict[str, dict[str, Any]]:
    """Hash and size of each named file of the folder."""
    return {
        name: {"sha256": sha256_file(folder / name), "bytes": (folder / name).stat().st_size}
        for name in names
    }


def write_sums(folder: Path) -> None:
    """Write SHA256SUMS for every file of the folder (itself excepted)."""
    lines = [
        f"{sha256_file(path)}  {path.name}\n"
        for path in sorted(folder.iterdir())
        if path.is_file() and path.name != SUMS
    ]
    (folder / SUMS).write_text("".join(lines), encoding="utf-8")


def make_zip(folder: Path, zip_path: Path) -> str:
    """Zip the folder (under its own name, so it unzips into one folder); return the ZIP's hash."""
    tmp = zip_path.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w") as archive:
        for path in sorted(folder.iterdir()):
            if not path.is_file():
                continue
            method = (
                zipfile.ZIP_STORED if path.suffix in _ALREADY_COMPRESSED else zipfile.ZIP_DEFLATED
            )
            archive.write(path, f"{folder.name}/{path.name}", compress_type=method)
    tmp.replace(zip_path)
    return sha256_file(zip_path)
