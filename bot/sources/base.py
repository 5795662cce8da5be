"""The contract every source honours, so the monitor can poll feeds, APIs and pages alike."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import httpx

    from bot.messages import Messages
    from bot.models import Mention

DEFAULT_USER_AGENT = "Vigie/0.1 (veille e-reputation de cabinet de sante)"


class SourceKind(enum.StrEnum):
    """The kinds of source a team can add with `/source`."""

    FEED = "feed"
    NEWS = "news"
    PLACES = "places"
    BUSINESS = "business"
    PAGE = "page"
    REDDIT = "reddit"
    YOUTUBE = "youtube"
    BLUESKY = "bluesky"
    MASTODON = "mastodon"


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """Deployment settings the sources need; every base URL can point at a proxy or a test server.

    `blocked_networks` lists extra networks (CIDR) refused even when `allow_private` is true.
    `poll_interval_s`, when set, replaces every kind's default polling interval.
    `google_token_file` holds the refresh token `vigie google connecter` stored, used when
    `google_refresh_token` is not set.
    """

    places_api_url: str = "https://places.googleapis.com/v1"
    places_api_key: str | None = None
    business_api_url: str = "https://mybusiness.googleapis.com/v4"
    oauth_token_url: str = "https://oauth2.googleapis.com/token"  # noqa: S105 (a URL)
    google_client_id: str | None = None
    google_client_secret: str | None = None
    google_refresh_token: str | None = None
    google_token_file: str | None = None
    news_url: str = "https://news.google.com/rss/search"
    reddit_url: str = "https://www.reddit.com"
    reddit_oauth_url: str = "https://oauth.reddit.com"
    reddit_client_id: str | None = None
    reddit_client_secret: str | None = None
    youtube_api_url: str = "https://www.googleapis.com/youtube/v3"
    youtube_api_key: str | None = None
    youtube_team_daily_units: int = 10_000
    bluesky_public_url: str = "https://public.api.bsky.app"
    bluesky_pds_url: str = "https://bsky.social"
    bluesky_handle: str | None = None
    bluesky_app_password: str | None = None
    mastodon_instance: str | None = "https://mastodon.social"
    allow_private: bool = False
    max_body_bytes: int = 5 * 1024 * 1024
    timeout_s: float = 20.0
    user_agent: str = DEFAULT_USER_AGENT
    poll_interval_s: int | None = None
    blocked_networks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One configured source of a team, as the store keeps it.

    `target` is a URL (feed, page), a place id (places), `accounts/A/locations/L` (business)
    or a search query (news). `watch_id` scopes every mention to one watched name: always set
    for places and business listings, optional for feeds and pages.
    """

    id: int
    team_id: int
    kind: str
    target: str
    selector: str | None = None
    watch_id: int | None = None


@dataclass(frozen=True, slots=True)
class SourceState:
    """What a source carries from one poll to the next, stored as JSON.

    HTTP validators for conditional GETs; `listing`: the figures a listing last reported
    (review count, rating, recent ratings) that the monitor compares to spot hidden reviews;
    `extra`: what an API source remembers besides validators (videos already found, quota
    units spent today). Both must stay small and JSON-serialisable.
    """

    etag: str | None = None
    last_modified: str | None = None
    extra: dict[str, object] = field(default_factory=dict)
    listing: dict[str, object] | None = None

    def to_json(self) -> str:
        """The state as compact JSON text for the store."""
        data: dict[str, object] = {
            k: v for k, v in (("etag", self.etag), ("last_modified", self.last_modified)) if v
        }
        if self.listing:
            data["listing"] = self.listing
        if self.extra:
            data["extra"] = self.extra
        return json.dumps(data, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> SourceState:
        """Read a stored state; anything unreadable gives a fresh state (one full fetch)."""
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        etag = data.get("etag")
        modified = data.get("last_modified")
        listing = data.get("listing")
        extra = data.get("extra")
        return cls(
            etag=etag if isinstance(etag, str) and etag else None,
            last_modified=modified if isinstance(modified, str) and modified else None,
            listing=listing if isinstance(listing, dict) else None,
            extra=extra if isinstance(extra, dict) else {},
        )


SummaryValue = str | int | float | None


@dataclass(slots=True)
class FetchResult:
    """What one poll of a source produced.

    `complete` is true when `mentions` lists every current item of the listing, so the
    monitor may record the disappearance of the items it no longer sees.
    `summary` carries listing figures for the baseline message (name, rating, count).
    """

    mentions: list[Mention]
    state: SourceState
    not_modified: bool = False
    complete: bool = False
    summary: dict[str, SummaryValue] = field(default_factory=dict)


class SourceError(Exception):
    """A poll that failed, with a French message for the team and a hint for the scheduler.

    `permanent` means retrying will not help until someone changes something (bad address,
    refused key, unreadable feed); otherwise the monitor retries, after `retry_after_s` when
    the server said how long to wait.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after_s: float | None = None,
        permanent: bool = False,
        status: int | None = None,
        sentence: Callable[[Messages], str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after_s = retry_after_s
        self.permanent = permanent
        self.status = status
        self.sentence = sentence

    def __str__(self) -> str:
        return self.message

    def said_in(self, lang: str | None) -> str:
        """The message in a team's language (the French `message` when no sentence was given)."""
        from bot.messages import messages

        return self.sentence(messages(lang)) if self.sentence else self.message


class UnsafeSourceError(SourceError):
    """The address leads to an internal network or is not a web address."""


class FetchTimeoutError(SourceError):
    """The server did not answer in time."""


class UnreachableError(SourceError):
    """The server could not be reached or broke the connection."""


class TooLargeError(SourceError):
    """The answer is larger than the configured cap."""


class HttpStatusError(SourceError):
    """The server answered with an error status; `body` keeps the start of its answer."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        body: bytes = b"",
        retry_after_s: float | None = None,
        permanent: bool = False,
        sentence: Callable[[Messages], str] | None = None,
    ) -> None:
        super().__init__(
            message,
            retry_after_s=retry_after_s,
            permanent=permanent,
            status=status,
            sentence=sentence,
        )
        self.body = body


class RateLimitedError(HttpStatusError):
    """The server asked us to slow down (429)."""


class ServerError(HttpStatusError):
    """The server failed (5xx); usually worth retrying later."""


class ContentError(SourceError):
    """The answer arrived but cannot be read as what the source expects."""


class ConfigError(SourceError):
    """A deployment setting the source needs is missing or refused (API key, OAuth)."""


class InvalidTargetError(SourceError):
    """What the team typed for a source cannot work; the message says how to write it."""

    def __init__(self, message: str, sentence: Callable[[Messages], str] | None = None) -> None:
        super().__init__(message, permanent=True, sentence=sentence)


class ConfiguredSource:
    """What every source kind keeps: the deployment settings and its polling interval."""

    default_interval_s: int = 3600

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self.interval_s = config.poll_interval_s or self.default_interval_s


class Source(Protocol):
    """One kind of source: checks what the team typed, describes it, and polls it."""

    @property
    def kind(self) -> str:
        """The `SourceKind` value this source handles."""
        ...

    @property
    def default_interval_s(self) -> int:
        """This kind's own polling interval, in seconds."""
        ...

    @property
    def interval_s(self) -> int:
        """The interval to use: the configured override, or the kind's default."""
        ...

    def normalize(self, target: str, selector: str | None) -> tuple[str, str | None]:
        """Clean what the team typed; raise `InvalidTargetError` with a French hint."""
        ...

    def describe(self, spec: SourceSpec) -> str:
        """A short French label for listings (« Flux RSS · exemple.fr »)."""
        ...

    async def fetch(
        self, client: httpx.AsyncClient, spec: SourceSpec, state: SourceState
    ) -> FetchResult:
        """Poll once; raise `SourceError` (never anything else) when it fails."""
        ...
