"""`vigie backup` and `vigie restore`: one archive (database + data directory) and its SHA-256.

The database is copied with SQLite's online backup API, so a backup taken while Vigie writes is
a consistent snapshot; the data directory is copied after it, so every capture the copied
database records has its file in the archive (bundles are written before they are recorded).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from bot import __version__
from bot.settings import Settings
from bot.store.schema import APPLICATION_ID, MIGRATIONS

log = logging.getLogger(__name__)

PREFIX = "vigie-sauvegarde-"
SUFFIX = ".tar.gz"
DB_NAME = "vigie.db"
MANIFEST = "MANIFEST.json"
LOCK_NAME = ".vigie.lock"
DAY = timedelta(days=1)
FIRST_DELAY_S = 300.0  # the first automatic backup waits until the start is over


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Backup:
    """An archive written next to its `.sha256` file."""

    path: Path
    sha256: str
    files: int


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sidecar(archive: Path) -> Path:
    """`ARCHIVE.sha256`, in the format `sha256sum -c` reads."""
    return archive.with_name(archive.name + ".sha256")


# --- the lock that tells restore Vigie is running ---------------------------------------------


@contextlib.contextmanager
def running_lock(data_dir: Path) -> Iterator[None]:
    """Held by `vigie run` for its whole life; `vigie restore` refuses while it is held."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / LOCK_NAME).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield  # another Vigie already holds it: not this module's business to refuse
            return
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def vigie_is_running(data_dir: Path) -> bool:
    """True when a running Vigie holds the lock of this data directory."""
    path = data_dir / LOCK_NAME
    if not path.exists():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


# --- backup -----------------------------------------------------------------------------------


def _copy_database(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent snapshot even while another process writes."""
    if not source.exists():
        raise BackupError(
            f"La base {source} n'existe pas : rien à sauvegarder. Vérifiez VIGIE_DATABASE."
        )
    try:
        src = sqlite3.connect(source, timeout=30)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            check = dst.execute("PRAGMA integrity_check").fetchone()
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as exc:
        raise BackupError(
            f"Impossible de copier la base {source} ({exc}). Vérifiez VIGIE_DATABASE et les "
            "droits de lecture."
        ) from exc
    if not check or check[0] != "ok":
        raise BackupError(
            f"La copie de {source} n'est pas intègre ({check[0] if check else '?'}) : "
            "lancez « vigie doctor »."
        )


def _data_files(data_dir: Path, skip: list[Path]) -> Iterator[tuple[Path, str]]:
    """(file, name in the archive) for every regular file of the data directory."""
    if not data_dir.is_dir():
        return
    skipped = [p.resolve() for p in skip]
    for root, dirs, files in os.walk(data_dir):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if (here / d).resolve() not in skipped)
        for name in sorted(files):
            path = here / name
            if name in (LOCK_NAME, ".vigie-write-test") or not path.is_file():
                continue
            yield path, "data/" + path.relative_to(data_dir).as_posix()


class _HashingReader:
    """A file read once into the archive, hashed on the way (large files never sit in memory)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add(tar: tarfile.TarFile, name: str, content: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(mtime)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(content))


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> str:
    """Stream `path` into the archive as `name`; return its SHA-256."""
    with path.open("rb") as handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o600
        reader = _HashingReader(handle)
        tar.addfile(info, reader)  # tarfile only calls read()
    return reader.digest.hexdigest()


def create_backup(settings: Settings, out_dir: Path | None = None) -> Backup:
    """Write `vigie-sauvegarde-AAAAMMJJ-HHMMSS.tar.gz` and its `.sha256` into `out_dir`."""
    out = Path(out_dir or settings.backup_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(
            f"Le dossier de sauvegarde {out} ne peut pas être créé ({exc.strerror}). "
            "Choisissez-en un autre avec VIGIE_BACKUP_DIR ou --out."
        ) from exc
    stamp = datetime.now(UTC)
    archive = out / f"{PREFIX}{stamp:%Y%m%d-%H%M%S}{SUFFIX}"
    n = 1
    while archive.exists():
        n += 1
        archive = out / f"{PREFIX}{stamp:%Y%m%d-%H%M%S}-{n}{SUFFIX}"
    partial = archive.with_name(archive.name + ".part")
    files: dict[str, str] = {}
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(dir=out, prefix=".vigie-backup-") as tmp:
        snapshot = Path(tmp) / DB_NAME
        _copy_database(settings.database, snapshot)
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
                files[DB_NAME] = _add_file(tar, DB_NAME, snapshot)
                for path, name in _data_files(settings.data_dir, [out]):
                    try:
                        files[name] = _add_file(tar, name, path)
                    except FileNotFoundError:
                        skipped.append(name)  # removed while we walked (a purge, a temp file)
                manifest = {
                    "vigie": __version__,
                    "schema": len(MIGRATIONS),
                    "created_at": stamp.isoformat(),
                    "files": files,
                    "skipped": skipped,
                }
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                _add(tar, MANIFEST, body, stamp.timestamp())
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise BackupError(
                f"Écriture de la sauvegarde impossible dans {out} ({exc.strerror}) : "
                "vérifiez l'espace disque (« vigie doctor »)."
            ) from exc
    digest = _sha256_file(partial)
    partial.rename(archive)
    sidecar(archive).write_text(f"{digest}  {archive.name}\n", encoding="utf-8")
    return Backup(archive, digest, len(files))


def archives(folder: Path) -> list[Path]:
    """Vigie's archives in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest archives (and their `.sha256`); return what went."""
    found = archives(folder)
    gone = found[: max(0, len(found) - keep)]
    for path in gone:
        path.unlink(missing_ok=True)
        sidecar(path).unlink(missing_ok=True)
    return gone


def next_backup_at(folder: Path, now: datetime, first_delay_s: float = FIRST_DELAY_S) -> datetime:
    """A day after the newest archive; a few minutes after start when none is recent."""
    found = archives(folder)
    if found:
        last = datetime.fromtimestamp(found[-1].stat().st_mtime, UTC)
        if last + DAY > now:
            return last + DAY
    return now + timedelta(seconds=first_delay_s)


async def run_daily_backups(settings: Settings, first_delay_s: float = FIRST_DELAY_S) -> None:
    """Back up once a day and keep the `VIGIE_BACKUP_KEEP` newest archives."""
    folder = settings.backup_dir
    while True:
        due = next_backup_at(folder, datetime.now(UTC), first_delay_s)
        await asyncio.sleep(max(1.0, (due - datetime.now(UTC)).total_seconds()))
        try:
            made = await asyncio.to_thread(create_backup, settings, folder)
        except BackupError as exc:
            log.warning("sauvegarde automatique impossible : %s", exc)
            await asyncio.sleep(3600)
            continue
        gone = prune(folder, settings.backup_keep)
        log.info("sauvegarde %s (%s fichiers), %s ancienne(s) supprimée(s)",
                 made.path, made.files, len(gone))  # fmt: skip


# --- restore ----------------------------------------------------------------------------------


def _safe_member(member: tarfile.TarInfo) -> bool:
    name = Path(member.name)
    return (
        member.isfile()
        and not name.is_absolute()
        and ".." not in name.parts
        and (member.name in (DB_NAME, MANIFEST) or member.name.startswith("data/"))
    )


def verify_archive(archive: Path) -> dict[str, object]:
    """Check the archive's SHA-256 and every file's; return its manifest, or `BackupError`."""
    if not archive.is_file():
        raise BackupError(f"{archive} n'existe pas. Donnez le chemin d'une archive {PREFIX}….")
    side = sidecar(archive)
    if not side.is_file():
        raise BackupError(
            f"L'empreinte {side.name} est absente : impossible de vérifier {archive.name}. "
            "Placez le fichier .sha256 écrit avec l'archive à côté d'elle."
        )
    expected = side.read_text(encoding="utf-8").split()[:1]
    if not expected or expected[0].lower() != _sha256_file(archive):
        raise BackupError(
            f"L'archive {archive.name} ne correspond pas à son empreinte SHA-256 : elle est "
            "corrompue ou a été modifiée. Rien n'a été restauré ; prenez une autre sauvegarde."
        )
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            if not all(_safe_member(m) for m in members):
                raise BackupError(
                    f"L'archive {archive.name} contient des chemins inattendus : "
                    "rien n'a été restauré."
                )
            manifest: dict[str, object] = {}
            loaded = json.loads(_read_member(tar, MANIFEST))
            if isinstance(loaded, dict):
                manifest = loaded
            listed = manifest.get("files")
            if not isinstance(listed, dict) or DB_NAME not in listed:
                raise BackupError(f"{archive.name} n'est pas une sauvegarde Vigie complète.")
            names = {m.name for m in members} - {MANIFEST}
            if names != set(listed):
                raise BackupError(
                    f"Le contenu de {archive.name} ne correspond pas à son manifeste : "
                    "rien n'a été restauré."
                )
            for name, digest in listed.items():
                if _hash_member(tar, name) != digest:
                    raise BackupError(
                        f"Le fichier {name} de {archive.name} ne correspond pas à son "
                        "empreinte : rien n'a été restauré."
                    )
    except (tarfile.TarError, OSError, EOFError, ValueError, KeyError) as exc:
        raise BackupError(
            f"L'archive {archive.name} est illisible ({type(exc).__name__}) : rien n'a été "
            "restauré ; prenez une autre sauvegarde."
        ) from exc
    return manifest


def _read_member(tar: tarfile.TarFile, name: str) -> bytes:
    handle: IO[bytes] | None = tar.extractfile(name)
    if handle is None:
        raise KeyError(name)
    with handle:
        return handle.read()


def _hash_member(tar: tarfile.TarFile, name: str) -> str:
    handle: IO[bytes] | None = tar.extractfile(name)
    if handle is None:
        raise KeyError(name)
    digest = hashlib.sha256()
    with handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if app_id != APPLICATION_ID or check != "ok":
        raise BackupError("La base contenue dans l'archive n'est pas une base Vigie intègre.")
    if version > len(MIGRATIONS):
        raise BackupError(
            f"La sauvegarde vient d'une version plus récente de Vigie (schéma {version}) : "
            "mettez Vigie à jour avant de la restaurer."
        )


def _occupied(settings: Settings) -> list[Path]:
    found = [settings.database] if settings.database.exists() else []
    data = settings.data_dir
    if data.is_dir() and any(p.name not in (LOCK_NAME,) for p in data.iterdir()):
        found.append(data)
    return found


def restore_backup(archive: Path, settings: Settings, *, confirmed: bool) -> list[str]:
    """Check the archive, then put the database and data directory back; return what was done."""
    manifest = verify_archive(archive)
    if vigie_is_running(settings.data_dir):
        raise BackupError(
            "Vigie est en marche sur ces données : arrêtez-le d'abord (systemctl stop vigie, "
            "ou docker compose stop), puis relancez « vigie restore »."
        )
    occupied = _occupied(settings)
    stamp = f"{datetime.now(UTC):%Y%m%d-%H%M%S}"
    if occupied and not confirmed:
        shown = " et ".join(str(p) for p in occupied)
        raise BackupError(
            f"{shown} existe déjà et serait remplacé par la sauvegarde du "
            f"{manifest.get('created_at', '?')}. Rien n'a été modifié. Relancez avec --yes "
            f"pour restaurer : l'actuel sera gardé à côté, suffixé « .avant-restauration-{stamp} »."
        )
    done: list[str] = []
    db_target, data_target = settings.database, settings.data_dir
    db_target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=db_target.parent, prefix=".vigie-restore-") as tmp:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")
        restored_db = Path(tmp) / DB_NAME
        _check_database(restored_db)
        for path in occupied:
            kept = path.with_name(f"{path.name}.avant-restauration-{stamp}")
            path.rename(kept)
            done.append(f"{path} gardé sous {kept}")
            for extra in ("-wal", "-shm"):
                journal = path.with_name(path.name + extra)
                if path == db_target and journal.exists():
                    journal.rename(kept.with_name(kept.name + extra))
        shutil.move(str(restored_db), db_target)
        restored_data = Path(tmp) / "data"
        if restored_data.is_dir():
            data_target.parent.mkdir(parents=True, exist_ok=True)
            if data_target.exists():  # only the lock file was there
                shutil.rmtree(data_target)
            shutil.move(str(restored_data), data_target)
        else:
            data_target.mkdir(parents=True, exist_ok=True)
    listed = manifest.get("files")
    count = len(listed) if isinstance(listed, dict) else 0
    done.append(
        f"Sauvegarde du {manifest.get('created_at', '?')} restaurée : {db_target} et "
        f"{data_target} ({count} fichiers vérifiés)."
    )
    return done
