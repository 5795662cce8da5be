"""Figures for the person running the server: start report, health and metrics endpoints."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.store.db import Database


@dataclass(frozen=True, slots=True)
class ServerFigures:
    """Counts over every team (not one team's view, as /statut gives)."""

    teams: int = 0
    chats: int = 0
    sources: int = 0
    failing_sources: int = 0
    mentions: int = 0
    alerts: dict[str, int] = field(default_factory=dict)  # by status
    captures: dict[str, int] = field(default_factory=dict)  # by status


class Ops:
    """Read-only SQL over all teams."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def figures(self) -> ServerFigures:
        """Teams, chats, sources (and failing ones), mentions, alerts and captures by status."""
        one = await self.db.fetchone(
            "SELECT (SELECT count(*) FROM teams), (SELECT count(*) FROM chats), "
            "(SELECT count(*) FROM sources WHERE removed_at IS NULL), "
            "(SELECT count(*) FROM sources WHERE removed_at IS NULL AND consecutive_failures > 0),"
            " (SELECT count(*) FROM mentions)"
        )
        alerts = await self.db.fetchall("SELECT status, count(*) FROM alerts GROUP BY status")
        captures = await self.db.fetchall("SELECT status, count(*) FROM captures GROUP BY status")
        teams, chats, sources, failing, mentions = [int(v or 0) for v in one] if one else [0] * 5
        return ServerFigures(
            teams=teams,
            chats=chats,
            sources=sources,
            failing_sources=failing,
            mentions=mentions,
            alerts={str(r[0]): int(r[1]) for r in alerts},
            captures={str(r[0]): int(r[1]) for r in captures},
        )

    async def ping(self) -> bool:
        """The database answers a trivial query."""
        row = await self.db.fetchone("SELECT 1")
        return row is not None and int(row[0]) == 1
