"""`vigie backup` while Vigie writes, and `vigie restore`: nothing lost, nothing tampered with."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.chat.types import Urgency
from bot.models import Mention, Severity, Triage
from bot.settings import load_settings
from bot.store import NewAlert, Store
from vigie.ops.backup import (
    BackupError,
    archives,
    create_backup,
    next_backup_at,
    prune,
    restore_backup,
    run_daily_backups,
    running_lock,
    sidecar,
)


def env_for(db: Path, data: Path, backups: Path) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")} | {
        "VIGIE_DATABASE": str(db),
        "VIGIE_DATA_DIR": str(data),
        "VIGIE_BACKUP_DIR": str(backups),
    }


def cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vigie", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


async def test_backup_taken_during_writes_restores_every_mention_alert_and_capture(
    tmp_path: Path,
) -> None:
    db, data, backups = tmp_path / "v.db", tmp_path / "data", tmp_path / "backups"
    store = await Store.open(db)
    team = await store.teams.create("Cabinet")
    chat = await store.teams.bind_chat(team, "test", "c1")
    source = await store.sources.add(
        team, "feed", "https://e.fr/f", selector=None, watch_id=None, interval_s=60
    )
    written: list[tuple[int, int, bytes]] = []  # (mention id, capture id, bundle bytes)
    stop, enough = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            mention = Mention(source_id=source, external_id=f"m{n}", url=None, title=None,
                              text=f"Avis numéro {n} " + "x" * 500)  # fmt: skip

            def alerts(mention_id: int) -> list[NewAlert]:
                return [NewAlert(chat.id, "new", f'{{"m": {mention_id}}}', Urgency.NORMAL)] * 2

            mention_id = await store.mentions.insert(
                team, mention, content_hash=f"h{n}", triage=Triage(severity=Severity.NEUTRAL),
                watch_ids=[], alerts=alerts,
            )  # fmt: skip
            bundle = data / "captures" / f"capture-{n}.zip"
            bundle.parent.mkdir(parents=True, exist_ok=True)
            content = os.urandom(20_000)
            bundle.write_bytes(content)  # the bundle is written before it is recorded
            now = datetime.now(UTC)
            capture_id = await store.captures.record(
                team, mention_id=mention_id, url=f"https://e.fr/{n}", requested_by="test",
                started_at=now, finished_at=now, bundle_path=str(bundle),
                screenshot_sha256=None, bundle_sha256=hashlib.sha256(content).hexdigest(),
                status="complete",
            )  # fmt: skip
            written.append((mention_id, capture_id, content))
            if len(written) >= 40:
                enough.set()
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    await asyncio.wait_for(enough.wait(), 60)
    before = list(written)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "vigie", "backup", env=env_for(db, data, backups), cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    during = len(written) - len(before)
    stop.set()
    await task
    await store.close()
    assert proc.returncode == 0, err.decode()
    assert during > 0, "the writer should have kept writing while the backup ran"
    [archive] = archives(backups)
    assert archive.name in out.decode()
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert sidecar(archive).read_text().split() == [digest, archive.name]

    target = tmp_path / "restored"
    target.mkdir()
    rdb, rdata = target / "v.db", target / "data"
    result = cli(["restore", str(archive)], env_for(rdb, rdata, backups), target)
    assert result.returncode == 0, result.stderr
    assert "restaurée" in result.stdout

    conn = sqlite3.connect(rdb)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    mentions = {r[0] for r in conn.execute("SELECT id FROM mentions")}
    captures = dict(conn.execute("SELECT id, bundle_path FROM captures").fetchall())
    alerts = conn.execute("SELECT mention_id, count(*) FROM alerts GROUP BY mention_id").fetchall()
    conn.close()
    for mention_id, capture_id, content in before:
        assert mention_id in mentions
        assert capture_id in captures
        restored = rdata / Path(captures[capture_id]).relative_to(data)
        assert restored.read_bytes() == content
    # A consistent snapshot: each mention has both of its alerts, whatever instant it was taken.
    assert {m: n for m, n in alerts} == {m: 2 for m in mentions}
    assert len(mentions) >= len(before)


async def test_restore_refuses_a_tampered_archive_and_overwrites_nothing_without_yes(
    tmp_path: Path,
) -> None:
    settings = load_settings(_env_file=None, database=tmp_path / "v.db",
                             data_dir=tmp_path / "data", backup_dir=tmp_path / "b")  # fmt: skip
    store = await Store.open(settings.database)
    await store.teams.create("Cabinet des Lilas")
    await store.close()
    (settings.data_dir / "captures").mkdir(parents=True)
    (settings.data_dir / "captures" / "a.zip").write_bytes(b"bundle")
    made = create_backup(settings)

    # The same data is there: restoring without --yes says what would be replaced.
    with pytest.raises(BackupError, match="--yes") as refused:
        restore_backup(made.path, settings, confirmed=False)
    assert str(settings.database) in str(refused.value)

    # While Vigie runs (it holds the lock), restore refuses.
    with running_lock(settings.data_dir), pytest.raises(BackupError, match="en marche"):
        restore_backup(made.path, settings, confirmed=True)

    # With --yes, the current files are kept aside and said so.
    (settings.data_dir / "captures" / "a.zip").write_bytes(b"changed since")
    done = restore_backup(made.path, settings, confirmed=True)
    assert any("avant-restauration" in line for line in done)
    assert (settings.data_dir / "captures" / "a.zip").read_bytes() == b"bundle"
    kept = list(tmp_path.glob("data.avant-restauration-*"))
    assert len(kept) == 1 and (kept[0] / "captures" / "a.zip").read_bytes() == b"changed since"
    assert list(tmp_path.glob("v.db.avant-restauration-*"))

    # A flipped byte in the archive: refused, by the command too, with no traceback.
    corrupt = tmp_path / "b" / ("copy-" + made.path.name)
    raw = bytearray(made.path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    corrupt.write_bytes(bytes(raw))
    sidecar(corrupt).write_text(sidecar(made.path).read_text())
    env = env_for(settings.database, settings.data_dir, tmp_path / "b")
    result = cli(["restore", str(corrupt), "--yes"], env, tmp_path)
    assert result.returncode == 2
    assert "corrompue ou a été modifiée" in result.stderr and "Traceback" not in result.stderr

    # A rebuilt archive whose sidecar matches but whose content does not match the manifest.
    forged = tmp_path / "b" / "vigie-sauvegarde-forged.tar.gz"
    with tarfile.open(made.path, "r:gz") as src, tarfile.open(forged, "w:gz") as dst:
        for member in src.getmembers():
            handle = src.extractfile(member)
            assert handle is not None
            content = handle.read()
            if member.name == "data/captures/a.zip":
                content = b"forged!"
                member.size = len(content)
            dst.addfile(member, io.BytesIO(content))
    sidecar(forged).write_text(hashlib.sha256(forged.read_bytes()).hexdigest() + "  x\n")
    with pytest.raises(BackupError, match="ne correspond pas à son empreinte"):
        restore_backup(forged, settings, confirmed=True)

    # No .sha256 next to it: refused.
    sidecar(forged).unlink()
    with pytest.raises(BackupError, match="empreinte"):
        restore_backup(forged, settings, confirmed=True)


def test_daily_schedule_and_retention(tmp_path: Path) -> None:
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    assert next_backup_at(tmp_path, now) == now + timedelta(minutes=5)
    names = [f"vigie-sauvegarde-2026120{d}-030000.tar.gz" for d in range(1, 5)]
    for day, name in enumerate(names, 1):
        path = tmp_path / name
        path.write_bytes(b"x")
        sidecar(path).write_text("x")
        stamp = datetime(2026, 12, day, 3, 0, tzinfo=UTC).timestamp()
        os.utime(path, (stamp, stamp))
    assert next_backup_at(tmp_path, now) == datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
    gone = prune(tmp_path, keep=2)
    assert [p.name for p in gone] == names[:2]
    assert [p.name for p in archives(tmp_path)] == names[2:]
    assert sorted(p.name for p in tmp_path.glob("*.sha256")) == [n + ".sha256" for n in names[2:]]


async def test_the_daily_task_backs_up_and_keeps_the_newest(tmp_path: Path) -> None:
    settings = load_settings(_env_file=None, database=tmp_path / "v.db",
                             data_dir=tmp_path / "data", backup_dir=tmp_path / "b",
                             backup_keep=2)  # fmt: skip
    await (await Store.open(settings.database)).close()
    settings.backup_dir.mkdir()
    for day in (1, 2, 3):  # three archives from last week
        old = settings.backup_dir / f"vigie-sauvegarde-2026110{day}-030000.tar.gz"
        old.write_bytes(b"old")
        stamp = datetime(2026, 11, day, 3, tzinfo=UTC).timestamp()
        os.utime(old, (stamp, stamp))
    task = asyncio.create_task(run_daily_backups(settings, first_delay_s=0))
    try:
        for _ in range(200):
            found = archives(settings.backup_dir)
            if len(found) == 2 and "20261103" in found[0].name:
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
    found = archives(settings.backup_dir)
    assert found[0].name.startswith("vigie-sauvegarde-20261103")
    assert len(found) == 2 and sidecar(found[1]).exists()
    assert restore_backup(found[1], settings, confirmed=True)
