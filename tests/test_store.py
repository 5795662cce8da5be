"""The store: migrations, refusing foreign or corrupt files, uniqueness and atomic outbox writes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.chat.types import Urgency
from bot.models import Mention, Severity, Triage, WatchKind
from bot.store import NewAlert, Store, StoreError
from bot.store.schema import MIGRATIONS


async def test_migrations_are_applied_once_and_reopen_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    store = await Store.open(path)
    team = await store.teams.create("A")
    await store.watches.add(team, "Marie Dupont", WatchKind.PRACTITIONER)
    await store.close()
    store = await Store.open(path)
    assert [w.name for w in await store.watches.active(team)] == ["Marie Dupont"]
    await store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_foreign_sqlite_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE accounts (id INTEGER)")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="n'appartient pas à Vigie"):
        await Store.open(path)
    assert path.read_bytes() == before


async def test_corrupt_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database" * 200)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="pas une base SQLite lisible"):
        await Store.open(path)
    assert path.read_bytes() == before


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    await (await Store.open(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={len(MIGRATIONS) + 5}")
    with pytest.raises(StoreError, match="plus récente"):
        await Store.open(path)


async def test_mention_unique_per_source_and_outbox_written_with_it(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "v.db")
    team = await store.teams.create("A")
    chat = await store.teams.bind_chat(team, "test", "c1")
    source = await store.sources.add(
        team, "feed", "https://e.fr/f", selector=None, watch_id=None, interval_s=60
    )
    mention = Mention(source_id=source, external_id="id-1", url=None, title=None, text="Bonjour")
    triage = Triage(severity=Severity.NEUTRAL)

    def alerts(mention_id: int) -> list[NewAlert]:
        return [NewAlert(chat.id, "new", f'{{"m": {mention_id}}}', Urgency.NORMAL)]

    mention_id = await store.mentions.insert(
        team, mention, content_hash="h1", triage=triage, watch_ids=[], alerts=alerts
    )
    assert await store.mentions.known(source, "id-1") == (mention_id, "h1")
    with pytest.raises(sqlite3.IntegrityError):
        await store.mentions.insert(
            team, mention, content_hash="h1", triage=triage, watch_ids=[], alerts=alerts
        )
    # The failed insert wrote no orphan alert: exactly one outbox row exists.
    assert await store.alerts.counts(team) == {"pending": 1}

    def broken(mention_id: int) -> list[NewAlert]:
        raise RuntimeError("renderer crashed")

    other = Mention(source_id=source, external_id="id-2", url=None, title=None, text="Salut")
    with pytest.raises(RuntimeError):
        await store.mentions.insert(
            team, other, content_hash="h2", triage=triage, watch_ids=[], alerts=broken
        )
    assert await store.mentions.known(source, "id-2") is None  # rolled back with its alerts
    await store.close()


async def test_unwritable_database_location_is_explained(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        import os

        if os.geteuid() == 0:
            # root ignores permissions; use a path under a regular file instead.
            target = tmp_path / "file"
            target.write_text("x")
            with pytest.raises(StoreError, match="VIGIE_DATABASE"):
                await Store.open(target / "vigie.db")
        else:
            with pytest.raises(StoreError, match="VIGIE_DATABASE"):
                await Store.open(locked / "vigie.db")
    finally:
        locked.chmod(0o700)
