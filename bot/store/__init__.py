"""The store: every SQL statement of Vigie lives in this package (SQLite by default)."""

from __future__ import annotations

from pathlib import Path

from bot.store.alerts import Alerts, OutboxRow
from bot.store.captures import Captures
from bot.store.cases import Cases
from bot.store.db import Database, StoreError
from bot.store.mentions import Mentions, NewAlert
from bot.store.ops import Ops
from bot.store.sources import SourceRow, Sources
from bot.store.teams import Teams, normalise_code
from bot.store.watches import DuplicateWatch, Watches, identity_key

__all__ = [
    "DuplicateWatch",
    "NewAlert",
    "OutboxRow",
    "SourceRow",
    "Store",
    "StoreError",
    "identity_key",
    "normalise_code",
]


class Store:
    """One database and the repositories over it."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.teams = Teams(db)
        self.watches = Watches(db)
        self.sources = Sources(db)
        self.mentions = Mentions(db)
        self.alerts = Alerts(db)
        self.captures = Captures(db)
        self.cases = Cases(db)
        self.ops = Ops(db)

    @classmethod
    async def open(cls, path: Path) -> Store:
        """Open and migrate the database; raise `StoreError` with a clear message."""
        return cls(await Database.open(path))

    async def close(self) -> None:
        """Close the database."""
        await self.db.close()
