"""/source reddit|youtube|bluesky|mastodon|reseaux: the social and video sources of a watch."""

from __future__ import annotations

from bot.chat.markup import NL, b, code, reply, t
from bot.chat.types import Reply, Span
from bot.commands.base import Context, UsageError
from bot.commands.watchlist import watch_by_ref
from bot.models import Watch
from bot.netguard import UnsafeURLError, check_url
from bot.sources import InvalidTargetError, SourceConfig, SourceSpec, build_source
from bot.sources.social import LABELS, SOCIAL_KINDS, hashtag_for, search_query
from bot.sources.youtube import CHANNEL_PREFIX, quota_day, spent_from_states

SOCIAL_WORDS = {
    "reddit": "reddit",
    "youtube": "youtube", "yt": "youtube",
    "bluesky": "bluesky", "bsky": "bluesky",
    "mastodon": "mastodon",
    "reseaux": "social", "reseau": "social", "social": "social", "socials": "social",
}  # fmt: skip


def missing_setting(kind: str, config: SourceConfig) -> str | None:
    """Why a social kind cannot work on this server, in French, or None when it can."""
    if kind == "youtube" and not config.youtube_api_key:
        return (
            "YouTube : clé d'API absente — la personne qui gère le serveur crée une clé "
            "« YouTube Data API v3 » dans la console Google Cloud et la met dans "
            "VIGIE_YOUTUBE_API_KEY."
        )
    if kind == "bluesky" and not (config.bluesky_handle and config.bluesky_app_password):
        return (
            "Bluesky : la recherche demande un compte — renseigner VIGIE_BLUESKY_HANDLE et "
            "VIGIE_BLUESKY_APP_PASSWORD (mot de passe d'application, Paramètres > "
            "Confidentialité et sécurité)."
        )
    if kind == "mastodon" and not config.mastodon_instance:
        return "Mastodon : aucune instance choisie — renseigner VIGIE_MASTODON_INSTANCE."
    return None


def _split_for(text: str) -> tuple[str, str | None]:
    words = text.rsplit(None, 2)
    if len(words) == 3 and words[1].lower() in ("pour", "for"):
        return words[0], words[2]
    return text.strip(), None


def _target_for(kind: str, watch: Watch, config: SourceConfig) -> str:
    if kind == "mastodon":
        return f"{config.mastodon_instance} #{hashtag_for(watch)}"
    if kind == "youtube":
        return search_query(watch, joiner="|")
    return search_query(watch)


async def _store(
    ctx: Context, kind: str, text: str, watch: Watch, config: SourceConfig
) -> tuple[str, bool]:
    """Add one source; return its label and whether it was new."""
    store = ctx.services.store
    source = build_source(kind, config)
    try:
        target, _ = source.normalize(text, None)
        if kind == "mastodon":
            await check_url(target, allow_private=config.allow_private)
    except (InvalidTargetError, UnsafeURLError) as exc:
        raise UsageError(str(exc)) from exc
    spec = SourceSpec(0, ctx.team, kind, target, None, watch.id)
    if await store.sources.find(ctx.team, kind, target, None) is not None:
        return source.describe(spec), False
    await store.sources.add(
        ctx.team, kind, target, selector=None, watch_id=watch.id, interval_s=source.interval_s
    )
    return source.describe(spec), True


def _config(ctx: Context) -> SourceConfig:
    from bot.watch.monitor import source_config

    return source_config(ctx.services)


def _wake(ctx: Context) -> None:
    if ctx.services.monitor is not None:
        ctx.services.monitor.wake()


async def add_social(ctx: Context, word: str, rest: str) -> Reply:
    """`/source reseaux N`, or one kind: `/source youtube N`, `/source mastodon URL pour N`…"""
    kind = SOCIAL_WORDS[word]
    config = _config(ctx)
    if kind == "social":
        return await _add_all(ctx, rest, config)
    text, ref = _split_for(rest)
    watch = await watch_by_ref(ctx, text if ref is None else ref)
    missing = missing_setting(kind, config)
    channel = kind == "youtube" and text.lower().startswith(("chaine:", "chaîne:", "channel:"))
    if missing and (kind == "youtube" or (kind == "mastodon" and ref is None)):
        raise UsageError(missing)
    target = _target_for(kind, watch, config) if ref is None else text
    label, new = await _store(ctx, kind, target, watch, config)
    if not new:
        return reply(ctx.tr("Cette source est déjà suivie. Voir ", "Already followed. See "),
                     code("/source"))  # fmt: skip
    _wake(ctx)
    spans: list[Span] = [t("✅ "), t(ctx.tr("Source ajoutée : ", "Source added: ")), b(label)]
    spans += [t(f" → {watch.display}"), NL, t(_first_poll(ctx))]
    if kind == "bluesky" and missing:
        spans += [NL, t("⚠️ " + missing)]
    if kind == "youtube" and not channel:
        spans += [NL, t(_youtube_cost(ctx, config))]
    return reply(*spans)


async def _add_all(ctx: Context, rest: str, config: SourceConfig) -> Reply:
    watch = await watch_by_ref(ctx, rest)
    added: list[str] = []
    already: list[str] = []
    skipped: list[str] = []
    for kind in SOCIAL_KINDS:
        missing = missing_setting(kind, config)
        if missing:
            skipped.append(missing)
            continue
        label, new = await _store(ctx, kind, _target_for(kind, watch, config), watch, config)
        (added if new else already).append(label)
    if added:
        _wake(ctx)
    spans: list[Span] = [b(ctx.tr("Réseaux sociaux pour ", "Social networks for ") + watch.display)]
    for label in added:
        spans += [NL, t(f"✅ {label}")]
    for label in already:
        spans += [NL, t("• " + label + ctx.tr(" (déjà suivie)", " (already followed)"))]
    if not added and not already:
        spans += [NL, t(ctx.tr("Aucune source ajoutée.", "No source added."))]
    if skipped:
        spans += [NL, NL, b(ctx.tr("Non ajoutées :", "Not added:"))]
        spans += [s for line in skipped for s in (NL, t("• " + line))]
    spans += [
        NL,
        NL,
        t(
            ctx.tr(
                "Commentaires de votre propre chaîne YouTube : ",
                "Comments on your own YouTube channel: ",
            )
        ),
        code(f"/source youtube {CHANNEL_PREFIX}UC… pour {rest.strip()}"),
    ]
    if added:
        spans += [NL, t(_first_poll(ctx))]
    return reply(*spans)


def _first_poll(ctx: Context) -> str:
    return ctx.tr(
        "Premier passage dans un instant : ce qui est déjà en ligne est résumé en un seul "
        "message, puis chaque nouvelle publication arrive en alerte.",
        "First poll in a moment: what is already online is summarised in one message, then "
        "each new post arrives as an alert.",
    )


def _youtube_cost(ctx: Context, config: SourceConfig) -> str:
    budget = config.youtube_team_daily_units
    return ctx.tr(
        f"YouTube : chaque recherche coûte 100 unités de quota ; budget de l'équipe "
        f"{budget} unités par jour (voir /statut).",
        f"YouTube: each search costs 100 quota units; the team's budget is {budget} units a "
        "day (see /statut).",
    )


async def quota_spans(ctx: Context) -> list[Span]:
    """The team's YouTube quota spent today, for /statut (nothing without a YouTube source)."""
    rows = [r for r in await ctx.services.store.sources.active(ctx.team) if r.kind == "youtube"]
    if not rows:
        return []
    budget = _config(ctx).youtube_team_daily_units
    spent = spent_from_states([r.state for r in rows], quota_day())
    return [
        NL,
        t(
            ctx.tr(
                f"Quota YouTube du jour : {spent} / {budget} unités "
                f"(une recherche = 100, une page de commentaires = 1)",
                f"YouTube quota today: {spent} / {budget} units "
                f"(a search = 100, a page of comments = 1)",
            )
        ),
    ]


def social_kinds_help() -> str:
    """The kinds this module adds, for /aide."""
    return ", ".join(LABELS[k] for k in SOCIAL_KINDS)
