"""/source reddit|youtube|bluesky|mastodon|reseaux: the social and video sources of a watch."""

from __future__ import annotations

from bot.chat.markup import NL, b, reply, t
from bot.chat.types import Reply, Span
from bot.commands.base import Context, UsageError
from bot.commands.watchlist import watch_by_ref
from bot.messages import messages
from bot.models import Watch
from bot.netguard import UnsafeURLError, check_url
from bot.sources import InvalidTargetError, SourceConfig, SourceSpec, build_source
from bot.sources.social import SOCIAL_KINDS, hashtag_for, search_query
from bot.sources.youtube import CHANNEL_PREFIX, quota_day, spent_from_states
from bot.watch.monitor import source_config

SOCIAL_WORDS = {
    "reddit": "reddit",
    "youtube": "youtube", "yt": "youtube",
    "bluesky": "bluesky", "bsky": "bluesky",
    "mastodon": "mastodon",
    "reseaux": "social", "reseau": "social", "social": "social", "socials": "social",
}  # fmt: skip


def missing_setting(kind: str, config: SourceConfig, lang: str = "fr") -> str | None:
    """Why a social kind cannot work on this server, or None when it can."""
    youtube = kind == "youtube" and not config.youtube_api_key
    bluesky = kind == "bluesky" and not (config.bluesky_handle and config.bluesky_app_password)
    mastodon = kind == "mastodon" and not config.mastodon_instance
    return messages(lang).social_missing(kind) if youtube or bluesky or mastodon else None


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
    return source_config(ctx.services)


def _wake(ctx: Context) -> None:
    if ctx.services.monitor is not None:
        ctx.services.monitor.wake()


async def add_social(ctx: Context, word: str, rest: str) -> Reply:
    """`/source reseaux N`, or one kind: `/source youtube N`, `/source mastodon URL pour N`…"""
    kind = SOCIAL_WORDS[word]
    config = _config(ctx)
    say = messages(ctx.lang)
    if kind == "social":
        return await _add_all(ctx, rest, config)
    text, ref = _split_for(rest)
    watch = await watch_by_ref(ctx, text if ref is None else ref)
    missing = missing_setting(kind, config, ctx.lang)
    channel = kind == "youtube" and text.lower().startswith(("chaine:", "chaîne:", "channel:"))
    if missing and (kind == "youtube" or (kind == "mastodon" and ref is None)):
        raise UsageError(missing)
    target = _target_for(kind, watch, config) if ref is None else text
    label, new = await _store(ctx, kind, target, watch, config)
    if not new:
        return reply(*say.already_followed())
    _wake(ctx)
    spans: list[Span | str] = [*say.social_source_added(label, watch.display)]
    spans += [NL, t(say.social_first_poll())]
    if kind == "bluesky" and missing:
        spans += [NL, t("⚠️ " + missing)]
    if kind == "youtube" and not channel:
        spans += [NL, t(say.youtube_cost(config.youtube_team_daily_units))]
    return reply(*spans)


async def _add_all(ctx: Context, rest: str, config: SourceConfig) -> Reply:
    say = messages(ctx.lang)
    watch = await watch_by_ref(ctx, rest)
    added: list[str] = []
    already: list[str] = []
    skipped: list[str] = []
    for kind in SOCIAL_KINDS:
        missing = missing_setting(kind, config, ctx.lang)
        if missing:
            skipped.append(missing)
            continue
        label, new = await _store(ctx, kind, _target_for(kind, watch, config), watch, config)
        (added if new else already).append(label)
    if added:
        _wake(ctx)
    spans: list[Span | str] = [b(say.social_title(watch.display))]
    spans += [s for label in added for s in (NL, t(f"✅ {label}"))]
    spans += [s for label in already for s in (NL, t(say.social_already(label)))]
    if not added and not already:
        spans += [NL, t(say.social_none_added())]
    if skipped:
        spans += [NL, NL, b(say.social_not_added())]
        spans += [s for line in skipped for s in (NL, t("• " + line))]
    command = f"/source youtube {CHANNEL_PREFIX}UC… pour {rest.strip()}"
    spans += [NL, NL, *say.social_own_channel(command)]
    if added:
        spans += [NL, t(say.social_first_poll())]
    return reply(*spans)


async def quota_spans(ctx: Context) -> list[Span]:
    """The team's YouTube quota spent today, for /statut (nothing without a YouTube source)."""
    rows = [r for r in await ctx.services.store.sources.active(ctx.team) if r.kind == "youtube"]
    if not rows:
        return []
    budget = _config(ctx).youtube_team_daily_units
    spent = spent_from_states([r.state for r in rows], quota_day())
    return [NL, t(messages(ctx.lang).youtube_quota(spent, budget))]
