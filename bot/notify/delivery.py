"""The delivery task: sends the outbox in order per chat; an alert is sent once acknowledged."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from datetime import timedelta

from bot.chat.codec import decode_reply
from bot.chat.transport import ChatTransport, SendError
from bot.clock import utcnow
from bot.notify.alert_text import for_delivery
from bot.services import Services
from bot.store import OutboxRow

log = logging.getLogger(__name__)

GIVE_UP_AFTER = timedelta(days=3)
MAX_RETRY_DELAY = 15 * 60.0


class Delivery:
    """Drains the outbox through the adapters; a crash at any point loses nothing."""

    def __init__(self, services: Services, transports: dict[str, ChatTransport]) -> None:
        self.services = services
        self.transports = transports
        self._wake = asyncio.Event()
        services.outbox.subscribe(self.wake)

    def wake(self) -> None:
        """New alerts were written: send them now."""
        self._wake.set()

    async def run(self) -> None:
        """Send due alerts forever, sleeping until the next is due or someone wakes it."""
        while True:
            self._wake.clear()
            await self.send_due()
            next_due = await self.services.store.alerts.next_due_at()
            delay = 30.0
            if next_due is not None:
                delay = min(30.0, max(0.02, (next_due - utcnow()).total_seconds()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def send_due(self) -> int:
        """Send every due alert once; chats in parallel, each chat's alerts in order."""
        sent = 0
        while True:
            rows = await self.services.store.alerts.due(utcnow(), limit=200)
            if not rows:
                return sent
            by_chat: defaultdict[int, list[OutboxRow]] = defaultdict(list)
            for row in rows:
                by_chat[row.chat_ref].append(row)
            results = await asyncio.gather(*(self._send_chat(rs) for rs in by_chat.values()))
            sent += sum(results)
            if sum(results) == 0:
                return sent

    async def _send_chat(self, rows: list[OutboxRow]) -> int:
        store = self.services.store
        chat = await store.teams.chat_by_ref(rows[0].chat_ref)
        if chat is None:
            for row in rows:
                await store.alerts.mark_failed(row.id, "conversation déliée")
            return 0
        transport = self.transports.get(chat.platform)
        if transport is None:
            # The adapter is not running in this process: keep the alerts for later.
            for row in rows:
                await store.alerts.mark_retry(
                    row.id, "adaptateur absent", utcnow() + timedelta(minutes=5)
                )
            return 0
        settings = await store.teams.settings(chat.team_id)
        tz = self.services.settings.tz
        sent = 0
        for row in rows:
            message = for_delivery(decode_reply(row.payload), settings, utcnow(), tz)
            try:
                ref = await transport.send(chat.chat_id, message)
            except SendError as exc:
                await self._failed(row, exc)
                break  # keep this chat's order: the next ones wait for this one
            except Exception as exc:
                log.exception("sending alert %s failed unexpectedly", row.id)
                await self._failed(row, SendError(type(exc).__name__))
                break
            await store.alerts.mark_sent(row.id, ref)
            sent += 1
        return sent

    async def _failed(self, row: OutboxRow, exc: SendError) -> None:
        store = self.services.store
        if exc.permanent or utcnow() - row.created_at > GIVE_UP_AFTER:
            log.warning("alert %s given up: %s", row.id, exc)
            await store.alerts.mark_failed(row.id, str(exc))
            return
        delay = (
            exc.retry_after
            if exc.retry_after is not None
            else min(MAX_RETRY_DELAY, 2.0 ** min(row.attempts + 1, 12))
        )
        await store.alerts.mark_retry(row.id, str(exc), utcnow() + timedelta(seconds=delay))
