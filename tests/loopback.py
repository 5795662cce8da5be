"""Serving a fake service's aiohttp app on a free loopback port, one way for every fake."""

from __future__ import annotations

import socket

from aiohttp import web


async def serve_on_free_port(runner: web.AppRunner, host: str = "127.0.0.1") -> int:
    """Set the runner up, bind a free port on `host`, serve, and return the port."""
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, 0))
        port = int(sock.getsockname()[1])
        await web.SockSite(runner, sock).start()
    except BaseException:
        sock.close()
        await runner.cleanup()
        raise
    return port
