"""/bilan: the inventory the Ordre recommends — every source polled now, then a full report."""

from __future__ import annotations

import asyncio

from bot.chat.markup import reply
from bot.chat.types import Reply
from bot.clock import utcnow
from bot.commands.base import Command, Context
from bot.commands.letters_cmd import team_dir
from bot.documents import DocumentRefused
from bot.report import build_report


async def bilan(ctx: Context, args: str) -> Reply:
    """Poll every source of the team now, then send the summary, the HTML report and charts."""
    services = ctx.services
    store = services.store
    sources = await store.sources.active(ctx.team)
    monitor = services.monitor  # the running one: its schedule and concurrency limits hold
    if sources and monitor is not None:
        await ctx.say(
            reply(
                ctx.tr(
                    f"⏳ Bilan en cours : interrogation de {len(sources)} source(s)…",
                    f"⏳ Audit running: polling {len(sources)} source(s)…",
                )
            )
        )
        outcomes = await monitor.poll_sources(sources)
        failed = sum(1 for o in outcomes if o.error)
        new = sum(o.new for o in outcomes)
        await ctx.say(
            reply(
                ctx.tr(
                    f"Sources interrogées : {len(outcomes) - failed} OK, {failed} en échec, "
                    f"{new} nouvel(s) avis. Rédaction du rapport…",
                    f"Sources polled: {len(outcomes) - failed} OK, {failed} failing, "
                    f"{new} new. Writing the report…",
                )
            )
        )
        sources = await store.sources.active(ctx.team)
    settings = await store.teams.settings(ctx.team)
    now = utcnow()
    try:
        report = await asyncio.to_thread(
            build_report,
            team=settings,
            watches=await store.watches.active(ctx.team),
            sources=sources,
            mentions=await store.mentions.all_of(ctx.team),
            now=now,
            tz=services.settings.tz,
            language=ctx.lang,
            out_dir=team_dir(ctx, "bilans", now.strftime("%Y%m%d-%H%M%S")),
        )
    except DocumentRefused as exc:
        return reply(str(exc))
    return report.summary


COMMANDS = (
    Command(
        name="bilan",
        aliases=("audit",),
        usage="/bilan",
        summary_fr="l'état des lieux : interroge toutes les sources et envoie un rapport",
        summary_en="the inventory: polls every source now and reports",
        handler=bilan,
        details_fr=(
            "Le rapport détaille, par nom et par source, le nombre d'avis, la note moyenne et sa "
            "tendance, la part d'avis négatifs, les avis à risque encore ouverts avec leur délai, "
            "les sources en échec et les recherches à ajouter."
        ),
        slow=True,
    ),
)
