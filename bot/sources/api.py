"""What the JSON API sources share: one trusted call, a refusal told as the source's own error,
a bearer token kept until expiry and renewed once when refused, the raw record of an item, the
search-text target."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import NoReturn

import httpx

from bot.sources.base import (
    ConfigError,
    ConfiguredSource,
    HttpStatusError,
    SourceConfig,
    SourceSpec,
)
from bot.sources.http import ACCEPT_JSON, fetch
from bot.sources.social import check_query
from bot.sources.text import MAX_RAW_CHARS, cap

Refusal = Callable[[HttpStatusError], Exception | None]
"""Turns an API's error status into the source's own error; None lets the status error through."""


def config_refusal(statuses: tuple[int, ...], message: Callable[[HttpStatusError], str]) -> Refusal:
    """Tell an error status among `statuses` as a permanent `ConfigError` saying `message(exc)`:
    a key, a password or an access the server's owner must change."""

    def refused(exc: HttpStatusError) -> Exception | None:
        if exc.status not in statuses:
            return None
        return ConfigError(message(exc), permanent=True, status=exc.status)

    return refused


def missing_key(api: str, variable: str, where: str = "") -> ConfigError:
    """The API key of `api` is not set: who must set which variable (and `where` to get it)."""
    return ConfigError(
        f"La clé d'API {api} n'est pas configurée : la personne qui gère le serveur doit "
        f"renseigner {variable}{where}.",
        permanent=True,
    )


class SearchSource(ConfiguredSource):
    """A source whose target is a search text typed or built for a watch (Reddit, Bluesky)."""

    label = ""
    example = ""

    def normalize(self, target: str, selector: str | None) -> tuple[str, str | None]:
        """Check the search text; no selector."""
        return check_query(target, self.example), None

    def describe(self, spec: SourceSpec) -> str:
        """« Reddit · "Marie Dupont" »."""
        return f"{self.label} · {cap(spec.target, 80)}"


def _raise_refusal(exc: HttpStatusError, refused: Refusal | None) -> NoReturn:
    error = refused(exc) if refused is not None else None
    if error is None:
        raise exc
    raise error from exc


async def get_json(
    client: httpx.AsyncClient,
    url: str,
    config: SourceConfig,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    data: dict[str, str] | None = None,
    json_body: object | None = None,
    refused: Refusal | None = None,
) -> object:
    """The decoded answer of one call to an API address the server's owner configured.

    Trusted for its first hop, never redirected (a key or token stays with its API).
    """
    try:
        response = await fetch(
            client,
            url,
            config,
            method=method,
            headers={"Accept": ACCEPT_JSON, **(headers or {})},
            data=data,
            json_body=json_body,
            trusted=True,
            follow_redirects=False,
        )
    except HttpStatusError as exc:
        _raise_refusal(exc, refused)
    return response.json()


class CachedToken:
    """An access token obtained on demand, shared by concurrent polls, dropped once refused."""

    def __init__(self, config: SourceConfig) -> None:
        self.config = config
        self._token: tuple[str, float] | None = None
        self._lock = asyncio.Lock()

    async def obtain(self, client: httpx.AsyncClient) -> tuple[str, float]:
        """A new token and the `time.monotonic()` instant it stops being used."""
        raise NotImplementedError

    def forget(self, value: str | None = None) -> None:
        """Drop an expired or refused token (unless a poll already renewed it: `value` is the
        one refused), so the next call obtains a new one."""
        if self._token is not None and value in (None, self._token[0]):
            self._token = None

    async def get(self, client: httpx.AsyncClient) -> str:
        """A valid token, obtaining one when there is none or it expired."""
        async with self._lock:
            if self._token is None or self._token[1] <= time.monotonic():
                self._token = await self.obtain(client)
            return self._token[0]


def expiry(lifetime: object) -> float:
    """When a token given for `lifetime` seconds (`expires_in`, else an hour) is renewed:
    a minute early."""
    seconds = float(lifetime) if isinstance(lifetime, int | float) else 3600.0
    return time.monotonic() + max(seconds - 60.0, 0.0)


async def get_json_with_token(
    client: httpx.AsyncClient,
    url: str,
    config: SourceConfig,
    tokens: CachedToken,
    *,
    scheme: str,
    expired: Callable[[HttpStatusError], bool],
    refused: Refusal,
) -> object:
    """`get_json` with `Authorization: SCHEME TOKEN`; a token found `expired` is renewed once."""
    token = await tokens.get(client)
    try:
        return await get_json(client, url, config, headers={"Authorization": f"{scheme} {token}"})
    except HttpStatusError as exc:
        if not expired(exc):
            _raise_refusal(exc, refused)
        tokens.forget(token)
    token = await tokens.get(client)
    return await get_json(
        client, url, config, headers={"Authorization": f"{scheme} {token}"}, refused=refused
    )


def raw_record(item: object) -> str:
    """An API item as stored in a mention's `raw` (JSON, capped)."""
    return cap(json.dumps(item, ensure_ascii=False), MAX_RAW_CHARS)


def author_label(name: str, handle: str) -> str | None:
    """« Marie Dupont (@marie) », « @marie » or « Marie Dupont »; None when neither is known."""
    if name and handle:
        return f"{name} (@{handle})"
    return f"@{handle}" if handle else (name or None)
