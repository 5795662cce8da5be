"""Mentions, the watches they concern, their history, and the outbox rows written with them."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.chat.types import Urgency
from bot.clock import from_iso, to_iso, utcnow
from bot.models import Cue, Flag, Mention, Severity, StoredMention, Triage
from bot.store.db import Database


@dataclass(frozen=True, slots=True)
class NewAlert:
    """An outbox row to write in the same transaction as its mention."""

    chat_ref: int
    kind: str
    payload: str
    urgency: Urgency


AlertBuilder = Callable[[int], list[NewAlert]]

_SELECT = (
    "SELECT m.*, s.kind AS source_kind, s.target AS source_target, "
    "(SELECT group_concat(watch_id) FROM mention_watches mw WHERE mw.mention_id = m.id) "
    "AS watch_list FROM mentions m JOIN sources s ON s.id = m.source_id"
)


class Mentions:
    """SQL for mentions."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def known(self, source_id: int, external_id: str) -> tuple[int, str] | None:
        """The id and content hash of an already stored mention."""
        row = await self.db.fetchone(
            "SELECT id, content_hash FROM mentions WHERE source_id = ? AND external_id = ?",
            (source_id, external_id),
        )
        return (int(row["id"]), str(row["content_hash"])) if row else None

    async def known_keys(self, source_id: int) -> dict[str, tuple[int, str]]:
        """Every stored mention of a source: external id → (id, content hash)."""
        rows = await self.db.fetchall(
            "SELECT id, external_id, content_hash FROM mentions WHERE source_id = ? "
            "AND disappeared_at IS NULL",
            (source_id,),
        )
        return {str(r["external_id"]): (int(r["id"]), str(r["content_hash"])) for r in rows}

    async def insert(
        self,
        team_id: int,
        mention: Mention,
        *,
        content_hash: str,
        triage: Triage,
        watch_ids: list[int],
        alerts: AlertBuilder,
        cases: Sequence[tuple[str, int, float | None]] = (),
    ) -> int:
        """Store a new mention, its alerts and its cases (kind, case id, similarity) atomically."""
        now = to_iso(utcnow())
        row = (
            team_id, mention.source_id, mention.external_id, mention.url, mention.title,
            mention.text, mention.author, mention.rating,
            to_iso(mention.published_at) if mention.published_at else None, now, content_hash,
            triage.severity.value, _flags_json(triage.flags), _cues_json(triage.cues), mention.raw,
        )  # fmt: skip
        async with self.db.transaction() as conn:
            # The mention's own rows in one hand-off to the connection's thread, not five.
            mention_id = await self.db.in_thread(_insert_mention, row, watch_ids, list(cases), now)
            await _enqueue(conn, team_id, mention_id, alerts(mention_id))
        return mention_id

    async def update_content(
        self,
        mention_id: int,
        team_id: int,
        mention: Mention,
        *,
        content_hash: str,
        triage: Triage,
        alerts: AlertBuilder,
        detail: str,
    ) -> None:
        """Record an edited mention (new text, rating, triage) and its alerts atomically."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE mentions SET text=?, title=?, rating=?, author=?, url=?, content_hash=?, "
                "severity=?, flags=?, cues=?, raw=?, disappeared_at=NULL WHERE id=?",
                (
                    mention.text,
                    mention.title,
                    mention.rating,
                    mention.author,
                    mention.url,
                    content_hash,
                    triage.severity.value,
                    _flags_json(triage.flags),
                    _cues_json(triage.cues),
                    mention.raw,
                    mention_id,
                ),
            )
            await _event(conn, mention_id, "edited", detail)
            await _enqueue(conn, team_id, mention_id, alerts(mention_id))

    async def disappeared_keys(self, source_id: int) -> dict[str, tuple[int, str]]:
        """The mentions of a source marked vanished: external id → (id, content hash)."""
        rows = await self.db.fetchall(
            "SELECT id, external_id, content_hash FROM mentions WHERE source_id = ? "
            "AND disappeared_at IS NOT NULL",
            (source_id,),
        )
        return {str(r["external_id"]): (int(r["id"]), str(r["content_hash"])) for r in rows}

    async def mark_reappeared(self, mention_id: int) -> None:
        """A vanished review is back on its listing or page."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE mentions SET disappeared_at = NULL WHERE id = ?", (mention_id,)
            )
            await _event(conn, mention_id, "reappeared", "")

    async def rekey(self, mention_id: int, external_id: str) -> None:
        """Give a stored mention the stable key its source now uses (page items)."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE mentions SET external_id = ? WHERE id = ?", (external_id, mention_id)
            )

    async def mark_disappeared(self, mention_ids: list[int]) -> None:
        """Note that reviews vanished from a complete listing (useful after a removal request)."""
        if not mention_ids:
            return
        now = to_iso(utcnow())
        async with self.db.transaction() as conn:
            for mention_id in mention_ids:
                await conn.execute(
                    "UPDATE mentions SET disappeared_at = ? WHERE id = ?", (now, mention_id)
                )
                await _event(conn, mention_id, "disappeared", "")

    async def get(self, team_id: int, mention_id: int) -> StoredMention | None:
        """One of a team's mentions (None for another team's id: never leak)."""
        row = await self.db.fetchone(
            f"{_SELECT} WHERE m.id = ? AND m.team_id = ?", (mention_id, team_id)
        )
        return _mention(row) if row else None

    async def latest(
        self,
        team_id: int,
        *,
        limit: int = 10,
        watch_id: int | None = None,
        risky_only: bool = False,
        open_only: bool = False,
        since: datetime | None = None,
    ) -> list[StoredMention]:
        """A team's most recent mentions, optionally filtered."""
        where = ["m.team_id = ?"]
        params: list[object] = [team_id]
        if watch_id is not None:
            where.append("m.id IN (SELECT mention_id FROM mention_watches WHERE watch_id = ?)")
            params.append(watch_id)
        if risky_only:
            where.append("m.flags != '[]'")
        if open_only:
            where.append("m.handled_at IS NULL AND (m.flags != '[]' OR m.severity = 'negative')")
        if since is not None:
            where.append("m.detected_at >= ?")
            params.append(to_iso(since))
        params.append(limit)
        rows = await self.db.fetchall(
            f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY m.id DESC LIMIT ?", tuple(params)
        )
        return [_mention(r) for r in rows]

    async def all_of(self, team_id: int) -> list[StoredMention]:
        """Every mention of a team, oldest first (export)."""
        rows = await self.db.fetchall(f"{_SELECT} WHERE m.team_id = ? ORDER BY m.id", (team_id,))
        return [_mention(r) for r in rows]

    async def detected_before(self, cutoff: datetime) -> list[StoredMention]:
        """Every team's mentions detected before `cutoff`, oldest first (what a purge considers)."""
        rows = await self.db.fetchall(
            f"{_SELECT} WHERE m.detected_at < ? ORDER BY m.id", (to_iso(cutoff),)
        )
        return [_mention(r) for r in rows]

    async def purge(self, mentions: list[StoredMention]) -> int:
        """Delete mentions with their alerts and history, leaving a tombstone of each key.

        Their captures stay, detached (`mention_id` set to NULL by the schema).
        """
        now = to_iso(utcnow())
        removed = 0
        async with self.db.transaction() as conn:
            for start in range(0, len(mentions), 500):
                chunk = mentions[start : start + 500]
                await conn.executemany(
                    "INSERT OR IGNORE INTO purged_keys (source_id, key_sha256, purged_at) "
                    "VALUES (?, ?, ?)",
                    [(m.source_id, tombstone_key(m.external_id), now) for m in chunk],
                )
                marks = ",".join("?" * len(chunk))
                cur = await conn.execute(
                    f"DELETE FROM mentions WHERE id IN ({marks})",  # noqa: S608 - only "?"
                    tuple(m.id for m in chunk),
                )
                removed += cur.rowcount
        return removed

    async def tombstones(self, source_id: int) -> frozenset[str]:
        """The tombstone keys of a source's purged mentions (see `tombstone_key`)."""
        rows = await self.db.fetchall(
            "SELECT key_sha256 FROM purged_keys WHERE source_id = ?", (source_id,)
        )
        return frozenset(str(r["key_sha256"]) for r in rows)

    async def count(self, team_id: int) -> int:
        """How many mentions a team has."""
        row = await self.db.fetchone(
            "SELECT count(*) AS n FROM mentions WHERE team_id = ?", (team_id,)
        )
        return int(row["n"]) if row else 0

    async def mark_handled(self, team_id: int, mention_id: int, *, by: str) -> bool:
        """Mark a mention handled (stops its reminders); False if not found or already handled."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE mentions SET handled_at = ? WHERE id = ? AND team_id = ? "
                "AND handled_at IS NULL",
                (to_iso(utcnow()), mention_id, team_id),
            )
            if cur.rowcount == 1:
                await _event(conn, mention_id, "handled", by)
                return True
            return False

    async def add_event(self, mention_id: int, kind: str, detail: str = "") -> None:
        """Add a timeline event (letter generated, notice sent, reminder…)."""
        async with self.db.transaction() as conn:
            await _event(conn, mention_id, kind, detail)

    async def events(self, mention_id: int) -> list[tuple[datetime, str, str]]:
        """A mention's timeline, oldest first."""
        rows = await self.db.fetchall(
            "SELECT at, kind, detail FROM mention_events WHERE mention_id = ? ORDER BY at, id",
            (mention_id,),
        )
        out: list[tuple[datetime, str, str]] = []
        for r in rows:
            at = from_iso(r["at"])
            assert at is not None
            out.append((at, str(r["kind"]), str(r["detail"])))
        return out


def tombstone_key(external_id: str) -> str:
    """What a purge keeps of an item's key: its SHA-256, enough to recognise it, nothing more."""
    return hashlib.sha256(external_id.encode("utf-8", "surrogatepass")).hexdigest()


def _insert_mention(
    conn: sqlite3.Connection,
    row: tuple[object, ...],
    watch_ids: list[int],
    cases: list[tuple[str, int, float | None]],
    now: str,
) -> int:
    cur = conn.execute(
        "INSERT INTO mentions (team_id, source_id, external_id, url, title, text, author, "
        "rating, published_at, detected_at, content_hash, severity, flags, cues, raw) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        row,
    )
    mention_id = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT OR IGNORE INTO mention_watches (mention_id, watch_id) VALUES (?, ?)",
        [(mention_id, w) for w in watch_ids],
    )
    conn.execute(
        "INSERT INTO mention_events (mention_id, at, kind, detail) VALUES (?, ?, 'detected', '')",
        (mention_id, now),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO mention_cases (mention_id, kind, case_id, similarity) "
        "VALUES (?,?,?,?)",
        [(mention_id, kind, case_id, score) for kind, case_id, score in cases],
    )
    return mention_id


async def _event(conn: aiosqlite.Connection, mention_id: int, kind: str, detail: str) -> None:
    await conn.execute(
        "INSERT INTO mention_events (mention_id, at, kind, detail) VALUES (?, ?, ?, ?)",
        (mention_id, to_iso(utcnow()), kind, detail),
    )


async def _enqueue(
    conn: aiosqlite.Connection, team_id: int, mention_id: int | None, alerts: list[NewAlert]
) -> None:
    now = to_iso(utcnow())
    await conn.executemany(
        "INSERT INTO alerts (team_id, chat_ref, mention_id, kind, payload, urgency, "
        "next_attempt_at, created_at) VALUES (?,?,?,?,?,?,?,?)",
        [
            (team_id, a.chat_ref, mention_id, a.kind, a.payload, a.urgency.value, now, now)
            for a in alerts
        ],
    )


def _flags_json(flags: frozenset[Flag]) -> str:
    return json.dumps(sorted(f.value for f in flags))


def _cues_json(cues: tuple[Cue, ...]) -> str:
    return json.dumps(
        [
            {"flag": c.flag.value if c.flag else None, "words": c.words, "reason": c.reason}
            for c in cues
        ],
        ensure_ascii=False,
    )


def _mention(row: sqlite3.Row) -> StoredMention:
    detected = from_iso(row["detected_at"])
    assert detected is not None
    watch_list = row["watch_list"]
    return StoredMention(
        id=int(row["id"]),
        team_id=int(row["team_id"]),
        source_id=int(row["source_id"]),
        source_kind=str(row["source_kind"]),
        source_label=str(row["source_target"]),
        external_id=str(row["external_id"]),
        url=row["url"],
        title=row["title"],
        text=row["text"],
        author=row["author"],
        rating=row["rating"],
        published_at=from_iso(row["published_at"]),
        detected_at=detected,
        content_hash=row["content_hash"],
        severity=Severity(row["severity"]),
        flags=frozenset(Flag(f) for f in json.loads(row["flags"])),
        cues=tuple(
            Cue(Flag(c["flag"]) if c["flag"] else None, c["words"], c["reason"])
            for c in json.loads(row["cues"])
        ),
        watch_ids=tuple(int(w) for w in str(watch_list).split(",")) if watch_list else (),
        handled_at=from_iso(row["handled_at"]),
        raw=row["raw"],
        disappeared_at=from_iso(row["disappeared_at"]),
    )
