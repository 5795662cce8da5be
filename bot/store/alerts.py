"""The alert outbox: pending rows are sent by the delivery task and marked once acknowledged."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.chat.types import Urgency
from bot.clock import from_iso, to_iso, utcnow
from bot.store.db import Database
from bot.store.mentions import NewAlert, _enqueue


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A pending alert, addressed to one bound chat."""

    id: int
    team_id: int
    chat_ref: int
    mention_id: int | None
    kind: str
    payload: str
    urgency: Urgency
    attempts: int
    created_at: datetime


class Alerts:
    """SQL for the outbox."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def enqueue(
        self, team_id: int, alerts: list[NewAlert], mention_id: int | None = None
    ) -> None:
        """Queue alerts that belong to no new mention (baseline, source health, reminders)."""
        async with self.db.transaction() as conn:
            await _enqueue(conn, team_id, mention_id, alerts)

    async def due(self, now: datetime, limit: int = 100) -> list[OutboxRow]:
        """Pending alerts whose next attempt time has come, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM alerts WHERE status = 'pending' AND next_attempt_at <= ? "
            "ORDER BY id LIMIT ?",
            (to_iso(now), limit),
        )
        return [_row(r) for r in rows]

    async def next_due_at(self) -> datetime | None:
        """When the earliest pending alert becomes due."""
        row = await self.db.fetchone(
            "SELECT min(next_attempt_at) AS t FROM alerts WHERE status = 'pending'"
        )
        return from_iso(row["t"]) if row and row["t"] else None

    async def mark_sent(self, alert_id: int, platform_ref: str = "") -> None:
        """The platform acknowledged the alert."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE alerts SET status = 'sent', sent_at = ?, platform_ref = ?, "
                "attempts = attempts + 1 WHERE id = ?",
                (to_iso(utcnow()), platform_ref, alert_id),
            )

    async def mark_retry(self, alert_id: int, error: str, next_attempt: datetime) -> None:
        """A transient failure: try again later."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE alerts SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
                "WHERE id = ?",
                (error[:500], to_iso(next_attempt), alert_id),
            )

    async def mark_failed(self, alert_id: int, error: str) -> None:
        """Give up on an alert (kept, and shown in /statut)."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE alerts SET status = 'failed', attempts = attempts + 1, last_error = ? "
                "WHERE id = ?",
                (error[:500], alert_id),
            )

    async def counts(self, team_id: int) -> dict[str, int]:
        """How many alerts per status for a team."""
        rows = await self.db.fetchall(
            "SELECT status, count(*) AS n FROM alerts WHERE team_id = ? GROUP BY status", (team_id,)
        )
        return {str(r["status"]): int(r["n"]) for r in rows}


def _row(r: sqlite3.Row) -> OutboxRow:
    created = from_iso(r["created_at"])
    assert created is not None
    return OutboxRow(
        id=int(r["id"]),
        team_id=int(r["team_id"]),
        chat_ref=int(r["chat_ref"]),
        mention_id=r["mention_id"],
        kind=str(r["kind"]),
        payload=str(r["payload"]),
        urgency=Urgency(r["urgency"]),
        attempts=int(r["attempts"]),
        created_at=created,
    )
