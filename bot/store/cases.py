"""Cases that group mentions (one text copied across sites, a wave of reviews) and wave settings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from bot.clock import to_iso
from bot.models import StoredMention
from bot.store.db import Database
from bot.store.mentions import _SELECT, _mention

_IN_CASE = (
    " WHERE m.team_id = ? AND (m.id = ? OR m.id IN (SELECT mention_id FROM mention_cases "
    "WHERE case_id = ? AND kind = ?)) ORDER BY m.id"
)
_NEGATIVE_SINCE = (
    " WHERE m.source_id = ? AND coalesce(m.published_at, m.detected_at) >= ? "
    "AND (m.rating <= 2 OR m.severity = 'negative' OR m.flags != '[]') ORDER BY m.id"
)
DEFAULT_WAVE_REVIEWS = 3
DEFAULT_WAVE_HOURS = 48


@dataclass(frozen=True, slots=True)
class CaseLink:
    """A mention's place in a case: the case's first mention and how close it is to it."""

    kind: str
    case_id: int
    similarity: float | None = None


@dataclass(frozen=True, slots=True)
class WaveSettings:
    """How many negative reviews on one listing, within how many hours, make a wave."""

    min_reviews: int = DEFAULT_WAVE_REVIEWS
    window_hours: int = DEFAULT_WAVE_HOURS


class Cases:
    """SQL for mention cases and wave settings."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def wave_settings(self, team_id: int) -> WaveSettings:
        """A team's wave threshold (3 in 48 h unless changed with /reglages vague)."""
        row = await self.db.fetchone(
            "SELECT min_reviews, window_hours FROM team_waves WHERE team_id = ?", (team_id,)
        )
        if row is None:
            return WaveSettings()
        return WaveSettings(int(row["min_reviews"]), int(row["window_hours"]))

    async def set_wave_settings(self, team_id: int, wave: WaveSettings) -> None:
        """Change a team's wave threshold."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO team_waves (team_id, min_reviews, window_hours) VALUES (?,?,?) "
                "ON CONFLICT (team_id) DO UPDATE SET min_reviews = excluded.min_reviews, "
                "window_hours = excluded.window_hours",
                (team_id, wave.min_reviews, wave.window_hours),
            )

    async def link(self, mention_ids: list[int], link: CaseLink) -> None:
        """Put mentions already stored in a case (older reviews joining a wave)."""
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT OR IGNORE INTO mention_cases (mention_id, kind, case_id, similarity) "
                "VALUES (?,?,?,?)",
                [(m, link.kind, link.case_id, link.similarity) for m in mention_ids],
            )

    async def case_of(self, mention_id: int, kind: str) -> int | None:
        """The case of a mention for one kind of grouping, if any."""
        row = await self.db.fetchone(
            "SELECT case_id FROM mention_cases WHERE mention_id = ? AND kind = ?",
            (mention_id, kind),
        )
        return int(row["case_id"]) if row else None

    async def cases_of(self, mention_id: int) -> list[CaseLink]:
        """Every case a mention belongs to."""
        rows = await self.db.fetchall(
            "SELECT kind, case_id, similarity FROM mention_cases WHERE mention_id = ?",
            (mention_id,),
        )
        return [CaseLink(str(r["kind"]), int(r["case_id"]), r["similarity"]) for r in rows]

    async def members(self, team_id: int, case_id: int, kind: str) -> list[StoredMention]:
        """A case's mentions, its first one included, oldest first."""
        rows = await self.db.fetchall(
            _SELECT + _IN_CASE,
            (team_id, case_id, case_id, kind),
        )
        return [_mention(r) for r in rows]

    async def alerted(self, mention_ids: list[int]) -> bool:
        """True when one of these mentions was announced by a full alert."""
        if not mention_ids:
            return False
        row = await self.db.fetchone(
            "SELECT 1 FROM alerts WHERE mention_id IN (SELECT value FROM json_each(?)) "
            "AND kind = 'new' LIMIT 1",
            (json.dumps(mention_ids),),
        )
        return row is not None

    async def recent_negatives(self, source_id: int, since: datetime) -> list[StoredMention]:
        """A listing's negative reviews (1–2★, negative tone or legal risk) since a time."""
        rows = await self.db.fetchall(
            _SELECT + _NEGATIVE_SINCE,
            (source_id, to_iso(since)),
        )
        return [_mention(r) for r in rows]

    async def texts(self) -> list[tuple[int, int, str | None, str]]:
        """Every mention's id, team, title and text, to load the near-duplicate index."""
        rows = await self.db.fetchall("SELECT id, team_id, title, text FROM mentions ORDER BY id")
        return [(int(r["id"]), int(r["team_id"]), r["title"], str(r["text"])) for r in rows]


def when(mention: StoredMention) -> datetime:
    """When a mention appeared: its publication time, else when Vigie saw it."""
    return mention.published_at or mention.detected_at
