"""Reminders before the press-law limit runs out (30 and 7 days), until a mention is handled."""

from __future__ import annotations

import asyncio
import logging

from bot.chat.markup import NL, b, code, reply, t
from bot.chat.mention_view import action_buttons, headline
from bot.chat.types import Reply, Urgency
from bot.clock import utcnow
from bot.deadlines import deadline_sentence, mention_reminders_due, press_deadline
from bot.messages import messages
from bot.models import StoredMention, Watch
from bot.services import Services

log = logging.getLogger(__name__)

CHECK_EVERY_S = 3600.0


def reminder_alert(m: StoredMention, watches: list[Watch], lang: str, services: Services) -> Reply:
    """The reminder push: which mention, the deadline, and how to stop the reminders."""
    tz = services.settings.tz
    sentence = deadline_sentence(press_deadline(m, tz=tz), utcnow(), lang)
    return reply(
        b(messages(lang).reminder_title()),
        NL,
        *headline(m, watches, lang, tz),
        NL,
        t(sentence),
        NL,
        t(messages(lang).already_dealt_with()),
        code(f"/traite {m.id}"),
        buttons=action_buttons(m, lang),
        urgency=Urgency.URGENT,
    )


async def send_due_reminders(services: Services) -> int:
    """Queue every reminder due now; return how many were queued."""
    store = services.store
    now = utcnow()
    queued = 0
    for team_id in await store.teams.all_ids():
        open_risky = await store.mentions.latest(
            team_id, limit=10_000, risky_only=True, open_only=True
        )
        if not open_risky:
            continue
        settings = await store.teams.settings(team_id)
        watches = await store.watches.active(team_id)
        for mention in open_risky:
            sent = {
                int(detail)
                for _, kind, detail in await store.mentions.events(mention.id)
                if kind == "reminder" and detail.isdigit()
            }
            due = mention_reminders_due(mention, now, sent, tz=services.settings.tz)
            if not due:
                continue
            message = reminder_alert(mention, watches, settings.language, services)
            await services.outbox.post(team_id, "reminder", message, mention_id=mention.id)
            for mark in due:
                await store.mentions.add_event(mention.id, "reminder", str(mark))
            queued += 1
    return queued


async def run_reminders(services: Services) -> None:
    """Check hourly."""
    while True:
        try:
            await send_due_reminders(services)
        except Exception:
            log.exception("reminder check failed")
        await asyncio.sleep(CHECK_EVERY_S)
