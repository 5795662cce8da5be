"""/reglages vague N H: how many negative reviews on one listing within H hours make a wave."""

from __future__ import annotations

import re

from bot.chat.markup import NL, b, code, reply, t
from bot.chat.types import Reply
from bot.commands.base import Context, UsageError
from bot.store.cases import WaveSettings

_WAVE = re.compile(
    r"^\s*(\d{1,3})\s*(?:avis\s*)?(?:en|in|/)?\s*(\d{1,4})\s*(?:h|heures?|hours?)?\s*$"
)
EXAMPLE = "/reglages vague 3 48h"


async def wave_settings(ctx: Context, rest: str) -> Reply:
    """Show or change the team's wave threshold."""
    store = ctx.services.store
    if not rest.strip():
        current = await store.cases.wave_settings(ctx.team)
        return reply(
            b(ctx.tr("Vague d'avis négatifs", "Wave of negative reviews")),
            t(ctx.tr(f" : {current.min_reviews} avis en {current.window_hours} h",
                     f": {current.min_reviews} reviews within {current.window_hours} h")),
            NL,
            t(ctx.tr("Modifier : ", "Change: ")),
            code(EXAMPLE),
        )  # fmt: skip
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
    return reply(
        "✅ ",
        t(ctx.tr(f"Vague d'avis négatifs : {count} avis sur une même fiche en {hours} h "
                 "donnent une seule alerte groupée.",
                 f"Wave of negative reviews: {count} reviews on one listing within {hours} h "
                 "give one grouped alert.")),
    )  # fmt: skip
