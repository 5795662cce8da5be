"""Reminders before the press-law limit runs out (30 and 7 days), until a mention is handled."""

from __future__ import annotations

import asyncio
import logging

from bot.clock import utcnow
from bot.deadlines import deadline_sentence, mention_reminders_due, press_deadline
from bot.markup import NL, b, code, reply, t
from bot.mention_view import action_buttons, headline
from bot.models import Reply, StoredMention, Urgency, Watch
from bot.reply_codec import encode_reply
from bot.services import Services
from bot.store import NewAlert

log = logging.getLogger(__name__)

CHECK_EVERY_S = 3600.0


def reminder_alert(m: StoredMention, watches: list[Watch], lang: str, services: Services) -> Reply:
    """The reminder push: which mention, the deadline, and how to stop the reminders."""
    tz = services.settings.tz
    sentence = deadline_sentence(press_deadline(m, tz=tz), utcnow(), lang)
    return reply(
        b("⏳ Rappel : délai pour agir" if lang != "en" else "⏳ Reminder: time limit"),
        NL,
        *headline(m, watches, lang, tz),
        NL,
        t(sentence),
        NL,
        t("Déjà réglé ? " if lang != "en" else "Already dealt with? "),
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
        chats = await store.teams.chats_of(team_id)
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
            payload = encode_reply(message)
            await store.alerts.enqueue(
                team_id,
                [NewAlert(c.id, "reminder", payload, message.urgency) for c in chats],
                mention.id,
            )
            for mark in due:
                await store.mentions.add_event(mention.id, "reminder", str(mark))
            queued += 1
    return queued


async def run_reminders(services: Services) -> None:
    """Check hourly."""
    while True:
        try:
            if await send_due_reminders(services):
                delivery = services.engines.get("delivery")
                if delivery is not None:
                    delivery.wake()
        except Exception:
            log.exception("reminder check failed")
        await asyncio.sleep(CHECK_EVERY_S)
