"""Bluesky posts naming a watch (`app.bsky.feed.searchPosts`), with an app-password session.

Bluesky's public AppView may refuse unauthenticated searches; with a handle and an app
password configured, Vigie opens a session on the PDS (`com.atproto.server.createSession`)
and searches through it, opening a new session when the access token expires.
"""

from __future__ import annotations

import json
import math
from urllib.parse import urlencode

import httpx

from bot.models import Mention
from bot.sources.api import (
    CachedToken,
    SearchSource,
    author_label,
    config_refusal,
    get_json,
    get_json_with_token,
    raw_record,
)
from bot.sources.base import (
    ContentError,
    FetchResult,
    HttpStatusError,
    SourceConfig,
    SourceKind,
    SourceSpec,
    SourceState,
)
from bot.sources.places import parse_time
from bot.sources.social import dig, text_of
from bot.sources.text import cap, clean_text, one_line

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


class BlueskySession(CachedToken):
    """The access token of an app-password session, opened on demand and renewed once refused."""

    async def obtain(self, client: httpx.AsyncClient) -> tuple[str, float]:
        """A session token, kept until Bluesky refuses it."""
        cfg = self.config
        data = await get_json(
            client,
            cfg.bluesky_pds_url.rstrip("/") + SESSION,
            cfg,
            method="POST",
            json_body={"identifier": cfg.bluesky_handle, "password": cfg.bluesky_app_password},
            refused=_login_refused,
        )
        token = dig(data, "accessJwt")
        if not isinstance(token, str) or not token:
            raise ContentError("Bluesky n'a pas ouvert de session (réponse inattendue).")
        return token, math.inf


def _error_said(exc: HttpStatusError) -> str:
    return _xrpc_error(exc) or f"erreur {exc.status}"


_login_refused = config_refusal(
    (400, 401, 403),
    lambda exc: (
        f"Bluesky refuse l'identifiant ou le mot de passe d'application "
        f"({_error_said(exc)}) : vérifiez VIGIE_BLUESKY_HANDLE et VIGIE_BLUESKY_APP_PASSWORD."
    ),
)
_public_refused = config_refusal(
    (401, 403),
    lambda exc: f"Bluesky refuse la recherche sans compte (erreur {exc.status}) : {_KEYS_HINT}.",
)
_search_refused = config_refusal(
    (400, 401, 403),
    lambda exc: (
        f"Bluesky refuse la recherche ({_error_said(exc)}) : "
        "vérifiez le compte et le mot de passe d'application."
    ),
)


def _expired(exc: HttpStatusError) -> bool:
    return exc.status == 401 or _xrpc_error(exc) in ("ExpiredToken", "InvalidToken")


class BlueskySource(SearchSource):
    """The latest Bluesky posts matching a search; each keyed by its `at://` URI."""

    kind = SourceKind.BLUESKY.value
    default_interval_s = 1800
    label = "Bluesky"
    example = _EXAMPLE

    def __init__(self, config: SourceConfig) -> None:
        super().__init__(config)
        self.session = BlueskySession(config)

    @property
    def uses_session(self) -> bool:
        """True when a handle and an app password are configured."""
        return bool(self.config.bluesky_handle and self.config.bluesky_app_password)

    async def fetch(
        self, client: httpx.AsyncClient, spec: SourceSpec, state: SourceState
    ) -> FetchResult:
        """One search, latest first."""
        query = urlencode({"q": spec.target, "sort": "latest", "limit": str(PAGE_SIZE)})
        if self.uses_session:
            data = await get_json_with_token(
                client,
                f"{self.config.bluesky_pds_url.rstrip('/')}{SEARCH}?{query}",
                self.config,
                self.session,
                scheme="Bearer",
                expired=_expired,
                refused=_search_refused,
            )
        else:
            data = await get_json(
                client,
                f"{self.config.bluesky_public_url.rstrip('/')}{SEARCH}?{query}",
                self.config,
                refused=_public_refused,
            )
        posts = dig(data, "posts")
        if not isinstance(posts, list):
            raise ContentError("Réponse inattendue de Bluesky (« posts » manquant).")
        mentions = [m for p in posts if (m := _mention(p, spec)) is not None]
        return FetchResult(mentions=mentions, state=state)


def _mention(post: object, spec: SourceSpec) -> Mention | None:
    uri = text_of(dig(post, "uri")).strip()
    if not uri.startswith("at://"):
        return None
    handle = one_line(text_of(dig(post, "author", "handle")), 200)
    name = one_line(text_of(dig(post, "author", "displayName")), 200)
    record = dig(post, "record")
    created = dig(record, "createdAt") or dig(post, "indexedAt")
    return Mention(
        source_id=spec.id,
        external_id=cap(uri, 500),
        url=post_url(uri, handle),
        title=None,
        text=clean_text(text_of(dig(record, "text"))),
        author=author_label(name, handle),
        published_at=parse_time(created),
        scoped_watch_id=None,
        raw=raw_record(post),
    )
