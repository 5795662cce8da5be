"""The webhook listener (hosted deployments): Telegram's POSTs, each checked against the secret.

Plain HTTP on a local port, meant to sit behind the HTTPS reverse proxy that Telegram calls.
A request without the right `X-Telegram-Bot-Api-Secret-Token` is refused before its body is
read; a valid one is handed over and answered at once (the update is processed afterwards).
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
MAX_BODY = 1024 * 1024

Deliver = Callable[[dict[str, Any]], Awaitable[bool]]


class WebhookConfigError(ValueError):
    """The webhook URL or secret cannot work; the message says how to fix it."""


def checked_secret(configured: str | None) -> str:
    """The configured secret once checked, or a random one (Telegram sends it back to us)."""
    if configured is None or not configured.strip():
        return secrets.token_urlsafe(32)
    if not SECRET_PATTERN.fullmatch(configured):
        raise WebhookConfigError(
            "VIGIE_TELEGRAM_WEBHOOK_SECRET : de 1 à 256 caractères parmi A-Z, a-z, 0-9, _ et -."
        )
    return configured


def webhook_path(url: str) -> str:
    """The path Telegram will POST to, taken from the public webhook URL."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise WebhookConfigError(
            "VIGIE_TELEGRAM_WEBHOOK_URL doit être une adresse https publique, par exemple "
            "https://vigie.exemple.fr/telegram (Telegram n'appelle que du HTTPS)."
        )
    return parts.path or "/"


class WebhookListener:
    """An aiohttp server with one route: the webhook path."""

    def __init__(self, path: str, secret: str, deliver: Deliver, *, host: str, port: int) -> None:
        self.path = path
        self.secret = secret.encode()
        self.deliver = deliver
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> int:
        """Start listening; return the port actually bound (useful when asked for port 0)."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        bound = self._runner.addresses[0]
        log.info("Telegram webhook listening on %s:%s%s", self.host, bound[1], self.path)
        return int(bound[1])

    async def stop(self) -> None:
        """Stop listening (pending requests are answered first)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.Response:
        # aiohttp keeps undecodable header bytes as surrogates: encode them back as they came,
        # so a hostile header compares unequal (403) instead of raising (500).
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, self.secret):
            log.warning("webhook request refused: wrong or missing secret token")
            return web.Response(status=403, text="forbidden")
        try:
            payload = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return web.Response(status=400, text="invalid JSON")
        if not isinstance(payload, dict):
            return web.Response(status=400, text="an update is a JSON object")
        if not await self.deliver(payload):
            return web.Response(status=400, text="not an update")
        return web.Response(text="ok")
