"""Evidence captures as recorded: who asked, when, for which mention, and the hashes."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from pathlib import Path

from bot.clock import from_iso, to_iso
from bot.models import CaptureRecord
from bot.store.db import Database


class Captures:
    """SQL for captures."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        team_id: int,
        *,
        mention_id: int | None,
        url: str,
        requested_by: str,
        started_at: datetime,
        finished_at: datetime | None,
        bundle_path: str | None,
        screenshot_sha256: str | None,
        bundle_sha256: str | None,
        status: str,
        note: str = "",
    ) -> int:
        """Record a finished capture (successful or not) and return its id."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO captures (team_id, mention_id, url, requested_by, started_at, "
                "finished_at, bundle_path, screenshot_sha256, bundle_sha256, status, note) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    team_id,
                    mention_id,
                    url,
                    requested_by,
                    to_iso(started_at),
                    to_iso(finished_at) if finished_at else None,
                    bundle_path,
                    screenshot_sha256,
                    bundle_sha256,
                    status,
                    note,
                ),
            )
            capture_id = int(cur.lastrowid or 0)
            if mention_id is not None:
                await conn.execute(
                    "INSERT INTO mention_events (mention_id, at, kind, detail) VALUES (?,?,?,?)",
                    (mention_id, to_iso(started_at), "captured", f"capture {capture_id}"),
                )
            return capture_id

    async def for_mention(self, team_id: int, mention_id: int) -> list[CaptureRecord]:
        """A mention's captures, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM captures WHERE team_id = ? AND mention_id = ? ORDER BY id",
            (team_id, mention_id),
        )
        return [_record(r) for r in rows]

    async def of_team(self, team_id: int) -> list[CaptureRecord]:
        """A team's captures (export)."""
        rows = await self.db.fetchall(
            "SELECT * FROM captures WHERE team_id = ? ORDER BY id", (team_id,)
        )
        return [_record(r) for r in rows]


def find_bundle(database: Path, name: str, sha256: str) -> tuple[int, str] | None:
    """(capture id, recorded bundle hash) for a bundle file name or hash, read-only.

    For `vigie verify` on the server: it opens the database without writing to it, and finds
    the capture by the ZIP's name (`…/NAME.zip`), by its hash, or by `capture-N.zip` (the
    name a case file gives it).
    """
    if not database.is_file():
        return None
    conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        row = conn.execute(
            "SELECT id, bundle_sha256 FROM captures WHERE bundle_sha256 = ? "
            "OR bundle_path LIKE ? ESCAPE '!' ORDER BY bundle_sha256 = ? DESC LIMIT 1",
            (sha256, "%/" + name.replace("!", "!!").replace("%", "!%").replace("_", "!_"), sha256),
        ).fetchone()
        if row is None and (match := re.fullmatch(r"capture-(\d+)\.zip", Path(name).name)):
            row = conn.execute(
                "SELECT id, bundle_sha256 FROM captures WHERE id = ?", (int(match.group(1)),)
            ).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    if row is None or not row[1]:
        return None
    return int(row[0]), str(row[1])


def _record(r: sqlite3.Row) -> CaptureRecord:
    started = from_iso(r["started_at"])
    assert started is not None
    return CaptureRecord(
        id=int(r["id"]),
        team_id=int(r["team_id"]),
        mention_id=r["mention_id"],
        url=str(r["url"]),
        requested_by=str(r["requested_by"]),
        started_at=started,
        finished_at=from_iso(r["finished_at"]),
        bundle_path=r["bundle_path"],
        screenshot_sha256=r["screenshot_sha256"],
        bundle_sha256=r["bundle_sha256"],
        status=str(r["status"]),
        note=str(r["note"]),
    )
