"""/statut: is Vigie working for us? Version, adapters, sources' health, alerts pending."""

from __future__ import annotations

from bot import __version__
from bot.chat.markup import NL, b, code, reply, t
from bot.chat.types import Reply, Span
from bot.commands.base import Command, Context
from bot.commands.google_status import budget, google_report, source_calls
from bot.commands.social_sources import quota_spans
from bot.dates import format_datetime
from bot.models import Coverage


async def statut(ctx: Context, args: str) -> Reply:
    """Version, adapters, sources' health, pending alerts, last poll."""
    services = ctx.services
    store = services.store
    tz = services.settings.tz
    sources = await store.sources.active(ctx.team)
    counts = await store.alerts.counts(ctx.team)
    settings = await store.teams.settings(ctx.team)
    watches = await store.watches.active(ctx.team)
    adapters = ", ".join(services.adapters) or "—"
    spans: list[Span] = [
        b(f"Vigie {__version__}"),
        t(f" · {ctx.tr('adaptateurs', 'adapters')} : {adapters}"),
        NL,
        t(
            ctx.tr(
                f"Démarré le {format_datetime(services.started_at, 'fr', tz)}",
                f"Started {format_datetime(services.started_at, 'en', tz)}",
            )
        ),
        NL,
        t(f"{len(watches)} " + ctx.tr("nom(s) surveillé(s)", "watched name(s)")),
        t(f" · {await store.mentions.count(ctx.team)} " + ctx.tr("avis reçus", "mentions")),
        NL,
        t(ctx.tr("Alertes : ", "Alerts: ")),
        t(f"{counts.get('pending', 0)} " + ctx.tr("en attente", "pending")),
        t(f", {counts.get('sent', 0)} " + ctx.tr("envoyées", "sent")),
        t(f", {counts.get('failed', 0)} " + ctx.tr("abandonnées", "given up")),
        NL,
        b(ctx.tr("Sources", "Sources")),
    ]
    if not sources:
        spans += [t(ctx.tr(" : aucune — ", ": none — ")), code("/aide source")]
    last_polls = [s.last_poll_at for s in sources if s.last_poll_at]
    if last_polls:
        spans += [
            t(
                ctx.tr(" (dernier passage ", " (last poll ")
                + format_datetime(max(last_polls), ctx.lang, tz)
                + ")"
            )
        ]
    google = await google_report(ctx)
    for number, source in enumerate(sources, 1):
        if source.consecutive_failures:
            health = f"⚠️ {source.consecutive_failures} échec(s) : {(source.last_error or '')[:300]}"
        elif source.last_success_at:
            health = (
                "✅ "
                + ctx.tr("OK, ", "OK, ")
                + format_datetime(source.last_success_at, ctx.lang, tz)
            )
        else:
            health = "⏳ " + ctx.tr("premier passage à venir", "first poll pending")
        spans += [NL, t(f"S{number} {source.kind} · {source.target[:60]} — {health}")]
        spans += source_calls(google, source, ctx.lang)
    spans += budget(google, sources, ctx.lang)
    spans += await quota_spans(ctx)
    if settings.insurer.coverage is Coverage.UNKNOWN:
        spans += [
            NL,
            NL,
            t(
                ctx.tr(
                    "💡 Vérifiez si votre assurance RCP propose une garantie e-réputation : ",
                    "💡 Check whether your liability insurance covers e-reputation: ",
                )
            ),
            code("/assureur garantie"),
        ]
    return reply(*spans)


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
