"""The one guarded way sources fetch: SSRF check on every hop, bounded time and size, 304s."""

from __future__ import annotations

import asyncio
import codecs
import functools
import http.cookiejar
import ipaddress
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from bot import netguard
from bot.sources.aiohttp_transport import AiohttpTransport, GuardedResolver
from bot.sources.base import (
    ContentError,
    FetchTimeoutError,
    HttpStatusError,
    RateLimitedError,
    ServerError,
    SourceConfig,
    TooLargeError,
    UnreachableError,
    UnsafeSourceError,
)

if TYPE_CHECKING:
    from bot.messages import Messages

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_RATE_LIMIT_DELAY_S = 600.0
MAX_RETRY_AFTER_S = 86_400.0
ERROR_BODY_BYTES = 64 * 1024

ACCEPT_FEED = (
    "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
ACCEPT_HTML = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
ACCEPT_JSON = "application/json"


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A complete, size-checked answer (or a 304), after redirects."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def not_modified(self) -> bool:
        """True for a 304: the content did not change since the validators we sent."""
        return self.status == 304

    @property
    def content_type(self) -> str:
        """The media type, lower-case, without parameters."""
        value: str = self.headers.get("content-type", "")
        return value.split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset announced by the server, if Python knows it."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset":
                return known_charset(value.strip().strip("\"'"))
        return None

    @property
    def etag(self) -> str | None:
        """The ETag validator to send next time."""
        return self.headers.get("etag") or None

    @property
    def last_modified(self) -> str | None:
        """The Last-Modified validator to send next time."""
        return self.headers.get("last-modified") or None

    def text(self) -> str:
        """The body as text: the announced charset, else UTF-8, else Windows-1252."""
        if self.charset:
            return self.body.decode(self.charset, errors="replace")
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError:
            return self.body.decode("cp1252", errors="replace")

    def json(self) -> object:
        """The body parsed as JSON; a `ContentError` in French when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError as exc:
            problem = str(exc)
            raise ContentError(
                f"La réponse de {host_of(self.url)} n'est pas du JSON lisible ({problem}).",
                sentence=functools.partial(_not_json, host_of(self.url), problem),
            ) from exc


def known_charset(name: str) -> str | None:
    """The canonical codec name for a charset label, or None when Python does not know it."""
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def host_of(url: str) -> str:
    """The host of a URL, for messages (« exemple.fr »)."""
    try:
        host = urlsplit(url).hostname or url
    except ValueError:
        return url
    return host.removeprefix("www.")


def format_delay(seconds: float) -> str:
    """A delay in French words (« 30 s », « 5 min », « 2 h »)."""
    if seconds < 90:
        return f"{max(math.ceil(seconds), 1)} s"
    if seconds < 5400:
        return f"{math.ceil(seconds / 60)} min"
    return f"{round(seconds / 3600)} h"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (a number or an HTTP date), capped at 24 h."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # not "²", which isdigit() accepts
        return min(float(value), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delay = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(delay, 0.0), MAX_RETRY_AFTER_S)


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Refuses every cookie: one team's fetch must never carry another's session."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False


def new_client(config: SourceConfig, *, max_connections: int = 20) -> httpx.AsyncClient:
    """The shared client for polling: no automatic redirects, no cookies, our user agent.

    It runs on aiohttp's engine, whose resolver refuses internal addresses when the
    connection is made (API hosts from the configuration excepted).
    """
    blocked = _networks(config.blocked_networks)
    api_urls = (
        config.places_api_url,
        config.business_api_url,
        config.oauth_token_url,
        config.reddit_url,
        config.reddit_oauth_url,
        config.youtube_api_url,
        config.bluesky_public_url,
        config.bluesky_pds_url,
    )
    trusted = frozenset(h.lower() for h in map(_hostname, (*api_urls, config.news_url)) if h)

    def resolver() -> GuardedResolver:
        return GuardedResolver(allow_private=config.allow_private, blocked=blocked, trusted=trusted)

    return httpx.AsyncClient(
        transport=AiohttpTransport(max_connections=max_connections, resolver_factory=resolver),
        follow_redirects=False,
        timeout=httpx.Timeout(config.timeout_s),
        headers={"User-Agent": config.user_agent, "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"},
        cookies=http.cookiejar.CookieJar(policy=_NoCookies()),
        trust_env=False,
    )


def _hostname(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


@functools.lru_cache(maxsize=32)
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)


async def check_address(url: str, config: SourceConfig, *, via: str | None = None) -> None:
    """Refuse a URL that is not http(s) or leads to an internal or blocked network.

    `via` names the page that redirected here, for the message.
    """
    try:
        host = netguard.check_scheme(url)
    except netguard.UnsafeURLError as exc:
        prefix = f"{host_of(via)} redirige vers une adresse refusée. " if via else ""
        raise UnsafeSourceError(prefix + str(exc), permanent=True) from exc
    try:
        addresses = await netguard.resolve(host)
    except netguard.UnsafeURLError as exc:
        raise UnreachableError(str(exc), sentence=exc.sentence) from exc
    blocked = _networks(config.blocked_networks)
    for addr in addresses:
        internal = not config.allow_private and not netguard.is_public_address(addr)
        if internal or any(addr in net for net in blocked):
            where = f"{host_of(via)} redirige vers {url}, qui" if via else f"L'adresse {url}"
            raise UnsafeSourceError(
                f"{where} mène à un réseau interne ({addr}) : Vigie refuse de la consulter. "
                "Donnez l'adresse publique de la page.",
                permanent=True,
                sentence=functools.partial(
                    _address_internal, url, host_of(via) if via else None, str(addr)
                ),
            )


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    config: SourceConfig,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    data: dict[str, str] | None = None,
    json_body: object | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    trusted: bool = False,
    follow_redirects: bool = True,
) -> HttpResponse:
    """Fetch a URL within the time and size limits; raise a typed `SourceError` in French.

    `trusted` skips the network check for the first hop only (an API base URL chosen by
    whoever runs the server); redirects are always checked. `headers` are dropped when a
    redirect leaves the origin, so API keys never travel to another site.
    """
    try:
        async with asyncio.timeout(config.timeout_s):
            return await _fetch_hops(
                client,
                url,
                config,
                method=method,
                headers=headers or {},
                data=data,
                json_body=json_body,
                etag=etag,
                last_modified=last_modified,
                trusted=trusted,
                follow_redirects=follow_redirects,
            )
    except TimeoutError as exc:
        raise _timeout(url, config) from exc


def _timeout(url: str, config: SourceConfig) -> FetchTimeoutError:
    return FetchTimeoutError(
        f"{host_of(url)} n'a pas répondu à temps ({format_delay(config.timeout_s)}). "
        "Vigie réessaiera au prochain passage.",
        sentence=lambda say: say.source_timeout(host_of(url), format_delay(config.timeout_s)),
    )


async def _fetch_hops(
    client: httpx.AsyncClient,
    url: str,
    config: SourceConfig,
    *,
    method: str,
    headers: dict[str, str],
    data: dict[str, str] | None,
    json_body: object | None,
    etag: str | None,
    last_modified: str | None,
    trusted: bool,
    follow_redirects: bool,
) -> HttpResponse:
    first_url = url
    previous: str | None = None
    for _hop in range(MAX_REDIRECTS + 1):
        if not (trusted and previous is None):
            await check_address(url, config, via=previous)
        same_origin = previous is None or _origin(url) == _origin(first_url)
        hop_headers = dict(headers) if same_origin else {}
        if etag:
            hop_headers["If-None-Match"] = etag
        if last_modified:
            hop_headers["If-Modified-Since"] = last_modified
        response = await _send(client, url, config, method, hop_headers, data, json_body)
        if response.status not in REDIRECT_STATUSES:
            return response
        location = response.headers.get("location")
        if not follow_redirects or not location:
            raise HttpStatusError(
                f"{host_of(url)} a répondu par une redirection inattendue "
                f"(code {response.status}) : vérifiez l'adresse.",
                status=response.status,
                permanent=True,
            )
        try:
            next_url = str(httpx.URL(url).join(location.strip()))
        except httpx.InvalidURL as exc:
            raise UnsafeSourceError(
                f"{host_of(url)} redirige vers une adresse illisible : {location[:200]}",
                permanent=True,
            ) from exc
        if response.status == 303 or (response.status in (301, 302) and method == "POST"):
            method, data, json_body = "GET", None, None
        previous, url = url, next_url
    raise HttpStatusError(
        f"Trop de redirections (plus de {MAX_REDIRECTS}) depuis {previous} : "
        "vérifiez l'adresse, ou donnez directement l'adresse finale.",
        status=310,
        permanent=True,
    )


def _origin(url: str) -> tuple[str, str, int | None]:
    try:
        parts = urlsplit(url)
        return (parts.scheme, parts.hostname or "", parts.port)
    except ValueError:
        return ("", url, None)


async def _send(
    client: httpx.AsyncClient,
    url: str,
    config: SourceConfig,
    method: str,
    headers: dict[str, str],
    data: dict[str, str] | None,
    json_body: object | None = None,
) -> HttpResponse:
    host = host_of(url)
    try:
        request = client.build_request(
            method,
            url,
            headers=headers,
            data=data,
            json=json_body,
            timeout=httpx.Timeout(config.timeout_s),
        )
        response = await client.send(request, stream=True, follow_redirects=False)
    except httpx.TimeoutException as exc:
        raise _timeout(url, config) from exc
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise UnsafeSourceError(
            f"Adresse illisible : {url[:200]} ({exc}).", permanent=True
        ) from exc
    except httpx.ConnectError as exc:
        raise UnreachableError(
            f"Impossible de joindre {host} : connexion refusée ou site hors ligne. "
            "Vigie réessaiera au prochain passage.",
            sentence=lambda say: say.source_unreachable(host),
        ) from exc
    except httpx.HTTPError as exc:
        raise _broken(host, exc, reading=False) from exc
    try:
        status = response.status_code
        if status in REDIRECT_STATUSES or status == 304:
            # Drain the (empty or tiny) body so the connection goes back to the pool.
            await _read(response, url, ERROR_BODY_BYTES, truncate=True)
            return HttpResponse(url, status, response.headers, b"")
        if status >= 400:
            body = await _read(response, url, ERROR_BODY_BYTES, truncate=True)
            raise _status_error(url, status, response.headers, body)
        body = await _read(response, url, config.max_body_bytes, truncate=False)
        return HttpResponse(url, status, response.headers, body)
    except httpx.TimeoutException as exc:
        raise _timeout(url, config) from exc
    except httpx.DecodingError as exc:
        raise ContentError(f"La réponse compressée de {host} est illisible ({exc}).") from exc
    except httpx.HTTPError as exc:
        raise _broken(host, exc, reading=True) from exc
    finally:
        await response.aclose()


async def _read(response: httpx.Response, url: str, limit: int, *, truncate: bool) -> bytes:
    """Read the body chunk by chunk; past `limit`, stop (errors) or refuse (content)."""
    declared = response.headers.get("content-length", "")
    if not truncate and declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise _too_large(url, limit)
    buffer = bytearray()
    async for chunk in response.aiter_bytes():
        buffer += chunk
        if len(buffer) > limit:
            if truncate:
                return bytes(buffer[:limit])
            raise _too_large(url, limit)
    return bytes(buffer)


def _too_large(url: str, limit: int) -> TooLargeError:
    size = f"{limit / 1_048_576:.0f} Mo" if limit >= 1_048_576 else f"{limit // 1024} ko"
    return TooLargeError(
        f"La réponse de {host_of(url)} dépasse {size} : Vigie l'ignore. "
        "Surveillez plutôt un flux RSS ou une page d'avis plus précise.",
        sentence=lambda say: say.source_too_large(host_of(url), limit),
        permanent=True,
    )


def _broken(host: str, exc: httpx.HTTPError, *, reading: bool) -> UnreachableError:
    """A connection that failed, or broke while reading the answer (`reading`)."""
    error = type(exc).__name__
    what = "a été coupée pendant la lecture" if reading else "a échoué"
    return UnreachableError(
        f"La connexion avec {host} {what} ({error}). Vigie réessaiera au prochain passage.",
        sentence=functools.partial(_connection_failed, host, error, reading),
    )


def _connection_failed(host: str, error: str, reading: bool, say: Messages) -> str:
    """A connection that failed (or broke while reading) in a team's language."""
    return say.source_connection_failed(host, error, reading)


def _status_error(url: str, status: int, headers: httpx.Headers, body: bytes) -> HttpStatusError:
    host = host_of(url)
    if status == 429:
        delay = parse_retry_after(headers.get("retry-after"))
        wait = DEFAULT_RATE_LIMIT_DELAY_S if delay is None else delay
        return RateLimitedError(
            f"{host} demande de ralentir (erreur 429) : nouvel essai dans {format_delay(wait)}.",
            sentence=lambda say: say.source_rate_limited(host, format_delay(wait)),
            status=status,
            body=body,
            retry_after_s=wait,
        )
    if status >= 500:
        delay = parse_retry_after(headers.get("retry-after"))
        then = format_delay(delay) if delay is not None else None
        later = f"dans {then}" if then is not None else "au prochain passage"
        return ServerError(
            f"{host} est en difficulté (erreur {status}) : nouvel essai {later}.",
            sentence=lambda say: say.source_server_error(host, status, then),
            status=status,
            body=body,
            retry_after_s=delay,
        )
    if status in (404, 410):
        what = "introuvable" if status == 404 else "supprimée"
        return HttpStatusError(
            f"La page {url[:300]} est {what} (erreur {status}). Vérifiez l'adresse, "
            "ou retirez cette source avec /source retirer.",
            sentence=lambda say: say.source_page_gone(url[:300], status),
            status=status,
            body=body,
            permanent=True,
        )
    if status in (401, 403):
        return HttpStatusError(
            f"{host} refuse l'accès à cette page (erreur {status}). "
            "Vigie ne surveille que des pages publiques, sans identifiant.",
            sentence=lambda say: say.source_forbidden(host, status),
            status=status,
            body=body,
            permanent=True,
        )
    return HttpStatusError(
        f"{host} a refusé la demande (erreur {status}). Vérifiez l'adresse.",
        sentence=lambda say: say.source_refused(host, status),
        status=status,
        body=body,
        permanent=True,
    )


def _address_internal(url: str, via: str | None, address: str, say: Messages) -> str:
    """« This address leads to an internal network » in a team's language."""
    return say.address_internal(url, via, address)


def _not_json(host: str, problem: str, say: Messages) -> str:
    """« The answer is not readable JSON » in a team's language."""
    return say.not_json(host, problem)
