"""`vigie verify`: re-check every hash of a bundle and say plainly whether anything changed."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bot.capture.bundle import MANIFEST, SUMS, sha256_file

_SUM_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")
_LABEL_WIDTH = 9


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The verdict: `ok` only if every listed file is present, unchanged, and nothing was added."""

    ok: bool
    lines: list[str] = field(default_factory=list)


def _line(label: str, name: str, detail: str = "") -> str:
    return f"{label:<{_LABEL_WIDTH}} {name}" + (f" ({detail})" if detail else "")


def _hash_stream(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def _zip_files(path: Path) -> Iterator[tuple[str, str, bytes | None]]:
    """(name inside the bundle folder, sha256, content when it is a small list file)."""
    with zipfile.ZipFile(path) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        prefixes = {i.filename.split("/", 1)[0] for i in infos if "/" in i.filename}
        strip = len(prefixes) == 1 and all("/" in i.filename for i in infos)
        for info in infos:
            name = info.filename.split("/", 1)[1] if strip else info.filename
            with archive.open(info) as stream:
                digest = _hash_stream(stream)
            content = archive.read(info) if name in (SUMS, MANIFEST) else None
            yield name, digest, content


def _dir_files(path: Path) -> Iterator[tuple[str, str, bytes | None]]:
    """Same as `_zip_files`, for an unzipped bundle folder."""
    for item in sorted(path.rglob("*")):
        if item.is_file():
            name = item.relative_to(path).as_posix()
            content = item.read_bytes() if name in (SUMS, MANIFEST) else None
            yield name, sha256_file(item), content


def _parse_sums(content: bytes) -> dict[str, str]:
    """File name -> hash from a SHA256SUMS text."""
    listed: dict[str, str] = {}
    for raw in content.decode("utf-8", errors="replace").splitlines():
        match = _SUM_LINE.match(raw.strip())
        if match:
            listed[match.group(2)] = match.group(1).lower()
    return listed


def _parse_manifest(content: bytes) -> dict[str, str]:
    """File name -> hash from manifest.json (empty if unreadable)."""
    try:
        files = json.loads(content).get("files", {})
        return {str(k): str(v["sha256"]).lower() for k, v in files.items()}
    except (ValueError, AttributeError, KeyError, TypeError):
        return {}


def verify_bundle(path: Path, expected_sha256: str | None = None) -> VerifyReport:
    """Check a bundle (ZIP or unzipped folder); `expected_sha256`: the ZIP's recorded hash."""
    if not path.exists():
        return VerifyReport(
            False, [f"Fichier introuvable : « {path} ». Indiquez le chemin du .zip."]
        )
    try:
        found = list(_dir_files(path) if path.is_dir() else _zip_files(path))
    except (zipfile.BadZipFile, OSError, EOFError):
        return VerifyReport(
            False,
            [
                f"« {path.name} » n'est pas une archive ZIP lisible : donnez le fichier .zip "
                "produit par une capture Vigie (ou son dossier décompressé)."
            ],
        )
    actual = {name: digest for name, digest, _ in found}
    contents = {name: content for name, _, content in found if content is not None}
    sums = _parse_sums(contents[SUMS]) if SUMS in contents else {}
    manifest = _parse_manifest(contents[MANIFEST]) if MANIFEST in contents else {}
    if not sums and not manifest:
        return VerifyReport(
            False,
            [
                "Ni SHA256SUMS ni manifest.json lisibles : ce n'est pas un dossier de capture "
                "Vigie, ou ses listes d'empreintes ont été supprimées ou abîmées."
            ],
        )
    lines: list[str] = []
    changed = missing = extra = 0
    if expected_sha256 is not None and not path.is_dir():
        if sha256_file(path) == expected_sha256.lower():
            lines.append(
                _line("OK", path.name, "empreinte identique à celle enregistrée par Vigie")
            )
        else:
            changed += 1
            lines.append(_line("MODIFIÉ", path.name, "ne correspond pas à l'empreinte enregistrée"))
    expected = {**manifest, **sums}
    for name in sorted(expected):
        listed = {h for h in (sums.get(name), manifest.get(name)) if h is not None}
        if name not in actual:
            missing += 1
            lines.append(_line("MANQUANT", name))
        elif len(listed) > 1:
            changed += 1
            lines.append(_line("MODIFIÉ", name, "les listes d'empreintes ne concordent plus"))
        elif actual[name] in listed:
            lines.append(_line("OK", name))
        else:
            changed += 1
            lines.append(_line("MODIFIÉ", name, f"empreinte trouvée {actual[name][:16]}…"))
    if not sums:
        missing += 1
        lines.append(_line("MANQUANT", SUMS))
    for name in sorted(set(actual) - set(expected) - {SUMS, MANIFEST}):
        extra += 1
        lines.append(_line("EN TROP", name, "absent des listes d'empreintes"))
    ok = changed == missing == extra == 0
    if ok:
        lines.append(f"Dossier intact : les {len(actual)} fichiers sont identiques à la capture.")
    else:
        lines.append(
            f"ATTENTION : le dossier a changé depuis la capture ({changed} modifié(s), "
            f"{missing} manquant(s), {extra} en trop). Il ne prouve plus rien en l'état : "
            "repartez de l'original conservé par Vigie."
        )
    return VerifyReport(ok, lines)
