"""/reglages vague N H: how many negative reviews on one listing within H hours make a wave."""

from __future__ import annotations

import re

from bot.chat.markup import reply
from bot.chat.types import Reply
from bot.commands.base import Context, UsageError
from bot.messages import messages
from bot.store.cases import WaveSettings

_WAVE = re.compile(
    r"^\s*(\d{1,3})\s*(?:avis\s*)?(?:en|in|/)?\s*(\d{1,4})\s*(?:h|heures?|hours?)?\s*$"
)


async def wave_settings(ctx: Context, rest: str) -> Reply:
    """Show or change the team's wave threshold."""
    store = ctx.services.store
    say = messages(ctx.lang)
    if not rest.strip():
        current = await store.cases.wave_settings(ctx.team)
        return reply(*say.wave_settings(current.min_reviews, current.window_hours))
    match = _WAVE.match(rest.lower())
    if not match:
        raise UsageError(
            "Donnez le nombre d'avis négatifs et la durée en heures, par exemple « vague 3 48h » "
            "(3 avis négatifs sur la même fiche en 48 heures)."
        )
    count, hours = int(match.group(1)), int(match.group(2))
    if not 2 <= count <= 100:
        raise UsageError("Le nombre d'avis va de 2 à 100, par exemple « vague 3 48h ».")
    if not 1 <= hours <= 24 * 30:
        raise UsageError("La durée va de 1 h à 720 h (30 jours), par exemple « vague 3 48h ».")
    await store.cases.set_wave_settings(ctx.team, WaveSettings(count, hours))
    return reply(say.wave_settings_saved(count, hours))
