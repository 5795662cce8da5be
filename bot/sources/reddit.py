"""Reddit search for a watched name: the public search JSON, or the OAuth API when configured."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from urllib.parse import urlencode

import httpx

from bot.models import Mention
from bot.sources.base import (
    ConfigError,
    ConfiguredSource,
    ContentError,
    FetchResult,
    HttpStatusError,
    SourceConfig,
    SourceKind,
    SourceSpec,
    SourceState,
)
from bot.sources.http import ACCEPT_JSON, fetch
from bot.sources.social import check_query, dig, from_epoch, text_of
from bot.sources.text import MAX_RAW_CHARS, cap, clean_text, one_line

PAGE_SIZE = 50
PUBLIC_SITE = "https://www.reddit.com"
_EXAMPLE = "/source reddit 1"
_KEYS_HINT = (
    "créez une application de type « script » sur reddit.com/prefs/apps et renseignez "
    "VIGIE_REDDIT_CLIENT_ID et VIGIE_REDDIT_CLIENT_SECRET"
)


class RedditTokens:
    """An application-only OAuth token (client credentials), kept until just before expiry."""

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self._token: tuple[str, float] | None = None
        self._lock = asyncio.Lock()

    def forget(self) -> None:
        """Drop the token Reddit refused."""
        self._token = None

    async def get(self, client: httpx.AsyncClient) -> str:
        """A valid bearer token."""
        async with self._lock:
            if self._token is not None and self._token[1] > time.monotonic():
                return self._token[0]
            cfg = self.config
            pair = f"{cfg.reddit_client_id}:{cfg.reddit_client_secret}".encode()
            headers = {
                "Accept": ACCEPT_JSON,
                "Authorization": "Basic " + base64.b64encode(pair).decode("ascii"),
            }
            try:
                response = await fetch(
                    client,
                    f"{cfg.reddit_url.rstrip('/')}/api/v1/access_token",
                    cfg,
                    method="POST",
                    headers=headers,
                    data={"grant_type": "client_credentials"},
                    trusted=True,
                    follow_redirects=False,
                )
            except HttpStatusError as exc:
                if exc.status in (400, 401, 403):
                    raise ConfigError(
                        f"Reddit refuse les identifiants de l'application (erreur {exc.status}) : "
                        "vérifiez VIGIE_REDDIT_CLIENT_ID et VIGIE_REDDIT_CLIENT_SECRET.",
                        permanent=True,
                        status=exc.status,
                    ) from exc
                raise
            data = response.json()
            token = dig(data, "access_token")
            if not isinstance(token, str) or not token:
                error = text_of(dig(data, "error")) or "réponse inattendue"
                raise ConfigError(
                    f"Reddit n'a pas donné de jeton d'accès ({one_line(error, 80)}) : "
                    "vérifiez VIGIE_REDDIT_CLIENT_ID et VIGIE_REDDIT_CLIENT_SECRET.",
                    permanent=True,
                )
            expires = dig(data, "expires_in")
            lifetime = float(expires) if isinstance(expires, int | float) else 3600.0
            self._token = (token, time.monotonic() + max(lifetime - 60.0, 0.0))
            return token


class RedditSource(ConfiguredSource):
    """The newest Reddit posts matching the search; each post is keyed by its fullname (t3_…)."""

    kind = SourceKind.REDDIT.value
    default_interval_s = 3600

    def __init__(self, config: SourceConfig) -> None:
        super().__init__(config)
        self.tokens = RedditTokens(config)

    @property
    def uses_oauth(self) -> bool:
        """True when an application's credentials are configured."""
        return bool(self.config.reddit_client_id and self.config.reddit_client_secret)

    def normalize(self, target: str, selector: str | None) -> tuple[str, str | None]:
        """Check the search text; no selector."""
        return check_query(target, _EXAMPLE), None

    def describe(self, spec: SourceSpec) -> str:
        """« Reddit · "Marie Dupont" »."""
        return f"Reddit · {cap(spec.target, 80)}"

    async def fetch(
        self, client: httpx.AsyncClient, spec: SourceSpec, state: SourceState
    ) -> FetchResult:
        """One search, newest first."""
        params = urlencode(
            {"q": spec.target, "sort": "new", "limit": str(PAGE_SIZE), "raw_json": "1"}
        )
        if self.uses_oauth:
            data = await self._oauth_search(client, params)
        else:
            data = await self._public_search(client, params)
        children = dig(data, "data", "children")
        if not isinstance(children, list):
            raise ContentError("Réponse inattendue de Reddit (pas de liste de résultats).")
        mentions = [m for c in children if (m := _mention(c, spec)) is not None]
        return FetchResult(mentions=mentions, state=state)

    async def _public_search(self, client: httpx.AsyncClient, params: str) -> object:
        url = f"{self.config.reddit_url.rstrip('/')}/search.json?{params}"
        try:
            response = await fetch(
                client,
                url,
                self.config,
                headers={"Accept": ACCEPT_JSON},
                trusted=True,
                follow_redirects=False,
            )
        except HttpStatusError as exc:
            if exc.status in (401, 403):
                raise ConfigError(
                    f"Reddit refuse la recherche publique sans identifiants (erreur {exc.status}) "
                    f": {_KEYS_HINT}.",
                    permanent=True,
                    status=exc.status,
                ) from exc
            raise
        return response.json()

    async def _oauth_search(self, client: httpx.AsyncClient, params: str) -> object:
        url = f"{self.config.reddit_oauth_url.rstrip('/')}/search?{params}"
        for attempt in range(2):
            token = await self.tokens.get(client)
            headers = {"Accept": ACCEPT_JSON, "Authorization": f"bearer {token}"}
            try:
                response = await fetch(
                    client, url, self.config, headers=headers, trusted=True, follow_redirects=False
                )
            except HttpStatusError as exc:
                if exc.status == 401 and attempt == 0:
                    self.tokens.forget()
                    continue
                if exc.status in (401, 403):
                    raise ConfigError(
                        f"Reddit refuse l'accès à la recherche (erreur {exc.status}) : "
                        "vérifiez les identifiants de l'application Reddit.",
                        permanent=True,
                        status=exc.status,
                    ) from exc
                raise
            return response.json()
        raise ConfigError("Reddit refuse le jeton d'accès, même renouvelé.", permanent=True)


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
        raw=cap(json.dumps(post, ensure_ascii=False), MAX_RAW_CHARS),
    )
