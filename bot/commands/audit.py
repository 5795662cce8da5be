"""/bilan: the inventory the Ordre recommends — every source polled now, then a full report."""

from __future__ import annotations

import asyncio

from bot.chat.markup import reply
from bot.chat.types import Reply
from bot.clock import utcnow
from bot.commands.base import Command, Context
from bot.commands.letters_cmd import team_dir
from bot.documents import DocumentRefused
from bot.messages import messages
from bot.models import Watch
from bot.report import build_report
from bot.report.web_inventory import (
    NameResults,
    not_searched_reply,
    search_names,
    web_facts,
    web_reply,
)
from bot.watch.monitor import source_config


async def bilan(ctx: Context, args: str) -> Reply | list[Reply]:
    """Poll every source of the team now, then send the summary, the HTML report and charts."""
    services = ctx.services
    store = services.store
    sources = await store.sources.active(ctx.team)
    monitor = services.monitor  # the running one: its schedule and concurrency limits hold
    if sources and monitor is not None:
        say = messages(ctx.lang)
        await ctx.say(reply(say.audit_polling(len(sources))))
        outcomes = await monitor.poll_sources(sources)
        failed = sum(1 for o in outcomes if o.error)
        new = sum(o.new for o in outcomes)
        await ctx.say(reply(say.audit_polled(len(outcomes) - failed, failed, new)))
        sources = await store.sources.active(ctx.team)
    settings = await store.teams.settings(ctx.team)
    watches = await store.watches.active(ctx.team)
    found = await web_search(ctx, watches)
    now = utcnow()
    try:
        report = await asyncio.to_thread(
            build_report,
            team=settings,
            watches=watches,
            sources=sources,
            mentions=await store.mentions.all_of(ctx.team),
            now=now,
            tz=services.settings.tz,
            language=ctx.lang,
            out_dir=team_dir(ctx, "bilans", now.strftime("%Y%m%d-%H%M%S")),
            web=web_facts(found, watches, sources, ctx.lang),
        )
    except DocumentRefused as exc:
        return reply(str(exc))
    if not watches:
        return [report.summary, reply(messages(ctx.lang).web_no_watch())]
    if found is None:
        return [report.summary, not_searched_reply(watches, ctx.lang)]
    return [report.summary, web_reply(found, sources, ctx.lang)]


async def web_search(ctx: Context, watches: list[Watch]) -> list[NameResults] | None:
    """Search the web for each watched name when a search key is set; None when it is not."""
    settings = ctx.services.settings
    key = settings.web_search_key.get_secret_value() if settings.web_search_key else None
    if not key or not watches:
        return None if not key else []
    await ctx.say(reply(messages(ctx.lang).web_searching()))
    return await search_names(
        watches, url=settings.web_search_url, key=key, config=source_config(ctx.services)
    )


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
            "les sources en échec et les recherches à ajouter. Avec une clé de recherche web "
            "(VIGIE_WEB_SEARCH_KEY), il cherche aussi chaque nom sur le web et classe les "
            "premiers résultats (sites d'avis, réseaux sociaux, presse, forums), avec la "
            "commande pour surveiller ceux qui ne le sont pas encore."
        ),
        slow=True,
    ),
)
