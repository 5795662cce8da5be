"""aiohttp under the httpx client: a fifth of the CPU per poll, internal IPs refused on connect."""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult
from multidict import CIMultiDict
from yarl import URL

from bot import netguard
from bot.sources.base import UnsafeSourceError

if TYPE_CHECKING:
    from bot.messages import Messages

CHUNK_BYTES = 64 * 1024

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying TLS context (httpx's CA bundle) for every client: loading it costs 0.1 s."""
    return httpx.create_ssl_context()


class GuardedResolver(AbstractResolver):
    """Resolves like the system does, then refuses internal or blocked addresses.

    Hosts in `trusted` (the API base URLs chosen by whoever runs the server) are exempt.
    Literal IP addresses never reach a resolver; `check_address` covers them before sending.
    """

    def __init__(
        self,
        *,
        allow_private: bool,
        blocked: tuple[IPNetwork, ...] = (),
        trusted: frozenset[str] = frozenset(),
    ) -> None:
        self._inner = aiohttp.ThreadedResolver()
        self._allow_private = allow_private
        self._blocked = blocked
        self._trusted = trusted

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve `host` and check every address it gives."""
        results = await self._inner.resolve(host, port, family)
        if host.lower() in self._trusted:
            return results
        for result in results:
            addr = netguard.normalise_address(ipaddress.ip_address(result["host"].split("%", 1)[0]))
            internal = not self._allow_private and not netguard.is_public_address(addr)
            if internal or any(addr in net for net in self._blocked):
                raise UnsafeSourceError(
                    f"Le site {host} mène à un réseau interne ({addr}) : Vigie refuse de le "
                    "consulter. Donnez l'adresse publique de la page.",
                    sentence=functools.partial(_internal_network, host, str(addr)),
                    permanent=True,
                )
        return results

    async def close(self) -> None:
        """Release the inner resolver."""
        await self._inner.close()


def _internal_network(host: str, address: str, say: Messages) -> str:
    """« The site leads to an internal network » in a team's language."""
    return say.source_internal_network(host, address)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport that sends through one pooled aiohttp session.

    The session is opened on first use (inside the running loop). Bodies are passed through
    undecoded, so httpx decodes them and the size cap applies to what we actually read.
    """

    def __init__(
        self,
        *,
        max_connections: int,
        resolver_factory: Callable[[], AbstractResolver] | None = None,
    ) -> None:
        self._max_connections = max_connections
        self._resolver_factory = resolver_factory
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections,
                ttl_dns_cache=60,
                ssl=_ssl_context(),
                resolver=self._resolver_factory() if self._resolver_factory else None,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,
                cookie_jar=aiohttp.DummyCookieJar(),
                skip_auto_headers=("Accept", "Accept-Encoding", "User-Agent", "Content-Type"),
                trust_env=False,
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request; errors come back as the httpx exceptions callers expect."""
        session = self._open()
        timeouts = request.extensions.get("timeout", {})
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=timeouts.get("connect"), sock_read=timeouts.get("read")
        )
        headers = CIMultiDict(
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw
        )
        body = await request.aread()
        with _mapped_errors(request):
            response = await session.request(
                request.method,
                URL(str(request.url), encoded=True),
                headers=headers,
                data=body or None,
                allow_redirects=False,
                timeout=timeout,
            )
        return httpx.Response(
            status_code=response.status,
            headers=list(response.raw_headers),
            stream=_BodyStream(response, request),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": b""},
            request=request,
        )

    async def aclose(self) -> None:
        """Close the pooled connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None


class _BodyStream(httpx.AsyncByteStream):
    """The response body, read chunk by chunk from aiohttp."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _mapped_errors(self._request):
            async for chunk in self._response.content.iter_chunked(CHUNK_BYTES):
                yield chunk

    async def aclose(self) -> None:
        # A fully read body returns the connection to the pool; otherwise it is closed.
        self._response.release()


@contextlib.contextmanager
def _mapped_errors(request: httpx.Request) -> Iterator[None]:
    try:
        yield
    except aiohttp.ConnectionTimeoutError as exc:
        raise httpx.ConnectTimeout(str(exc) or "connect timeout", request=request) from exc
    except aiohttp.ServerTimeoutError as exc:
        raise httpx.ReadTimeout(str(exc) or "read timeout", request=request) from exc
    except aiohttp.ClientConnectorError as exc:
        raise httpx.ConnectError(str(exc), request=request) from exc
    except (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError) as exc:
        raise httpx.RemoteProtocolError(str(exc), request=request) from exc
    except aiohttp.InvalidURL as exc:
        raise httpx.UnsupportedProtocol(str(exc), request=request) from exc
    except aiohttp.ClientError as exc:
        raise httpx.NetworkError(str(exc) or type(exc).__name__, request=request) from exc
