"""The team's sources: what to poll, when, the validators carried between polls, and health."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.clock import from_iso, to_iso, utcnow
from bot.store.db import Database
from bot.store.watches import CapReached


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A source as stored, with its health."""

    id: int
    team_id: int
    kind: str
    target: str
    selector: str | None
    watch_id: int | None
    interval_s: int
    state: str
    baseline_done: bool
    next_poll_at: datetime | None
    last_poll_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    failing_notified: bool


class Sources:
    """SQL for sources."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        team_id: int,
        kind: str,
        target: str,
        *,
        selector: str | None,
        watch_id: int | None,
        interval_s: int,
        cap: int | None = None,
    ) -> int:
        """Register a source, due for its first (baseline) poll now; raise `CapReached` if the
        team already has `cap` active sources (counted in the same statement)."""
        now = to_iso(utcnow())
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO sources (team_id, kind, target, selector, watch_id, interval_s, "
                "created_at, next_poll_at) SELECT ?,?,?,?,?,?,?,? WHERE ? IS NULL OR "
                "(SELECT count(*) FROM sources WHERE team_id = ? AND removed_at IS NULL) < ?",
                (
                    *(team_id, kind, target, selector, watch_id, interval_s, now, now),
                    *(cap, team_id, cap),
                ),
            )
            if cur.rowcount == 0:
                raise CapReached(cap or 0)
            return int(cur.lastrowid or 0)

    async def active(self, team_id: int) -> list[SourceRow]:
        """A team's current sources, in the order `/source` numbers them."""
        rows = await self.db.fetchall(
            "SELECT * FROM sources WHERE team_id = ? AND removed_at IS NULL ORDER BY id", (team_id,)
        )
        return [_row(r) for r in rows]

    async def get(self, source_id: int) -> SourceRow | None:
        """A source by id."""
        row = await self.db.fetchone("SELECT * FROM sources WHERE id = ?", (source_id,))
        return _row(row) if row else None

    async def find(self, team_id: int, kind: str, target: str, selector: str | None) -> int | None:
        """An active source with the same target (to refuse duplicates)."""
        row = await self.db.fetchone(
            "SELECT id FROM sources WHERE team_id = ? AND kind = ? AND target = ? "
            "AND coalesce(selector, '') = coalesce(?, '') AND removed_at IS NULL",
            (team_id, kind, target, selector),
        )
        return int(row["id"]) if row else None

    async def remove(self, team_id: int, source_id: int) -> bool:
        """Stop polling a source (its mentions are kept)."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE sources SET removed_at = ? WHERE id = ? AND team_id = ? "
                "AND removed_at IS NULL",
                (to_iso(utcnow()), source_id, team_id),
            )
            return cur.rowcount == 1

    async def due(self, now: datetime) -> list[SourceRow]:
        """Active sources whose next poll time has come."""
        rows = await self.db.fetchall(
            "SELECT * FROM sources WHERE removed_at IS NULL AND next_poll_at <= ? "
            "ORDER BY next_poll_at",
            (to_iso(now),),
        )
        return [_row(r) for r in rows]

    async def all_active(self) -> list[SourceRow]:
        """Every team's active sources."""
        rows = await self.db.fetchall("SELECT * FROM sources WHERE removed_at IS NULL ORDER BY id")
        return [_row(r) for r in rows]

    async def next_due_at(self) -> datetime | None:
        """When the earliest source is due."""
        row = await self.db.fetchone(
            "SELECT min(next_poll_at) AS t FROM sources WHERE removed_at IS NULL"
        )
        return from_iso(row["t"]) if row and row["t"] else None

    async def record_success(self, source_id: int, state: str, next_poll: datetime) -> None:
        """A poll worked: keep the validators, reset the failure count, mark the baseline done."""
        now = to_iso(utcnow())
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE sources SET state = ?, next_poll_at = ?, last_poll_at = ?, "
                "last_success_at = ?, consecutive_failures = 0, baseline_done = 1 WHERE id = ?",
                (state, to_iso(next_poll), now, now, source_id),
            )

    async def record_failure(self, source_id: int, error: str, next_poll: datetime) -> int:
        """A poll failed: remember why and when to retry; return the consecutive failures."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE sources SET next_poll_at = ?, last_poll_at = ?, last_error = ?, "
                "consecutive_failures = consecutive_failures + 1 WHERE id = ?",
                (to_iso(next_poll), to_iso(utcnow()), error[:500], source_id),
            )
            async with conn.execute(
                "SELECT consecutive_failures FROM sources WHERE id = ?", (source_id,)
            ) as cur:
                row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def set_failing_notified(self, source_id: int, value: bool) -> None:
        """Remember whether the team was told this source is failing."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE sources SET failing_notified = ? WHERE id = ?", (int(value), source_id)
            )

    async def poll_now(self, team_id: int) -> None:
        """Make every source of a team due immediately (for /bilan)."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE sources SET next_poll_at = ? WHERE team_id = ? AND removed_at IS NULL",
                (to_iso(utcnow()), team_id),
            )


def _row(r: sqlite3.Row) -> SourceRow:
    return SourceRow(
        id=int(r["id"]),
        team_id=int(r["team_id"]),
        kind=str(r["kind"]),
        target=str(r["target"]),
        selector=r["selector"],
        watch_id=r["watch_id"],
        interval_s=int(r["interval_s"]),
        state=str(r["state"]),
        baseline_done=bool(r["baseline_done"]),
        next_poll_at=from_iso(r["next_poll_at"]),
        last_poll_at=from_iso(r["last_poll_at"]),
        last_success_at=from_iso(r["last_success_at"]),
        last_error=r["last_error"],
        consecutive_failures=int(r["consecutive_failures"]),
        failing_notified=bool(r["failing_notified"]),
    )
