"""A poll's writes in one transaction and one thread hand-off: mentions, events, alerts, source."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.clock import to_iso, utcnow
from bot.models import Mention, Triage
from bot.store.db import Database
from bot.store.mentions import NewAlert, _cues_json, _flags_json


@dataclass(frozen=True, slots=True)
class NewMentionRow:
    """A mention to insert, with its triage and the watches it concerns."""

    mention: Mention
    content_hash: str
    triage: Triage
    watch_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class EditRow:
    """A known mention's new content, with its event detail and alerts."""

    mention_id: int
    mention: Mention
    content_hash: str
    triage: Triage
    detail: str
    alerts: Sequence[NewAlert]


@dataclass(frozen=True, slots=True)
class SourceSuccess:
    """What a successful poll leaves on its source: validators and the next poll time."""

    source_id: int
    state: str
    next_poll: datetime


# The alerts of the new mentions, given their ids (in order): one list per mention.
NewAlertsBuilder = Callable[[list[int]], list[list[NewAlert]]]


class Polls:
    """Batched writes for the monitor: a thread hand-off per poll, not per statement."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        team_id: int,
        *,
        new: Sequence[NewMentionRow] = (),
        new_alerts: NewAlertsBuilder | None = None,
        edits: Sequence[EditRow] = (),
        success: SourceSuccess | None = None,
    ) -> list[int]:
        """Store a poll's new and edited mentions, their alerts and the source's success at once.

        All of it is committed, or none: a crash leaves the source due, and the next poll
        brings the same items again. Returns the new mentions' ids, in order.
        """
        now = to_iso(utcnow())
        async with self.db.transaction():
            ids = await self.db.in_thread(_insert_new, team_id, list(new), now)
            alerts = new_alerts(ids) if new_alerts is not None else [[] for _ in ids]
            await self.db.in_thread(_write_rest, team_id, ids, alerts, list(edits), success, now)
        return ids

    async def record_successes(self, successes: Sequence[SourceSuccess]) -> None:
        """Many sources that answered « not modified »: one statement for all of them."""
        if not successes:
            return
        now = to_iso(utcnow())
        async with self.db.transaction():
            await self.db.in_thread(_successes, list(successes), now)


def _insert_new(
    conn: sqlite3.Connection, team_id: int, rows: list[NewMentionRow], now: str
) -> list[int]:
    ids: list[int] = []
    for row in rows:
        m = row.mention
        cur = conn.execute(
            "INSERT INTO mentions (team_id, source_id, external_id, url, title, text, author, "
            "rating, published_at, detected_at, content_hash, severity, flags, cues, raw) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                team_id, m.source_id, m.external_id, m.url, m.title, m.text, m.author, m.rating,
                to_iso(m.published_at) if m.published_at else None, now, row.content_hash,
                row.triage.severity.value, _flags_json(row.triage.flags),
                _cues_json(row.triage.cues), m.raw,
            ),
        )  # fmt: skip
        ids.append(int(cur.lastrowid or 0))
    conn.executemany(
        "INSERT OR IGNORE INTO mention_watches (mention_id, watch_id) VALUES (?, ?)",
        [(mid, w) for mid, row in zip(ids, rows, strict=True) for w in row.watch_ids],
    )
    conn.executemany(
        "INSERT INTO mention_events (mention_id, at, kind, detail) VALUES (?, ?, 'detected', '')",
        [(mid, now) for mid in ids],
    )
    return ids


def _write_rest(
    conn: sqlite3.Connection,
    team_id: int,
    ids: list[int],
    alerts: list[list[NewAlert]],
    edits: list[EditRow],
    success: SourceSuccess | None,
    now: str,
) -> None:
    for e in edits:
        m = e.mention
        conn.execute(
            "UPDATE mentions SET text=?, title=?, rating=?, author=?, url=?, content_hash=?, "
            "severity=?, flags=?, cues=?, raw=?, disappeared_at=NULL WHERE id=?",
            (
                m.text, m.title, m.rating, m.author, m.url, e.content_hash,
                e.triage.severity.value, _flags_json(e.triage.flags), _cues_json(e.triage.cues),
                m.raw, e.mention_id,
            ),
        )  # fmt: skip
    conn.executemany(
        "INSERT INTO mention_events (mention_id, at, kind, detail) VALUES (?, ?, 'edited', ?)",
        [(e.mention_id, now, e.detail) for e in edits],
    )
    pending = [(mid, a) for mid, batch in zip(ids, alerts, strict=True) for a in batch]
    pending += [(e.mention_id, a) for e in edits for a in e.alerts]
    conn.executemany(
        "INSERT INTO alerts (team_id, chat_ref, mention_id, kind, payload, urgency, "
        "next_attempt_at, created_at) VALUES (?,?,?,?,?,?,?,?)",
        [
            (team_id, a.chat_ref, mid, a.kind, a.payload, a.urgency.value, now, now)
            for mid, a in pending
        ],
    )
    if success is not None:
        _successes(conn, [success], now)


def _successes(conn: sqlite3.Connection, successes: list[SourceSuccess], now: str) -> None:
    conn.executemany(
        "UPDATE sources SET state = ?, next_poll_at = ?, last_poll_at = ?, "
        "last_success_at = ?, consecutive_failures = 0, baseline_done = 1 WHERE id = ?",
        [(s.state, to_iso(s.next_poll), now, now, s.source_id) for s in successes],
    )
