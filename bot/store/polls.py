"""The sources of a poll cycle that answered « not modified », recorded in one statement."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.clock import to_iso, utcnow
from bot.store.db import Database


@dataclass(frozen=True, slots=True)
class SourceSuccess:
    """What a successful poll leaves on its source: validators and the next poll time."""

    source_id: int
    state: str
    next_poll: datetime


class Polls:
    """Batched writes for the monitor: one thread hand-off for many sources, not three each."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record_successes(self, successes: Sequence[SourceSuccess]) -> None:
        """Successful polls (most of a cycle's answered 304): one statement for all of them.

        A crash before it leaves those sources due: they are polled again, and answer 304 again.
        """
        if not successes:
            return
        now = to_iso(utcnow())
        async with self.db.transaction():
            await self.db.in_thread(_successes, list(successes), now)


def _successes(conn: sqlite3.Connection, successes: list[SourceSuccess], now: str) -> None:
    conn.executemany(
        "UPDATE sources SET state = ?, next_poll_at = ?, last_poll_at = ?, "
        "last_success_at = ?, consecutive_failures = 0, baseline_done = 1 WHERE id = ?",
        [(s.state, to_iso(s.next_poll), now, now, s.source_id) for s in successes],
    )
