"""Bluesky posts naming a watch (`app.bsky.feed.searchPosts`), with an app-password session.

Bluesky's public AppView may refuse unauthenticated searches; with a handle and an app
password configured, Vigie opens a session on the PDS (`com.atproto.server.createSession`)
and searches through it, opening a new session when the access token expires.
"""

from __future__ import annotations

import asyncio
import json
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
from bot.sources.places import parse_time
from bot.sources.social import check_query, dig, text_of
from bot.sources.text import MAX_RAW_CHARS, cap, clean_text, one_line

PAGE_SIZE = 50
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
SESSION = "/xrpc/com.atproto.server.createSession"
_EXAMPLE = "/source bluesky 1"
_KEYS_HINT = (
    "créez un mot de passe d'application (Bluesky > Paramètres > Confidentialité et sécurité > "
    "Mots de passe d'application) et renseignez VIGIE_BLUESKY_HANDLE et "
    "VIGIE_BLUESKY_APP_PASSWORD"
)


def _xrpc_error(exc: HttpStatusError) -> str:
    try:
        data = json.loads(exc.body)
    except ValueError:
        return ""
    return text_of(dig(data, "error"))


def post_url(uri: str, handle: str) -> str | None:
    """The bsky.app address of a post from its `at://did/app.bsky.feed.post/rkey` URI."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != "app.bsky.feed.post" or not parts[2]:
        return None
    return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[2]}"


class BlueskySession:
    """The access token of an app-password session, opened on demand and renewed once refused."""

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self._token: str | None = None
        self._lock = asyncio.Lock()

    def forget(self) -> None:
        """Drop an expired or refused token."""
        self._token = None

    async def get(self, client: httpx.AsyncClient) -> str:
        """A session token, creating the session when needed."""
        async with self._lock:
            if self._token is not None:
                return self._token
            cfg = self.config
            try:
                response = await fetch(
                    client,
                    cfg.bluesky_pds_url.rstrip("/") + SESSION,
                    cfg,
                    method="POST",
                    headers={"Accept": ACCEPT_JSON},
                    json_body={
                        "identifier": cfg.bluesky_handle,
                        "password": cfg.bluesky_app_password,
                    },
                    trusted=True,
                    follow_redirects=False,
                )
            except HttpStatusError as exc:
                if exc.status in (400, 401, 403):
                    error = _xrpc_error(exc) or f"erreur {exc.status}"
                    raise ConfigError(
                        f"Bluesky refuse l'identifiant ou le mot de passe d'application ({error}) "
                        ": vérifiez VIGIE_BLUESKY_HANDLE et VIGIE_BLUESKY_APP_PASSWORD.",
                        permanent=True,
                        status=exc.status,
                    ) from exc
                raise
            token = dig(response.json(), "accessJwt")
            if not isinstance(token, str) or not token:
                raise ContentError("Bluesky n'a pas ouvert de session (réponse inattendue).")
            self._token = token
            return token


class BlueskySource(ConfiguredSource):
    """The latest Bluesky posts matching a search; each keyed by its `at://` URI."""

    kind = SourceKind.BLUESKY.value
    default_interval_s = 1800

    def __init__(self, config: SourceConfig) -> None:
        super().__init__(config)
        self.session = BlueskySession(config)

    @property
    def uses_session(self) -> bool:
        """True when a handle and an app password are configured."""
        return bool(self.config.bluesky_handle and self.config.bluesky_app_password)

    def normalize(self, target: str, selector: str | None) -> tuple[str, str | None]:
        """Check the search text; no selector."""
        return check_query(target, _EXAMPLE), None

    def describe(self, spec: SourceSpec) -> str:
        """« Bluesky · "Marie Dupont" »."""
        return f"Bluesky · {cap(spec.target, 80)}"

    async def fetch(
        self, client: httpx.AsyncClient, spec: SourceSpec, state: SourceState
    ) -> FetchResult:
        """One search, latest first."""
        query = urlencode({"q": spec.target, "sort": "latest", "limit": str(PAGE_SIZE)})
        if self.uses_session:
            data = await self._with_session(client, f"{SEARCH}?{query}")
        else:
            data = await self._public(client, f"{SEARCH}?{query}")
        posts = dig(data, "posts")
        if not isinstance(posts, list):
            raise ContentError("Réponse inattendue de Bluesky (« posts » manquant).")
        mentions = [m for p in posts if (m := _mention(p, spec)) is not None]
        return FetchResult(mentions=mentions, state=state)

    async def _public(self, client: httpx.AsyncClient, path: str) -> object:
        url = self.config.bluesky_public_url.rstrip("/") + path
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
                    "Bluesky refuse la recherche sans compte (erreur "
                    f"{exc.status}) : {_KEYS_HINT}.",
                    permanent=True,
                    status=exc.status,
                ) from exc
            raise
        return response.json()

    async def _with_session(self, client: httpx.AsyncClient, path: str) -> object:
        url = self.config.bluesky_pds_url.rstrip("/") + path
        for attempt in range(2):
            token = await self.session.get(client)
            headers = {"Accept": ACCEPT_JSON, "Authorization": f"Bearer {token}"}
            try:
                response = await fetch(
                    client, url, self.config, headers=headers, trusted=True, follow_redirects=False
                )
            except HttpStatusError as exc:
                error = _xrpc_error(exc)
                expired = exc.status == 401 or error in ("ExpiredToken", "InvalidToken")
                if expired and attempt == 0:
                    self.session.forget()
                    continue
                if exc.status in (400, 401, 403):
                    raise ConfigError(
                        f"Bluesky refuse la recherche ({error or f'erreur {exc.status}'}) : "
                        "vérifiez le compte et le mot de passe d'application.",
                        permanent=True,
                        status=exc.status,
                    ) from exc
                raise
            return response.json()
        raise ConfigError("Bluesky refuse la session, même renouvelée.", permanent=True)


def _mention(post: object, spec: SourceSpec) -> Mention | None:
    uri = text_of(dig(post, "uri")).strip()
    if not uri.startswith("at://"):
        return None
    handle = one_line(text_of(dig(post, "author", "handle")), 200)
    name = one_line(text_of(dig(post, "author", "displayName")), 200)
    record = dig(post, "record")
    created = dig(record, "createdAt") or dig(post, "indexedAt")
    author = f"{name} (@{handle})" if name and handle else (f"@{handle}" if handle else name)
    return Mention(
        source_id=spec.id,
        external_id=cap(uri, 500),
        url=post_url(uri, handle),
        title=None,
        text=clean_text(text_of(dig(record, "text"))),
        author=author or None,
        published_at=parse_time(created),
        scoped_watch_id=None,
        raw=cap(json.dumps(post, ensure_ascii=False), MAX_RAW_CHARS),
    )
