"""Reddit search for a watched name: the public search JSON, or the OAuth API when configured."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import httpx

from bot.models import Mention
from bot.sources.api import (
    CachedToken,
    SearchSource,
    config_refusal,
    expiry,
    get_json,
    get_json_with_token,
    raw_record,
)
from bot.sources.base import (
    ConfigError,
    ContentError,
    FetchResult,
    HttpStatusError,
    SourceConfig,
    SourceKind,
    SourceSpec,
    SourceState,
)
from bot.sources.social import dig, from_epoch, text_of
from bot.sources.text import cap, clean_text, one_line

PAGE_SIZE = 50
PUBLIC_SITE = "https://www.reddit.com"
_EXAMPLE = "/source reddit 1"
_KEYS_HINT = (
    "créez une application de type « script » sur reddit.com/prefs/apps et renseignez "
    "VIGIE_REDDIT_CLIENT_ID et VIGIE_REDDIT_CLIENT_SECRET"
)


class RedditTokens(CachedToken):
    """An application-only OAuth token (client credentials), kept until just before expiry."""

    async def obtain(self, client: httpx.AsyncClient) -> tuple[str, float]:
        """A bearer token for the application's credentials."""
        cfg = self.config
        pair = f"{cfg.reddit_client_id}:{cfg.reddit_client_secret}".encode()
        data = await get_json(
            client,
            f"{cfg.reddit_url.rstrip('/')}/api/v1/access_token",
            cfg,
            method="POST",
            headers={"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")},
            data={"grant_type": "client_credentials"},
            refused=_credentials_refused,
        )
        token = dig(data, "access_token")
        if not isinstance(token, str) or not token:
            error = text_of(dig(data, "error")) or "réponse inattendue"
            raise ConfigError(
                f"Reddit n'a pas donné de jeton d'accès ({one_line(error, 80)}) : "
                "vérifiez VIGIE_REDDIT_CLIENT_ID et VIGIE_REDDIT_CLIENT_SECRET.",
                permanent=True,
            )
        return token, expiry(dig(data, "expires_in"))


_credentials_refused = config_refusal(
    (400, 401, 403),
    lambda exc: (
        f"Reddit refuse les identifiants de l'application (erreur {exc.status}) : "
        "vérifiez VIGIE_REDDIT_CLIENT_ID et VIGIE_REDDIT_CLIENT_SECRET."
    ),
)
_public_refused = config_refusal(
    (401, 403),
    lambda exc: (
        f"Reddit refuse la recherche publique sans identifiants (erreur {exc.status}) "
        f": {_KEYS_HINT}."
    ),
)
_search_refused = config_refusal(
    (401, 403),
    lambda exc: (
        f"Reddit refuse l'accès à la recherche (erreur {exc.status}) : "
        "vérifiez les identifiants de l'application Reddit."
    ),
)


def _expired(exc: HttpStatusError) -> bool:
    return exc.status == 401


class RedditSource(SearchSource):
    """The newest Reddit posts matching the search; each post is keyed by its fullname (t3_…)."""

    kind = SourceKind.REDDIT.value
    default_interval_s = 3600
    label = "Reddit"
    example = _EXAMPLE

    def __init__(self, config: SourceConfig) -> None:
        super().__init__(config)
        self.tokens = RedditTokens(config)

    @property
    def uses_oauth(self) -> bool:
        """True when an application's credentials are configured."""
        return bool(self.config.reddit_client_id and self.config.reddit_client_secret)

    async def fetch(
        self, client: httpx.AsyncClient, spec: SourceSpec, state: SourceState
    ) -> FetchResult:
        """One search, newest first."""
        params = urlencode(
            {"q": spec.target, "sort": "new", "limit": str(PAGE_SIZE), "raw_json": "1"}
        )
        if self.uses_oauth:
            data = await get_json_with_token(
                client,
                f"{self.config.reddit_oauth_url.rstrip('/')}/search?{params}",
                self.config,
                self.tokens,
                scheme="bearer",
                expired=_expired,
                refused=_search_refused,
            )
        else:
            data = await get_json(
                client,
                f"{self.config.reddit_url.rstrip('/')}/search.json?{params}",
                self.config,
                refused=_public_refused,
            )
        children = dig(data, "data", "children")
        if not isinstance(children, list):
            raise ContentError("Réponse inattendue de Reddit (pas de liste de résultats).")
        mentions = [m for c in children if (m := _mention(c, spec)) is not None]
        return FetchResult(mentions=mentions, state=state)


def _mention(child: object, spec: SourceSpec) -> Mention | None:
    post = dig(child, "data")
    if not isinstance(post, dict):
        return None
    name = text_of(post.get("name")).strip() or (
        "t3_" + text_of(post.get("id")).strip() if text_of(post.get("id")).strip() else ""
    )
    if not name:
        return None
    permalink = text_of(post.get("permalink"))
    author = one_line(text_of(post.get("author")), 100)
    subreddit = one_line(text_of(post.get("subreddit_name_prefixed")), 100)
    title = one_line(text_of(post.get("title")), 500)
    if subreddit:
        title = f"{title} ({subreddit})" if title else subreddit
    return Mention(
        source_id=spec.id,
        external_id=cap(name, 200),
        url=PUBLIC_SITE + permalink if permalink.startswith("/") else None,
        title=title or None,
        text=clean_text(text_of(post.get("selftext"))),
        author=f"u/{author}" if author and author != "[deleted]" else None,
        published_at=from_epoch(post.get("created_utc")),
        scoped_watch_id=None,
        raw=raw_record(post),
    )
