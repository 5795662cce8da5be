"""The weekly digest, pushed silently to each team on its day and hour (`/reglages resume`)."""

from __future__ import annotations

import asyncio
import logging

from bot.clock import utcnow
from bot.report import digest_due, digest_inputs, weekly_digest
from bot.services import Services

log = logging.getLogger(__name__)

CHECK_EVERY_S = 300.0


async def send_due_digests(services: Services) -> int:
    """Queue the digest of every team whose slot has come; return how many were queued."""
    store = services.store
    tz = services.settings.tz
    now = utcnow()
    queued = 0
    for team_id in await store.teams.all_ids():
        settings = await store.teams.settings(team_id)
        if not digest_due(settings, now, await store.teams.digest_sent_at(team_id), tz):
            continue
        chats = await store.teams.chats_of(team_id)
        if chats:
            inputs = digest_inputs(await store.mentions.all_of(team_id), now)
            message = weekly_digest(
                team=settings,
                watches=await store.watches.active(team_id),
                mentions_this_week=inputs.mentions_this_week,
                open_risky=inputs.open_risky,
                previous_avg=inputs.previous_avg,
                current_avg=inputs.current_avg,
                now=now,
                tz=tz,
                language=settings.language,
            )
            await services.outbox.post(team_id, "digest", message)
            queued += 1
        await store.teams.set_digest_sent(team_id, now)
    return queued


async def run_digests(services: Services) -> None:
    """Check every five minutes."""
    while True:
        try:
            await send_due_digests(services)
        except Exception:
            log.exception("digest check failed")
        await asyncio.sleep(CHECK_EVERY_S)
