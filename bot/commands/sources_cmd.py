"""/source: where Vigie looks (feeds, Google News, Google listings, web pages) and how it goes."""

from __future__ import annotations

import re

from bot.chat.markup import NL, b, parts, reply, t
from bot.chat.types import Reply, Span
from bot.commands.args import fold, split_first
from bot.commands.base import Command, Context, UsageError
from bot.commands.social_sources import SOCIAL_WORDS, add_social
from bot.commands.watchlist import watch_by_ref
from bot.dates import format_datetime
from bot.messages import messages
from bot.models import Watch
from bot.netguard import UnsafeURLError, check_url
from bot.sources import InvalidTargetError, SourceSpec, build_source, news_query_for
from bot.sources.kinds import describe
from bot.sources.places import looks_like_place_id
from bot.store.watches import CapReached

KINDS = {
    "flux": "feed", "feed": "feed", "rss": "feed",
    "actus": "news", "actu": "news", "news": "news", "actualites": "news",
    "google": "places", "places": "places",
    "fiche": "business", "business": "business",
    "page": "page",
}  # fmt: skip
_FOR = re.compile(r"\s+pour\s+(\S+)\s*$", re.IGNORECASE)
_FOR_EN = re.compile(r"\s+for\s+(\S+)\s*$", re.IGNORECASE)


def _split_for(text: str) -> tuple[str, str | None]:
    """`URL pour 2` → ("URL", "2")."""
    for pattern in (_FOR, _FOR_EN):
        match = pattern.search(text)
        if match:
            return text[: match.start()].strip(), match.group(1)
    return text.strip(), None


async def _listing(ctx: Context) -> Reply:
    store = ctx.services.store
    rows = await store.sources.active(ctx.team)
    say = messages(ctx.lang)
    if not rows:
        return reply(*say.sources_none())
    watches = {w.id: w for w in await store.watches.active(ctx.team)}
    tz = ctx.services.settings.tz
    spans: list[Span] = [b(say.sources_title()), NL]
    for number, row in enumerate(rows, 1):
        spec = SourceSpec(row.id, row.team_id, row.kind, row.target, row.selector, row.watch_id)
        label = describe(spec)
        owner = watches.get(row.watch_id) if row.watch_id else None
        spans += [b(f"S{number}"), t(f" {label}")]
        if owner:
            spans.append(t(f" → {owner.display}"))
        if row.consecutive_failures:
            error = (row.last_error or "")[:150]
            spans += [NL, t(say.sources_failing(row.consecutive_failures, error))]
        elif row.last_success_at:
            spans += [NL, t("    ✅ " + format_datetime(row.last_success_at, ctx.lang, tz))]
        else:
            spans += [NL, t(say.sources_first_poll())]
        spans.append(NL)
    spans += parts(say.sources_remove_hint())
    return reply(*spans)


async def _add(ctx: Context, kind: str, rest: str) -> Reply:
    services = ctx.services
    target_text, watch_ref = _split_for(rest)
    watch: Watch | None = await watch_by_ref(ctx, watch_ref) if watch_ref else None
    selector: str | None = None
    if kind == "news":
        if watch is None:
            watch = await watch_by_ref(ctx, target_text)
        target_text = news_query_for(watch)
    elif kind == "page":
        parts = target_text.split(None, 1)
        if not parts:
            raise UsageError(lambda say: say.need_page_and_selector())
        target_text, selector = parts[0], (parts[1] if len(parts) == 2 else None)
    elif kind == "places" and not looks_like_place_id(target_text):
        from bot.commands.listing_choice import offer_candidates

        return await offer_candidates(ctx, target_text, watch)
    elif kind in ("places", "business") and watch is None:
        raise UsageError(lambda say: say.need_listing_owner())
    if not target_text:
        raise UsageError(lambda say: say.need_source())
    from bot.watch.monitor import source_config

    config = source_config(services)
    source = build_source(kind, config)
    try:
        target, selector = source.normalize(target_text, selector)
        if kind in ("feed", "page"):
            await check_url(target, allow_private=config.allow_private)
    except (InvalidTargetError, UnsafeURLError) as exc:
        raise UsageError(exc.sentence or str(exc)) from exc
    if kind == "page" and selector is None:
        from bot.commands.page_check import schema_org_refusal

        refusal = await schema_org_refusal(ctx, config, target)
        if refusal is not None:
            return refusal
    return await add_checked(ctx, kind, target, selector, watch)


async def add_checked(
    ctx: Context, kind: str, target: str, selector: str | None, watch: Watch | None
) -> Reply:
    """Add a source whose target was already checked, and wake the monitor."""
    services = ctx.services
    store = services.store
    monitor = services.monitor
    from bot.watch.monitor import source_config

    source = build_source(kind, source_config(services))
    if await store.sources.find(ctx.team, kind, target, selector) is not None:
        return reply(*messages(ctx.lang).source_already())
    try:
        source_id = await store.sources.add(
            ctx.team,
            kind,
            target,
            selector=selector,
            watch_id=watch.id if watch else None,
            interval_s=source.interval_s,
            cap=services.settings.max_sources_per_team,
        )
    except CapReached as full:
        return reply(*messages(ctx.lang).source_cap_reached(full.cap))
    if monitor is not None:
        monitor.wake()
    spec = SourceSpec(source_id, ctx.team, kind, target, selector, watch.id if watch else None)
    return reply(*messages(ctx.lang).source_added(source.describe(spec)))


async def _remove(ctx: Context, ref: str) -> Reply:
    store = ctx.services.store
    rows = await store.sources.active(ctx.team)
    ref = ref.strip().upper().lstrip("S#")
    if not (ref.isascii() and ref.isdigit()) or not 1 <= int(ref) <= len(rows):
        raise UsageError(lambda say: say.need_source_number(len(rows)))
    row = rows[int(ref) - 1]
    await store.sources.remove(ctx.team, row.id)
    return reply(messages(ctx.lang).source_removed(ref))


async def source(ctx: Context, args: str) -> Reply:
    """List, add or remove the team's sources."""
    word, rest = split_first(args)
    if not word:
        return await _listing(ctx)
    if word in ("retirer", "remove", "supprimer"):
        return await _remove(ctx, rest)
    kind = KINDS.get(fold(word))
    if kind is None and fold(word) not in SOCIAL_WORDS:
        raise UsageError(lambda say: say.unknown_source_kind(word[:20]))
    if not rest:
        raise UsageError(lambda say: say.missing_source_after(word))
    if kind is None:
        return await add_social(ctx, fold(word), rest)
    return await _add(ctx, kind, rest)


COMMANDS = (
    Command(
        name="source",
        aliases=("sources",),
        usage="/source [flux URL|actus N|google NOM VILLE (pour N)|google PLACE_ID pour N|"
        "fiche COMPTE/ÉTAB pour N|page URL [SÉLECTEUR]|reseaux N|reddit N|youtube N|bluesky N|"
        "mastodon N|retirer S]",
        summary_fr="les sources de l'équipe (flux, Google, pages, réseaux sociaux) et leur santé",
        summary_en="the team's sources (feeds, Google, pages, social networks) and their health",
        handler=source,
        examples=(
            "/source flux https://www.google.com/alerts/feeds/123/456",
            "/source actus 1",
            "/source google Cabinet Dupont Lyon pour 2",
            "/source google ChIJN1t_tDeuEmsRUsoyG83frY4 pour 2",
            "/source fiche 1234/5678 pour 2",
            "/source page https://exemple.fr/avis",
            "/source page https://exemple.fr/avis .review",
            "/source reseaux 1",
            "/source youtube chaine:UCxxxxxxxxxxxxxxxxxxxxxx pour 1",
            "/source mastodon https://mastodon.social/tags/MarieDupont pour 1",
            "/source retirer 3",
        ),
        details_fr=(
            "Un flux Google Alertes se crée sur google.fr/alerts (« Envoyer à : flux RSS »). "
            "« pour N » rattache la source au nom n° N de /liste. « google » suivi du nom et "
            "de la ville propose les fiches Google trouvées ; « page » sans sélecteur lit les "
            "avis que la page publie en données schema.org. « /source reseaux N » ajoute "
            "d'un coup Reddit, YouTube, Bluesky et Mastodon (ceux que le serveur sait "
            "interroger) pour le nom n° N."
        ),
    ),
)
