"""The Google part of `/statut`: calls per source and day, and the month's Places bill."""

from __future__ import annotations

from bot.chat.markup import NL, parts, t
from bot.chat.types import Span
from bot.commands.base import Context
from bot.messages import messages
from bot.sources.google_usage import DETAILS_FREE_PER_MONTH, UsageReport, usage_report
from bot.store import SourceRow


async def google_report(ctx: Context) -> UsageReport:
    """This team's Google calls and the server's Places month."""
    every = await ctx.services.store.sources.all_active()
    intervals = {row.id: row.interval_s for row in every if row.kind == "places"}
    return await usage_report(ctx.services.settings.data_dir, ctx.team, intervals)


def source_calls(report: UsageReport, row: SourceRow, lang: str) -> list[Span]:
    """One source's Google calls, under its line in /statut (nothing for other kinds)."""
    usage = report.sources.get(row.id)
    if row.kind not in ("places", "business"):
        return []
    today, mean = (usage.today, usage.daily_mean) if usage else (0, 0.0)
    return [NL, t(messages(lang).google_calls(today, mean))]


def budget(report: UsageReport, sources: list[SourceRow], lang: str) -> list[Span]:
    """The Places month against the free allowance, when the team follows a Google listing."""
    if not any(row.kind == "places" for row in sources) and not report.server_searches_month:
        return []
    sentence = messages(lang).places_budget(
        report.team_details_month,
        report.server_details_month,
        report.details_projected,
        DETAILS_FREE_PER_MONTH,
        report.server_searches_month,
        report.estimated_usd,
    )
    return [NL, NL, *parts(sentence)]
