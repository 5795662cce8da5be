"""Typed ports between the router, commands and engines: the outbox, the monitor, captures."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from bot.chat.codec import encode_reply
from bot.chat.types import Reply
from bot.store import NewAlert, SourceRow, Store


@dataclass
class PollOutcome:
    """What one poll did, for /bilan and the logs."""

    source_id: int
    new: int = 0
    edited: int = 0
    vanished: int = 0
    error: str | None = None
    not_modified: bool = False


class MonitorPort(Protocol):
    """The running monitor, as commands see it (`/source`, `/bilan`, watchlist changes)."""

    def wake(self) -> None:
        """Poll due sources now."""

    async def poll_sources(self, rows: list[SourceRow]) -> list[PollOutcome]:
        """Poll these sources now, whatever their schedule."""
        ...

    async def rebuild_matcher(self) -> None:
        """Index every active watch again."""


class CapturePort(Protocol):
    """The process's capture engine, as far as the process needs it (closing it at exit)."""

    async def close(self) -> None:
        """Stop the browser."""


class Outbox:
    """Encodes a reply, makes one row per chat of the team, queues them and wakes delivery."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, wake: Callable[[], None]) -> None:
        """Call `wake` whenever something was queued (the delivery task subscribes)."""
        if wake not in self._listeners:
            self._listeners.append(wake)

    def wake(self) -> None:
        """Tell delivery that rows were queued (also after a store call that queued them)."""
        for listener in self._listeners:
            listener()

    @staticmethod
    def rows(chats: Iterable[int], kind: str, message: Reply) -> list[NewAlert]:
        """The outbox rows of one reply for these chats (for a store call that queues them)."""
        payload = encode_reply(message)
        return [NewAlert(chat, kind, payload, message.urgency) for chat in chats]

    async def post(
        self, team_id: int, kind: str, message: Reply, *, mention_id: int | None = None
    ) -> int:
        """Queue `message` for every chat of the team, about a mention or not; wake delivery."""
        chats = await self._store.teams.chats_of(team_id)
        alerts = self.rows((c.id for c in chats), kind, message)
        if alerts:
            await self._store.alerts.enqueue(team_id, alerts, mention_id)
            self.wake()
        return len(alerts)
