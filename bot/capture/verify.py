"""`vigie verify`: re-check a bundle or a case file and say plainly whether anything changed.

The file comes from outside and may be hostile. Before any hash is trusted the archive is
inspected: duplicate names (which `unzip` resolves differently from Python), absolute or
parent paths, unknown compression methods, encrypted members and oversized members are
refused with one French line. Members are hashed by streaming, each under a size cap, and the
hash lists are read under a small cap (a zip bomb named `SHA256SUMS` cannot exhaust memory).
The RFC 3161 token, when present, must cover the hash list. Nested capture bundles of a case
file are checked the same way.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from bot.capture.bundle import MANIFEST, SUMS
from bot.capture.timestamp import CHAIN, FAILED, TOKEN
from bot.capture.tstoken import check_token

CASE_SUMS = "SHA256SUMS.txt"
MAX_MEMBER_BYTES = 2 * 1024**3
MAX_LIST_BYTES = 4 * 1024 * 1024
MAX_MEMBERS = 10_000
_SUM_LINE = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")
_LABEL_WIDTH = 9
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_OUTSIDE_HASHES = {SUMS, CASE_SUMS, TOKEN, CHAIN, FAILED}


class Refused(Exception):
    """The archive is unsafe or unreadable; the message is one French line."""


@dataclass(frozen=True, slots=True)
class Registered:
    """What Vigie's store says of a bundle: its recorded hash and capture number."""

    sha256: str
    capture_id: int


Registry = Callable[[str, str], Registered | None]


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The verdict: `ok` only if every listed file is present, unchanged, and nothing was added."""

    ok: bool
    lines: list[str] = field(default_factory=list)


@dataclass
class _Member:
    name: str
    sha256: str
    size: int
    content: bytes | None = None
    temp: Path | None = None


def _line(label: str, name: str, detail: str = "") -> str:
    return f"{label:<{_LABEL_WIDTH}} {name}" + (f" ({detail})" if detail else "")


def _hash_stream(stream: IO[bytes], cap: int, name: str, keep: IO[bytes] | None) -> tuple[str, int]:
    """SHA-256 and size of a stream, refusing past `cap` bytes."""
    digest = hashlib.sha256()
    size = 0
    while block := stream.read(1 << 20):
        size += len(block)
        if size > cap:
            raise Refused(
                f"« {name} » dépasse {cap // (1024 * 1024)} Mo une fois décompressé : archive "
                "refusée (bombe de décompression ou fichier qui n'est pas un lot Vigie)."
            )
        digest.update(block)
        if keep is not None:
            keep.write(block)
    return digest.hexdigest(), size


def _safe_name(raw: str) -> str:
    """A member name that stays inside the folder, or `Refused`."""
    if "\\" in raw or raw.startswith("/") or re.match(r"^[A-Za-z]:", raw) or "\x00" in raw:
        raise Refused(
            f"L'archive contient un chemin absolu ou invalide (« {raw[:80]} ») : refusée, un lot "
            "Vigie n'en contient jamais."
        )
    parts = PurePosixPath(raw).parts
    if any(part in ("..", ".") for part in parts):
        raise Refused(
            f"L'archive contient un chemin qui sort du dossier (« {raw[:80]} ») : refusée, un "
            "lot Vigie n'en contient jamais."
        )
    return raw


def _inspect(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The members to hash, after refusing anything a Vigie archive never holds."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise Refused(f"L'archive contient plus de {MAX_MEMBERS} fichiers : refusée.")
    seen: set[str] = set()
    for info in infos:
        name = _safe_name(info.filename)
        if name in seen:
            raise Refused(
                f"L'archive contient deux fichiers nommés « {name} » : refusée (selon l'outil, "
                "l'un ou l'autre serait extrait ; un lot Vigie n'a jamais de doublon)."
            )
        seen.add(name)
        if info.flag_bits & 0x1:
            raise Refused(
                f"« {name} » est chiffré dans l'archive : refusé, un lot Vigie n'est jamais "
                "chiffré."
            )
        if info.compress_type not in _METHODS:
            raise Refused(
                f"« {name} » utilise une méthode de compression inconnue "
                f"(n° {info.compress_type}) : refusé, un lot Vigie n'emploie que « stored » ou "
                "« deflate »."
            )
        if info.file_size > MAX_MEMBER_BYTES:
            raise Refused(f"« {name} » annonce une taille excessive : archive refusée.")
    return [i for i in infos if not i.is_dir()]


def _zip_members(path: Path, workdir: Path) -> list[_Member]:
    """Hash every member of the ZIP (hash lists kept in memory, nested ZIPs on disk)."""
    out: list[_Member] = []
    try:
        with zipfile.ZipFile(path) as archive:
            infos = _inspect(archive)
            prefixes = {i.filename.split("/", 1)[0] for i in infos}
            strip = len(prefixes) == 1 and all("/" in i.filename for i in infos)
            for number, info in enumerate(infos):
                name = info.filename.split("/", 1)[1] if strip else info.filename
                listed = PurePosixPath(name).name in (SUMS, CASE_SUMS, MANIFEST, TOKEN, CHAIN)
                cap = MAX_LIST_BYTES if listed else MAX_MEMBER_BYTES
                temp = workdir / f"{number}.zip" if name.endswith(".zip") else None
                buffer = io.BytesIO() if listed else None
                with archive.open(info) as stream:
                    if temp is not None:
                        with temp.open("wb") as keep:
                            digest, size = _hash_stream(stream, cap, name, keep)
                    else:
                        digest, size = _hash_stream(stream, cap, name, buffer)
                content = buffer.getvalue() if buffer is not None else None
                out.append(_Member(name, digest, size, content, temp))
    except Refused:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise Refused(
            f"« {path.name} » est une archive abîmée ou illisible ({_why(exc)}) : demandez une "
            "nouvelle copie de l'original."
        ) from exc
    return out


def _why(exc: Exception) -> str:
    text = str(exc)
    if "CRC" in text:
        return "somme de contrôle fausse"
    if isinstance(exc, zlib.error) or "decompress" in text.lower():
        return "données compressées corrompues"
    if isinstance(exc, zipfile.BadZipFile):
        return "structure ZIP invalide"
    return "lecture impossible"


def _dir_members(path: Path) -> list[_Member]:
    """Same as `_zip_members`, for an unzipped folder (links refused)."""
    out: list[_Member] = []
    for item in sorted(path.rglob("*")):
        if item.is_symlink():
            raise Refused(f"« {item.name} » est un lien symbolique : dossier refusé.")
        if item.is_file():
            name = item.relative_to(path).as_posix()
            listed = item.name in (SUMS, CASE_SUMS, MANIFEST, TOKEN, CHAIN)
            with item.open("rb") as stream:
                buffer = io.BytesIO() if listed else None
                cap = MAX_LIST_BYTES if listed else MAX_MEMBER_BYTES
                digest, size = _hash_stream(stream, cap, name, buffer)
            out.append(
                _Member(
                    name,
                    digest,
                    size,
                    buffer.getvalue() if buffer else None,
                    item if name.endswith(".zip") else None,
                )
            )
    return out


def _parse_sums(content: bytes) -> dict[str, str]:
    """File name -> hash from a SHA256SUMS text."""
    listed: dict[str, str] = {}
    for raw in content.decode("utf-8", errors="replace").splitlines():
        match = _SUM_LINE.match(raw.strip())
        if match:
            name = match.group(2)
            if name in listed:
                raise Refused(f"La liste d'empreintes nomme deux fois « {name} » : refusée.")
            listed[name] = match.group(1).lower()
    return listed


def _parse_manifest(content: bytes) -> dict[str, str]:
    """File name -> hash from manifest.json (empty if unreadable)."""
    try:
        files = json.loads(content).get("files", {})
        return {str(k): str(v["sha256"]).lower() for k, v in files.items()}
    except (ValueError, AttributeError, KeyError, TypeError):
        return {}


def _sha256_file(path: Path) -> str:
    with path.open("rb") as stream:
        return _hash_stream(stream, 1 << 62, path.name, None)[0]


def verify_bundle(
    path: Path,
    expected_sha256: str | None = None,
    *,
    registry: Registry | None = None,
    trust_pem: bytes | None = None,
) -> VerifyReport:
    """Check a bundle or case file (ZIP or folder); never raises on a bad file."""
    if not path.exists():
        return VerifyReport(
            False, [f"Fichier introuvable : « {path} ». Indiquez le chemin du .zip."]
        )
    try:
        with tempfile.TemporaryDirectory(prefix="vigie-verify-") as work:
            return _verify(path, Path(work), expected_sha256, registry, trust_pem, depth=0)
    except Refused as exc:
        return VerifyReport(False, [str(exc)])
    except Exception as exc:  # a hostile file must give a sentence, never a traceback
        return VerifyReport(
            False,
            [
                f"Vérification impossible ({type(exc).__name__}) : « {path.name} » n'est pas un "
                "lot Vigie lisible. Repartez de l'original conservé par Vigie."
            ],
        )


def _verify(
    path: Path,
    work: Path,
    expected_sha256: str | None,
    registry: Registry | None,
    trust_pem: bytes | None,
    *,
    depth: int,
    shown: str | None = None,
) -> VerifyReport:
    """One level of verification; nested bundles are checked with `depth + 1`."""
    label = shown or path.name
    lines: list[str] = []
    problems = _check_whole(path, label, expected_sha256, registry, depth, lines)
    members = _dir_members(path) if path.is_dir() else _zip_members(path, work)
    actual = {m.name: m for m in members}
    sums_name = CASE_SUMS if CASE_SUMS in actual else SUMS
    sums_member = actual.get(sums_name)
    sums = _parse_sums(sums_member.content or b"") if sums_member else {}
    manifest_member = actual.get(MANIFEST)
    manifest = _parse_manifest(manifest_member.content or b"") if manifest_member else {}
    if not sums and not manifest:
        raise Refused(
            f"« {label} » : ni SHA256SUMS ni manifest.json lisibles — ce n'est pas un lot Vigie, "
            "ou ses listes d'empreintes ont été supprimées ou abîmées."
        )
    expected = {**manifest, **sums}
    changed, missing, extra = _compare(actual, sums, manifest, sums_name, lines)
    token_ok = _check_timestamp(actual, sums_member, trust_pem, lines)
    nested_ok = True
    if depth == 0:
        nested_ok = _verify_nested(members, expected, work, registry, trust_pem, lines)
    ok = problems == changed == missing == extra == 0 and token_ok and nested_ok
    lines.append(
        _conclusion(label, len(actual), ok, changed + problems, missing, extra, token_ok, nested_ok)
    )
    return VerifyReport(ok, lines)


def _check_whole(
    path: Path,
    label: str,
    expected_sha256: str | None,
    registry: Registry | None,
    depth: int,
    lines: list[str],
) -> int:
    """Check the file's own hash against the expected one and Vigie's registry; problems."""
    problems = 0
    whole = _sha256_file(path) if path.is_file() else None
    if whole is not None and depth == 0:
        lines.append(f"Empreinte SHA-256 du fichier : {whole}")
    if whole is not None and expected_sha256 is not None and whole != expected_sha256.lower():
        problems += 1
        lines.append(_line("MODIFIÉ", label, "ne correspond pas à l'empreinte enregistrée"))
    if whole is not None and registry is not None:
        known = registry(path.name if depth == 0 else label, whole)
        if known is None:
            lines.append(
                f"Registre Vigie : « {label} » n'y figure pas (lot d'un autre serveur, ou renommé "
                "et modifié)."
            )
        elif known.sha256 != whole:
            problems += 1
            lines.append(
                f"MODIFIÉ   {label} (Vigie a enregistré pour la capture n° {known.capture_id} "
                f"l'empreinte {known.sha256}, ce fichier a {whole})"
            )
        else:
            lines.append(
                f"Registre Vigie : identique à la capture n° {known.capture_id} enregistrée "
                f"(SHA-256 {known.sha256})."
            )
    return problems


def _compare(
    actual: dict[str, _Member],
    sums: dict[str, str],
    manifest: dict[str, str],
    sums_name: str,
    lines: list[str],
) -> tuple[int, int, int]:
    """Compare each file with both hash lists; how many changed, missing and extra."""
    changed = missing = extra = 0
    expected = {**manifest, **sums}
    for name in sorted(expected):
        _safe_name(name)
        listed = {h for h in (sums.get(name), manifest.get(name)) if h is not None}
        if name not in actual:
            missing += 1
            lines.append(_line("MANQUANT", name))
        elif len(listed) > 1:
            changed += 1
            lines.append(_line("MODIFIÉ", name, "les listes d'empreintes ne concordent plus"))
        elif actual[name].sha256 in listed:
            lines.append(_line("OK", name))
        else:
            changed += 1
            lines.append(_line("MODIFIÉ", name, f"empreinte trouvée {actual[name].sha256[:16]}…"))
    if not sums:
        missing += 1
        lines.append(_line("MANQUANT", sums_name))
    for name in sorted(set(actual) - set(expected) - _OUTSIDE_HASHES - {MANIFEST}):
        extra += 1
        lines.append(_line("EN TROP", name, "absent des listes d'empreintes"))
    return changed, missing, extra


def _verify_nested(
    members: list[_Member],
    expected: dict[str, str],
    work: Path,
    registry: Registry | None,
    trust_pem: bytes | None,
    lines: list[str],
) -> bool:
    """Check each listed bundle inside this one (one level deep); True if all are intact."""
    nested_ok = True
    for member in members:
        if member.temp is not None and member.name in expected:
            sub = _verify(
                member.temp,
                work,
                None,
                registry,
                trust_pem,
                depth=1,
                shown=member.name,
            )
            lines += [f"  {line}" for line in sub.lines]
            nested_ok = nested_ok and sub.ok
    return nested_ok


def _conclusion(
    label: str,
    count: int,
    ok: bool,
    changed: int,
    missing: int,
    extra: int,
    token_ok: bool,
    nested_ok: bool,
) -> str:
    """The closing sentence: intact, or what changed and what to do."""
    if ok:
        return f"{label} intact : les {count} fichiers sont identiques à l'original."
    return (
        f"ATTENTION : {label} a changé ou n'est pas fiable ({changed} modifié(s), "
        f"{missing} manquant(s), {extra} en trop"
        + ("" if token_ok else ", horodatage invalide")
        + ("" if nested_ok else ", lot imbriqué en défaut")
        + ") : il ne prouve plus rien en l'état, repartez de l'original conservé par Vigie."
    )


def _check_timestamp(
    actual: dict[str, _Member], sums: _Member | None, trust_pem: bytes | None, lines: list[str]
) -> bool:
    """Check the RFC 3161 token over SHA256SUMS, when the bundle has one."""
    token = actual.get(TOKEN)
    if token is None:
        if sums is not None and sums.name == SUMS:
            lines.append(
                "Non horodaté : ce lot ne porte pas de jeton d'une autorité d'horodatage ; "
                "seule l'heure du serveur Vigie date la capture."
            )
        return True
    if sums is None or sums.content is None:
        lines.append("HORODATAGE invalide : la liste d'empreintes couverte par le jeton manque.")
        return False
    chain = actual.get(CHAIN)
    result = check_token(
        token.content or b"", sums.content, chain.content if chain else None, trust_pem
    )
    if not result.ok:
        lines.append(f"HORODATAGE invalide : {result.problem}.")
        return False
    when = result.gen_time.isoformat() if result.gen_time else "?"
    lines.append(
        f"Horodatage OK : {sums.name} existait le {when} selon « {result.authority} » "
        f"({result.trusted_by})."
    )
    return True


def trust_from_env() -> bytes | None:
    """The trusted TSA roots named by `VIGIE_TSA_CA` (a PEM file), if any."""
    value = os.environ.get("VIGIE_TSA_CA")
    if not value:
        return None
    try:
        return Path(value).read_bytes()
    except OSError:
        raise Refused(
            f"VIGIE_TSA_CA désigne « {value} », illisible : indiquez un fichier PEM des "
            "certificats racines d'autorités d'horodatage."
        ) from None
