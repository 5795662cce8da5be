"""Upgrades: a database written by every earlier schema version opens and migrates without loss.

Each fixture is built at test time from the recorded migration history (`MIGRATIONS[:v]`, the
schema SQL exactly as version v shipped it), filled with one row per table, then opened by the
current Vigie.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.schema import APPLICATION_ID, MIGRATIONS

# One row per table of the first schema, in foreign-key order; later tables are filled
# generically from their column types (add rows here when a table needs real values).
ROWS: dict[str, dict[str, object]] = {
    "teams": {"id": 1, "name": "Cabinet des Lilas", "created_at": "2025-01-02T03:04:05+00:00",
              "practitioner_name": "Dr Marie Dupont", "insurer_name": "MACSF"},
    "chats": {"id": 1, "team_id": 1, "platform": "telegram", "chat_id": "-100123",
              "bound_at": "2025-01-02T03:04:05+00:00"},
    "invites": {"code": "ABC-DEF", "team_id": 1, "created_at": "2025-01-02T03:04:05+00:00",
                "expires_at": "2025-01-04T03:04:05+00:00"},
    "join_failures": {"platform": "slack", "chat_id": "C1", "at": "2025-01-02T03:04:05+00:00"},
    "watches": {"id": 1, "team_id": 1, "name": "Dr Marie Dupont", "norm_name": "marie dupont",
                "kind": "practitioner", "city": "Lyon",
                "created_at": "2025-01-02T03:04:05+00:00"},
    "sources": {"id": 1, "team_id": 1, "kind": "feed", "target": "https://e.fr/flux",
                "watch_id": 1, "interval_s": 900, "created_at": "2025-01-02T03:04:05+00:00",
                "state": '{"etag": "x"}'},
    "mentions": {"id": 1, "team_id": 1, "source_id": 1, "external_id": "e1",
                 "url": "https://e.fr/avis/1", "text": "Médecin odieux, à fuir.", "rating": 1,
                 "detected_at": "2025-01-02T03:04:05+00:00", "content_hash": "abc",
                 "severity": "negative", "flags": '["insult"]'},
    "mention_watches": {"mention_id": 1, "watch_id": 1},
    "mention_events": {"id": 1, "mention_id": 1, "at": "2025-01-02T03:04:05+00:00",
                       "kind": "detected"},
    "alerts": {"id": 1, "team_id": 1, "chat_ref": 1, "mention_id": 1, "kind": "new",
               "payload": '{"spans": []}', "urgency": "urgent",
               "next_attempt_at": "2025-01-02T03:04:05+00:00",
               "created_at": "2025-01-02T03:04:05+00:00"},
    "captures": {"id": 1, "team_id": 1, "mention_id": 1, "url": "https://e.fr/avis/1",
                 "requested_by": "alice", "started_at": "2025-01-02T03:04:05+00:00",
                 "status": "complete", "bundle_path": "data/captures/1.zip"},
}  # fmt: skip


def _split(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def _generic_row(conn: sqlite3.Connection, table: str) -> dict[str, object]:
    row: dict[str, object] = {}
    for _, name, kind, notnull, default, pk in conn.execute(f"PRAGMA table_info({table})"):
        if pk or (not notnull and default is None) or default is not None:
            continue
        row[name] = 1 if "INT" in str(kind).upper() else f"{table}-{name}"
    return row


def fixture(path: Path, version: int) -> dict[str, list[tuple[object, ...]]]:
    """A database at schema `version`, one row per table; returns every table's rows."""
    conn = sqlite3.connect(path)
    for number in range(1, version + 1):
        for statement in _split(MIGRATIONS[number - 1]):
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version={version}")
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    order = [t for t in ROWS if t in tables] + [t for t in tables if t not in ROWS]
    for table in order:
        row = ROWS.get(table) or _generic_row(conn, table)
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values()))
    conn.commit()
    snapshot = {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in tables}
    conn.close()
    return snapshot


def columns(conn: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {
        t: [(r[1], r[2]) for r in conn.execute(f"PRAGMA table_info({t})")] for t in sorted(tables)
    }


@pytest.mark.parametrize("version", range(1, len(MIGRATIONS)))
async def test_database_of_an_earlier_schema_migrates_without_loss(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / f"schema-{version}.db"
    before = fixture(path, version)
    assert all(before.values()), "every table of the fixture holds a row"

    store = await Store.open(path)  # what `vigie run` does at start
    # The migrated database serves the current code.
    assert [w.name for w in await store.watches.active(1)] == ["Dr Marie Dupont"]
    assert (await store.mentions.get(1, 1)) is not None
    assert [c.url for c in await store.captures.of_team(1)] == ["https://e.fr/avis/1"]
    await store.close()

    fresh = tmp_path / "fresh.db"
    await (await Store.open(fresh)).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # Nothing lost: each old row is still there, its old columns unchanged.
    for table, rows in before.items():
        width = len(rows[0])
        after = [r[:width] for r in conn.execute(f"SELECT * FROM {table}").fetchall()]
        assert after == rows, table
    with sqlite3.connect(fresh) as new:
        assert columns(conn) == columns(new)  # same schema as a database created today
    conn.close()


async def test_an_empty_file_gets_the_whole_schema(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    await (await Store.open(path)).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
