"""Watched names: add, list in a stable order, remove (their mentions are kept)."""

from __future__ import annotations

import json
import sqlite3
import unicodedata

from bot.clock import to_iso, utcnow
from bot.models import Watch, WatchKind
from bot.store.db import Database


def identity_key(name: str) -> str:
    """The form two names share when they are the same watch (case, accents, punctuation)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(letters.split())


class CapReached(Exception):
    """The team already has as many watches (or sources) as the server allows."""

    def __init__(self, cap: int) -> None:
        super().__init__(cap)
        self.cap = cap


class DuplicateWatch(Exception):
    """The team already watches this name."""


class Watches:
    """SQL for watched names."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        team_id: int,
        name: str,
        kind: WatchKind,
        *,
        title: str | None = None,
        specialty: str | None = None,
        city: str | None = None,
        aliases: tuple[str, ...] = (),
        cap: int | None = None,
    ) -> Watch:
        """Add a watch; raise `DuplicateWatch` if the team already has this name, and
        `CapReached` if it already has `cap` active watches (counted in the same statement)."""
        key = identity_key(name)
        try:
            async with self.db.transaction() as conn:
                cur = await conn.execute(
                    "INSERT INTO watches (team_id, name, norm_name, kind, title, specialty, city, "
                    "aliases, created_at) SELECT ?,?,?,?,?,?,?,?,? WHERE ? IS NULL OR "
                    "(SELECT count(*) FROM watches WHERE team_id = ? AND removed_at IS NULL) < ?",
                    (
                        team_id,
                        name,
                        key,
                        kind.value,
                        title,
                        specialty,
                        city,
                        json.dumps(list(aliases), ensure_ascii=False),
                        to_iso(utcnow()),
                        cap,
                        team_id,
                        cap,
                    ),
                )
                if cur.rowcount == 0:
                    raise CapReached(cap or 0)
                watch_id = int(cur.lastrowid or 0)
        except sqlite3.IntegrityError as exc:
            raise DuplicateWatch(name) from exc
        return Watch(watch_id, team_id, name, kind, title, specialty, city, aliases)

    async def active(self, team_id: int) -> list[Watch]:
        """A team's current watches, in the order `/liste` numbers them."""
        rows = await self.db.fetchall(
            "SELECT * FROM watches WHERE team_id = ? AND removed_at IS NULL ORDER BY id",
            (team_id,),
        )
        return [_watch(r) for r in rows]

    async def all_active(self) -> list[Watch]:
        """Every team's current watches (the matcher's index)."""
        rows = await self.db.fetchall("SELECT * FROM watches WHERE removed_at IS NULL ORDER BY id")
        return [_watch(r) for r in rows]

    async def get(self, watch_id: int) -> Watch | None:
        """A watch by id, removed or not."""
        row = await self.db.fetchone("SELECT * FROM watches WHERE id = ?", (watch_id,))
        return _watch(row) if row else None

    async def remove(self, team_id: int, watch_id: int) -> bool:
        """Stop watching; mentions stay. False when it was not this team's active watch."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE watches SET removed_at = ? WHERE id = ? AND team_id = ? "
                "AND removed_at IS NULL",
                (to_iso(utcnow()), watch_id, team_id),
            )
            return cur.rowcount == 1


def _watch(row: sqlite3.Row) -> Watch:
    return Watch(
        id=int(row["id"]),
        team_id=int(row["team_id"]),
        name=row["name"],
        kind=WatchKind(row["kind"]),
        title=row["title"],
        specialty=row["specialty"],
        city=row["city"],
        aliases=tuple(json.loads(row["aliases"])),
    )
