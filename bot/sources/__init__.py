"""Where mentions come from: feeds, news, Google listings and web pages, behind one protocol."""

from bot.sources.base import (
    ConfigError,
    ContentError,
    FetchResult,
    FetchTimeoutError,
    HttpStatusError,
    InvalidTargetError,
    RateLimitedError,
    ServerError,
    Source,
    SourceConfig,
    SourceError,
    SourceKind,
    SourceSpec,
    SourceState,
    TooLargeError,
    UnreachableError,
    UnsafeSourceError,
)
from bot.sources.http import new_client
from bot.sources.kinds import build_source, build_sources, describe
from bot.sources.news import news_feed_url, news_query_for

__all__ = [
    "ConfigError",
    "ContentError",
    "FetchResult",
    "FetchTimeoutError",
    "HttpStatusError",
    "InvalidTargetError",
    "RateLimitedError",
    "ServerError",
    "Source",
    "SourceConfig",
    "SourceError",
    "SourceKind",
    "SourceSpec",
    "SourceState",
    "TooLargeError",
    "UnreachableError",
    "UnsafeSourceError",
    "build_source",
    "build_sources",
    "describe",
    "new_client",
    "news_feed_url",
    "news_query_for",
]
