"""A real HTTP server on loopback, so tests drive the real httpx client against recorded payloads.

Register answers by path (before or after start), then read `requests` or `count(path)`:

    async with FakeWeb() as web:
        web.file("/flux", "google_alerts.atom", content_type="application/atom+xml")
        web.hang("/lent")
        ... fetch web.url("/flux") ...
        assert web.count("/flux") == 1

The `fakeweb` fixture gives a started server on 127.0.0.1; pass `host="127.0.0.2"` to
`FakeWeb` for a second server on another loopback address (for redirect-guard tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs

import pytest_asyncio
from aiohttp import web

from tests.loopback import serve_on_free_port, stop_serving

DATA_DIR = Path(__file__).parent / "data" / "sources"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def data_file(name: str) -> bytes:
    """The bytes of a recorded payload in tests/data/sources."""
    return (DATA_DIR / name).read_bytes()


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """What the server received, for assertions."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @classmethod
    async def of(cls, request: web.Request) -> RecordedRequest:
        """What an aiohttp request carried, its body read."""
        body = await request.read()
        return cls(request.method, request.path, dict(request.query), dict(request.headers), body)

    def json(self) -> Any:
        """The body read as JSON."""
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        """The body read as a form."""
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


class FakeWeb:
    """A small aiohttp server whose answers tests register by path."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.requests: list[RecordedRequest] = []
        self._routes: dict[tuple[str, str], Handler] = {}
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None

    # --- lifecycle ---

    async def start(self) -> None:
        """Bind a free port on `host` and serve."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5
        )
        self.port = await serve_on_free_port(self._runner, self.host)

    async def close(self) -> None:
        """Release hanging handlers and stop serving."""
        self._release.set()
        await stop_serving(self._runner)
        self._runner = None

    async def __aenter__(self) -> FakeWeb:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # --- addresses and records ---

    @property
    def base_url(self) -> str:
        """`http://host:port` without a trailing slash."""
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        """The absolute URL of a path on this server."""
        return self.base_url + path

    def count(self, path: str | None = None, method: str | None = None) -> int:
        """How many requests reached `path` (all paths when None)."""
        return len(self.requests_to(path, method))

    def requests_to(
        self, path: str | None = None, method: str | None = None
    ) -> list[RecordedRequest]:
        """The requests that reached `path`, oldest first."""
        return [
            r
            for r in self.requests
            if (path is None or r.path == path) and (method is None or r.method == method)
        ]

    # --- registering answers ---

    def route(self, path: str, handler: Handler, *, method: str = "*") -> None:
        """Answer `path` with a custom aiohttp handler (any method unless `method` is given)."""
        self._routes[(method.upper(), path)] = handler

    def sequence(self, path: str, handlers: Sequence[Handler], *, method: str = "*") -> None:
        """Answer successive requests with successive handlers; the last one repeats."""
        calls = 0

        async def handler(request: web.Request) -> web.StreamResponse:
            nonlocal calls
            chosen = handlers[min(calls, len(handlers) - 1)]
            calls += 1
            return await chosen(request)

        self.route(path, handler, method=method)

    def reply(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str = "text/plain; charset=utf-8",
        headers: dict[str, str] | None = None,
        method: str = "*",
    ) -> None:
        """Answer `path` with a fixed body."""
        self.route(
            path,
            responder(body, status=status, content_type=content_type, headers=headers),
            method=method,
        )

    def json(
        self,
        path: str,
        data: object,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        method: str = "*",
    ) -> None:
        """Answer `path` with a JSON document."""
        self.reply(
            path,
            json.dumps(data, ensure_ascii=False),
            status=status,
            content_type="application/json; charset=utf-8",
            headers=headers,
            method=method,
        )

    def file(
        self,
        path: str,
        name: str,
        *,
        content_type: str,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer `path` with a recorded payload from tests/data/sources."""
        self.reply(path, data_file(name), status=status, content_type=content_type, headers=headers)

    def conditional(
        self,
        path: str,
        body: bytes | str,
        *,
        etag: str,
        content_type: str,
        last_modified: str | None = None,
    ) -> None:
        """Answer 304 when the client sends the current ETag (or date), else the body."""
        raw = body.encode("utf-8") if isinstance(body, str) else body

        async def handler(request: web.Request) -> web.StreamResponse:
            validators = {"ETag": etag}
            if last_modified:
                validators["Last-Modified"] = last_modified
            if request.headers.get("If-None-Match") == etag or (
                last_modified and request.headers.get("If-Modified-Since") == last_modified
            ):
                return web.Response(status=304, headers=validators)
            return web.Response(body=raw, headers={**validators, "Content-Type": content_type})

        self.route(path, handler)

    def redirect(self, path: str, location: str, *, status: int = 302) -> None:
        """Answer `path` with a redirect to `location` (absolute or relative)."""
        self.reply(path, b"", status=status, headers={"Location": location})

    def hang(self, path: str) -> None:
        """Accept the request and never answer (until the server closes)."""

        async def handler(request: web.Request) -> web.StreamResponse:
            await self._release.wait()
            return web.Response(status=503)

        self.route(path, handler)

    def stream(
        self, path: str, total_bytes: int, *, content_type: str, chunk_bytes: int = 64 * 1024
    ) -> None:
        """Send a large body chunk by chunk, without ever holding it whole in memory."""
        chunk = b"<!-- remplissage -->" * (chunk_bytes // 20)

        async def handler(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": content_type})
            await response.prepare(request)
            sent = 0
            with contextlib.suppress(ConnectionError):
                while sent < total_bytes:
                    piece = chunk[: total_bytes - sent]
                    await response.write(piece)
                    sent += len(piece)
                await response.write_eof()
            return response

        self.route(path, handler)

    # --- dispatch ---

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(await RecordedRequest.of(request))
        handler = self._routes.get((request.method, request.path)) or self._routes.get(
            ("*", request.path)
        )
        if handler is None:
            return web.Response(status=404, text=f"aucune réponse enregistrée pour {request.path}")
        return await handler(request)


def responder(
    body: bytes | str = b"",
    *,
    status: int = 200,
    content_type: str = "text/plain; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> Handler:
    """A handler that always gives the same answer (for `sequence`)."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    all_headers = {"Content-Type": content_type, **(headers or {})}

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(body=raw, status=status, headers=all_headers)

    return handler


@pytest_asyncio.fixture
async def fakeweb() -> AsyncIterator[FakeWeb]:
    """A started fake web server on 127.0.0.1."""
    async with FakeWeb() as server:
        yield server
