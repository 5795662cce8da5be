"""Shared pieces of the Telegram end-to-end tests: the fake server, a running adapter, alerts."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from adapters.telegram import TelegramAdapter
from adapters.telegram.ratelimit import Limits, RateLimiter
from bot.markup import reply
from bot.mention_view import action_buttons, mention_block
from bot.models import Flag, Mention, Reply, Severity, Triage, Urgency
from bot.router import Router
from bot.services import Services
from tests.fake_telegram import FakeTelegram

# Telegram's windows, 20 times shorter: the fake checks them for real, tests stay quick.
SCALE = 20.0
LIMITS = Limits().scaled(SCALE)


def make_adapter(router: Router, fake: FakeTelegram, **options: object) -> TelegramAdapter:
    """An adapter pointed at the fake server, with short polls and scaled limits."""
    settings: dict[str, object] = {
        "token": fake.token,
        "api_url": fake.api_url,
        "file_url": fake.file_url,
        "poll_timeout": 0.5,
        "limiter": RateLimiter(LIMITS),
        "retry_backoff": 0.05,
    }
    settings.update(options)
    return TelegramAdapter(router, **settings)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def running(adapter: TelegramAdapter) -> AsyncIterator[asyncio.Task[None]]:
    """Run the adapter as Vigie would (a task), until the block ends; then stop it cleanly."""
    task = asyncio.create_task(adapter.run())
    ready = asyncio.create_task(adapter.ready.wait())
    done, _ = await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        if task.done():
            task.result()  # raises the startup error
        raise AssertionError("the adapter did not start within 10 s")
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)


async def store_mention(
    services: Services,
    team_id: int,
    external: str,
    text: str,
    *,
    flags: frozenset[Flag] = frozenset(),
) -> int:
    """A mention stored as the monitor stores them (no alert queued: tests send it)."""
    store = services.store
    url = "https://exemple.fr/avis"
    source_id = await store.sources.find(team_id, "feed", url, None)
    if source_id is None:
        source_id = await store.sources.add(
            team_id, "feed", url, selector=None, watch_id=None, interval_s=600
        )
    watches = await store.watches.active(team_id)
    return await store.mentions.insert(
        team_id,
        Mention(
            source_id=source_id,
            external_id=external,
            url="https://exemple.fr/avis?id=1&x=<2>",
            title="Avis Google",
            text=text,
            author="Jean <b>Patient</b>",
            rating=1,
        ),
        content_hash=external,
        triage=Triage(severity=Severity.NEGATIVE, flags=flags),
        watch_ids=[w.id for w in watches],
        alerts=lambda _id: [],
    )


async def alert_reply(
    services: Services, team_id: int, mention_id: int, urgency: Urgency = Urgency.URGENT
) -> Reply:
    """The alert for a mention, built as alerts are: the mention block and its buttons."""
    store = services.store
    mention = await store.mentions.get(team_id, mention_id)
    assert mention is not None
    watches = await store.watches.active(team_id)
    spans = mention_block(mention, watches, "fr", services.settings.tz)
    return reply(*spans, buttons=action_buttons(mention, "fr"), urgency=urgency)
