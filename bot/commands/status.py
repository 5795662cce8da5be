"""/statut: is Vigie working for us? Version, adapters, sources' health, alerts pending."""

from __future__ import annotations

from bot import __version__
from bot.chat.markup import NL, parts, reply, t
from bot.chat.types import Reply, Span
from bot.commands.base import Command, Context
from bot.commands.google_status import budget, google_report, source_calls
from bot.commands.social_sources import quota_spans
from bot.dates import format_datetime
from bot.messages import messages
from bot.models import Coverage
from bot.store import SourceRow


async def statut(ctx: Context, args: str) -> Reply:
    """Version, adapters, sources' health, pending alerts, last poll."""
    sources = await ctx.services.store.sources.active(ctx.team)
    spans = await _overview(ctx)
    spans += await _sources(ctx, sources)
    spans += await quota_spans(ctx)
    settings = await ctx.services.store.teams.settings(ctx.team)
    if settings.insurer.coverage is Coverage.UNKNOWN:
        spans += [NL, NL, *parts(messages(ctx.lang).coverage_tip())]
    return reply(*spans)


async def _overview(ctx: Context) -> list[Span]:
    """Version, adapters, start, names watched, mentions and alerts, up to « Sources »."""
    services = ctx.services
    store = services.store
    say = messages(ctx.lang)
    counts = await store.alerts.counts(ctx.team)
    watches = await store.watches.active(ctx.team)
    started = format_datetime(services.started_at, ctx.lang, services.settings.tz)
    adapters = ", ".join(services.adapters) or "—"
    mentions = await store.mentions.count(ctx.team)
    return [
        *parts(say.status_intro(__version__, adapters, started, len(watches), mentions)),
        NL,
        *parts(
            say.status_alerts(
                counts.get("pending", 0), counts.get("sent", 0), counts.get("failed", 0)
            )
        ),
    ]


async def _sources(ctx: Context, sources: list[SourceRow]) -> list[Span]:
    """Each source's health and Google calls, the last poll and the Places month."""
    say = messages(ctx.lang)
    tz = ctx.services.settings.tz
    spans: list[Span] = [] if sources else parts(say.status_no_source())
    last_polls = [s.last_poll_at for s in sources if s.last_poll_at]
    if last_polls:
        spans += [t(say.status_last_poll(format_datetime(max(last_polls), ctx.lang, tz)))]
    google = await google_report(ctx)
    for number, source in enumerate(sources, 1):
        spans += [NL, t(f"S{number} {source.kind} · {source.target[:60]} — {_health(ctx, source)}")]
        spans += source_calls(google, source, ctx.lang)
    return spans + budget(google, sources, ctx.lang)


def _health(ctx: Context, source: SourceRow) -> str:
    """Failing, fine since a date, or not polled yet."""
    say = messages(ctx.lang)
    if source.consecutive_failures:
        return say.status_source_failing(
            source.consecutive_failures, (source.last_error or "")[:300]
        )
    if source.last_success_at:
        when = format_datetime(source.last_success_at, ctx.lang, ctx.services.settings.tz)
        return say.status_source_ok(when)
    return say.status_source_first_poll()


COMMANDS = (
    Command(
        name="statut",
        aliases=("status",),
        usage="/statut",
        summary_fr="version, adaptateurs, santé des sources, alertes en attente",
        summary_en="version, adapters, sources' health, pending alerts, last poll",
        handler=statut,
    ),
)
