"""/avis and /traite: reading the latest mentions and closing the ones handled."""

from __future__ import annotations

from bot.chat.markup import NL, b, code, reply
from bot.chat.mention_view import mention_block
from bot.chat.types import Reply, Span
from bot.commands.args import fold, mention_ref
from bot.commands.base import Command, Context, UsageError
from bot.commands.watchlist import watch_by_ref

PAGE = 8


async def avis(ctx: Context, args: str) -> Reply:
    """The latest mentions, or those of a watch, the risky ones, the open ones."""
    store = ctx.services.store
    word = fold(args.strip())
    watch_id = None
    title = ctx.tr("Derniers avis et mentions", "Latest reviews and mentions")
    risky = opened = False
    if word in ("risque", "risques", "risk", "juridique"):
        risky, title = True, ctx.tr("Avis à risque juridique", "Legal-risk mentions")
    elif word in ("ouverts", "ouvert", "open", "a traiter"):
        opened, title = True, ctx.tr("Avis à traiter", "Open mentions")
    elif word:
        watch = await watch_by_ref(ctx, args)
        watch_id, title = watch.id, ctx.tr("Avis concernant ", "Mentions of ") + watch.display
    mentions = await store.mentions.latest(
        ctx.team, limit=PAGE, watch_id=watch_id, risky_only=risky, open_only=opened
    )
    if not mentions:
        return reply(
            b(title),
            NL,
            ctx.tr(
                "Rien pour l'instant. Vérifiez vos sources avec ",
                "Nothing yet. Check your sources with ",
            ),
            code("/source"),
            ".",
        )
    watches = await store.watches.active(ctx.team)
    spans: list[Span] = [b(title), NL]
    for m in mentions:
        spans += [
            NL,
            *mention_block(m, watches, ctx.lang, ctx.services.settings.tz, excerpt_len=200),
        ]
        spans.append(NL)
    spans += [NL, ctx_hint(ctx)]
    return reply(*spans)


def ctx_hint(ctx: Context) -> Span:
    """The commands that act on a mention."""
    return code(ctx.tr("/capture #N · /assureur #N · /repondre #N · /traite #N",
                       "/capture #N · /insurer #N · /reply #N · /done #N"))  # fmt: skip


async def traite(ctx: Context, args: str) -> Reply:
    """Mark a mention handled: its reminders stop."""
    if not args.strip():
        raise UsageError("Indiquez le numéro de l'avis traité.")
    mention_id = mention_ref(args)
    store = ctx.services.store
    mention = await store.mentions.get(ctx.team, mention_id)
    if mention is None:
        raise UsageError(f"Aucun avis n° {mention_id} pour votre équipe. Voir /avis.")
    if mention.handled_at is not None:
        return reply(ctx.tr(f"L'avis #{mention_id} était déjà marqué traité.",
                            f"Mention #{mention_id} was already marked handled."))  # fmt: skip
    await store.mentions.mark_handled(ctx.team, mention_id, by=ctx.who)
    return reply(
        ctx.tr(
            f"✅ Avis #{mention_id} marqué traité : plus de rappels pour lui.",
            f"✅ Mention #{mention_id} marked handled: no more reminders.",
        ),
    )


COMMANDS = (
    Command(
        name="avis",
        aliases=("reviews",),
        usage="/avis [N|risque|ouverts]",
        summary_fr="les derniers avis, ceux d'un nom, ceux à risque, ceux à traiter",
        summary_en="the latest mentions, those of watch N, the legal-risk ones, the open ones",
        handler=avis,
        examples=("/avis", "/avis 2", "/avis risque", "/avis ouverts"),
    ),
    Command(
        name="traite",
        aliases=("done",),
        usage="/traite #ID",
        summary_fr="marque un avis traité (arrête ses rappels)",
        summary_en="marks a mention handled (stops its reminders)",
        handler=traite,
        examples=("/traite 12",),
    ),
)
