"""Slack as a `ChatTransport`: Socket Mode by default (no public URL needed), HTTP as an option."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Literal

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack.app import build_app
from adapters.slack.dispatch import PLATFORM, Dispatcher
from adapters.slack.outbound import Poster
from adapters.slack.ratelimit import ChannelLimiter
from adapters.slack.texts import Texts
from bot.chat.transport import StartupError
from bot.chat.types import Reply
from bot.router import Router

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
DEFAULT_API_URL = "https://slack.com/api/"
# Answers that mean the token itself is wrong: retrying will not help, the admin must act.
BAD_TOKEN = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
    }
)
Mode = Literal["socket", "http"]
_ApiCall = Callable[[], Awaitable[AsyncSlackResponse]]

__all__ = ["EVENTS_PATH", "PLATFORM", "SlackAdapter"]


class SlackAdapter:
    """Serves one Slack workspace with Bolt inside Vigie's event loop; sends alerts to channels."""

    platform = PLATFORM

    def __init__(
        self,
        router: Router,
        *,
        bot_token: str,
        app_token: str | None = None,
        signing_secret: str | None = None,
        api_url: str = DEFAULT_API_URL,
        http_port: int | None = None,
        http_host: str = "0.0.0.0",  # noqa: S104 - behind the TLS proxy; Bolt checks signatures
        lang: str = "fr",
        time_scale: float = 1.0,
        ping_interval: float = 10.0,
        max_wait: float = 5.0,
    ) -> None:
        self.mode: Mode = "http" if http_port is not None else "socket"
        if self.mode == "socket" and not app_token:
            raise ValueError("Socket Mode needs the app-level token (xapp-…)")
        if self.mode == "http" and not signing_secret:
            raise ValueError("HTTP mode needs the signing secret")
        self.app_token = app_token or ""
        self.http_host = http_host
        self.http_port = http_port
        self.ping_interval = ping_interval
        self.client = AsyncWebClient(token=bot_token, base_url=_base_url(api_url), timeout=30)
        self.limiter = ChannelLimiter(time_scale=time_scale)
        self.poster = Poster(self.client, self.limiter, max_wait=max_wait, session=self._current)
        self.dispatcher = Dispatcher(router, self.poster, Texts(lang))
        self.app = build_app(self.client, signing_secret or "", self.dispatcher)
        self.ready = asyncio.Event()
        self.workspace: str | None = None
        self._session: aiohttp.ClientSession | None = None

    # --- ChatTransport ---

    async def run(self) -> None:
        """Connect (Socket Mode) or listen (HTTP) until cancelled."""
        self._open_session()
        try:
            await self._check_bot_token()
            if self.mode == "socket":
                await self._serve_socket()
            else:
                await self._serve_http()
        finally:
            self.ready.clear()
            await self.dispatcher.close()
            await self.aclose()

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Post an alert (and its files) to a channel; the message ts once Slack accepted it."""
        self._open_session()
        return await self.poster.send(chat_id, reply, self.dispatcher.message(reply))

    async def aclose(self) -> None:
        """Close the HTTP connections to Slack."""
        if self._session is not None:
            await self._session.close()
            self._session = None
            self.client.session = None

    # --- connections ---

    def _current(self) -> aiohttp.ClientSession | None:
        return self._session

    def _open_session(self) -> None:
        """One connection pool for every Web API call (created inside the running loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
            self.client.session = self._session

    async def _check_bot_token(self) -> None:
        """auth.test: a wrong token stops here with a clear message; a network error waits."""
        response = await self._patiently(
            self.client.auth_test,
            "VIGIE_SLACK_BOT_TOKEN est refusé par Slack ({code}). Copiez le « Bot User OAuth "
            "Token » (xoxb-…) de la page « OAuth & Permissions » de l'application Slack.",
        )
        self.workspace = str(response.get("team_id") or "") or None
        log.info(
            "Slack: connected to workspace %s as %s", response.get("team"), response.get("user")
        )

    async def _patiently(self, call: _ApiCall, bad_token: str) -> AsyncSlackResponse:
        """Call until Slack answers: `StartupError` for a bad token, backoff for the network."""
        delay = 2.0
        while True:
            try:
                return await call()
            except SlackApiError as exc:
                code = str(exc.response.get("error") or exc.response.status_code)
                if code in BAD_TOKEN:
                    raise StartupError(bad_token.format(code=code)) from None
                log.warning("Slack answered %s; retrying in %.0f s", code, delay)
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                log.warning("Slack unreachable (%s); retrying in %.0f s", type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 60.0)

    async def _serve_socket(self) -> None:
        """Socket Mode, connected and closed by hand; the SDK reconnects after a drop."""
        handler = AsyncSocketModeHandler(
            self.app, self.app_token, web_client=self.client, ping_interval=self.ping_interval
        )
        try:
            opened = await self._patiently(
                lambda: self.client.apps_connections_open(app_token=self.app_token),
                "VIGIE_SLACK_APP_TOKEN est refusé par Slack ({code}). Créez un jeton "
                "d'application (xapp-…) avec la portée connections:write dans « Basic "
                "Information » > « App-Level Tokens », et vérifiez que le Socket Mode est activé.",
            )
            handler.client.wss_uri = str(opened["url"])
            await handler.connect_async()  # type: ignore[no-untyped-call]
            log.info("Slack: Socket Mode connected")
            self.ready.set()
            await asyncio.Event().wait()
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]

    async def _serve_http(self) -> None:
        """Bolt behind aiohttp on `/slack/events` (commands, buttons and events alike)."""
        web_app = web.Application()
        web_app.router.add_post(EVENTS_PATH, self._http_request)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.http_host, self.http_port)
            try:
                await site.start()
            except OSError as exc:
                raise StartupError(
                    f"Impossible d'écouter sur le port {self.http_port} ({exc.strerror}). "
                    "Choisissez un port libre avec VIGIE_SLACK_HTTP_PORT."
                ) from None
            self.http_port = int(runner.addresses[0][1])
            log.info("Slack: HTTP mode listening on port %s, path %s", self.http_port, EVENTS_PATH)
            self.ready.set()
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    async def _http_request(self, request: web.Request) -> web.Response:
        bolt_request = await to_bolt_request(request)
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))


def _base_url(api_url: str) -> str:
    """The Web API base URL, ending with a slash as the SDK expects."""
    return api_url if api_url.endswith("/") else api_url + "/"
