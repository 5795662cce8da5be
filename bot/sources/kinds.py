"""One place that maps a source kind to its implementation, for the monitor and `/source`."""

from __future__ import annotations

from collections.abc import Callable

from bot.sources.base import InvalidTargetError, Source, SourceConfig, SourceKind, SourceSpec
from bot.sources.bluesky import BlueskySource
from bot.sources.business import BusinessSource
from bot.sources.feed import FeedSource
from bot.sources.mastodon import MastodonSource
from bot.sources.news import NewsSource
from bot.sources.page import PageSource
from bot.sources.places import PlacesSource
from bot.sources.reddit import RedditSource
from bot.sources.youtube import YouTubeSource

_KINDS: dict[str, Callable[[SourceConfig], Source]] = {
    SourceKind.FEED: FeedSource,
    SourceKind.NEWS: NewsSource,
    SourceKind.PLACES: PlacesSource,
    SourceKind.BUSINESS: BusinessSource,
    SourceKind.PAGE: PageSource,
    SourceKind.REDDIT: RedditSource,
    SourceKind.YOUTUBE: YouTubeSource,
    SourceKind.BLUESKY: BlueskySource,
    SourceKind.MASTODON: MastodonSource,
}


def build_source(kind: str, config: SourceConfig) -> Source:
    """The source for a kind; build each once and reuse it (Business keeps its OAuth token)."""
    try:
        return _KINDS[kind](config)
    except KeyError:
        known = ", ".join(k.value for k in SourceKind)
        raise InvalidTargetError(
            f"Type de source inconnu : « {kind} » (connus : {known})."
        ) from None


def build_sources(config: SourceConfig) -> dict[str, Source]:
    """Every kind's source, keyed by kind, sharing one configuration."""
    return {kind.value: build_source(kind.value, config) for kind in SourceKind}


def describe(spec: SourceSpec, config: SourceConfig | None = None) -> str:
    """The French one-liner for a source in `/source` listings."""
    try:
        source = build_source(spec.kind, config or SourceConfig())
    except InvalidTargetError:
        return f"Source inconnue ({spec.kind}) · {spec.target[:60]}"
    return source.describe(spec)
