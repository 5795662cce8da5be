"""Serving a fake service's aiohttp app on a free loopback port, one way for every fake."""

from __future__ import annotations

import socket
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web


async def serve_on_free_port(
    runner: web.AppRunner, host: str = "127.0.0.1", ssl_context: ssl.SSLContext | None = None
) -> int:
    """Set the runner up, bind a free port on `host`, serve, and return the port."""
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, 0))
        port = int(sock.getsockname()[1])
        await web.SockSite(runner, sock, ssl_context=ssl_context).start()
    except BaseException:
        sock.close()
        await runner.cleanup()
        raise
    return port


async def stop_serving(runner: web.AppRunner | None) -> None:
    """Stop a fake started with `serve_on_free_port` (nothing when it never started)."""
    if runner is not None:
        await runner.cleanup()


@asynccontextmanager
async def serving(
    app: web.Application, host: str = "127.0.0.1", ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[int]:
    """Serve `app` for the duration of the block; yields the port."""
    runner = web.AppRunner(app, access_log=None)
    port = await serve_on_free_port(runner, host, ssl_context)
    try:
        yield port
    finally:
        await stop_serving(runner)
