"""A fake Slack on loopback: the Web API, file uploads, response_urls and a Socket Mode server.

The real slack_sdk / Bolt code talks to it over real sockets; tests read what it received:

    async with FakeSlack() as slack:
        adapter = SlackAdapter(router, bot_token=BOT_TOKEN, api_url=slack.api_url, ...)
        ...
        assert slack.messages("C0CABINET")[0]["text"] == ...

`SlackUser` plays the Slack side of HTTP mode: slash commands and button presses signed with
the signing secret (v0=HMAC-SHA256(secret, "v0:{ts}:{body}")) and posted to Vigie's endpoint.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
from aiohttp import web

from tests.loopback import serve_on_free_port

BOT_TOKEN = "xoxb-test-0000-vigie"
APP_TOKEN = "xapp-1-test-vigie"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM = "T0CABINET"
OTHER_TEAM = "T0INTRUS"
BOT_USER = "U0VIGIE"
CHANNEL = "C0CABINET"

# Methods that post a visible message in a channel (what Slack's 1 msg/s per channel counts).
POSTING = ("chat.postMessage", "files.completeUploadExternal")


@dataclass
class ApiCall:
    """One Web API call as the fake received it (query, form and JSON merged)."""

    method: str
    params: dict[str, Any]
    token: str
    at: float


@dataclass
class FakeSlack:
    """Slack's Web API, upload URLs, response_urls and Socket Mode WebSockets on 127.0.0.1."""

    team: str = TEAM
    bot_user: str = BOT_USER
    bot_token: str = BOT_TOKEN
    app_token: str = APP_TOKEN
    host: str = "127.0.0.1"
    # Bench: a channel receiving two messages closer than this gets a 429 (None: never).
    min_interval: float | None = None
    port: int = 0
    calls: list[ApiCall] = field(default_factory=list)
    responses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    channel_errors: dict[str, str] = field(default_factory=dict)
    throttled: int = 0
    fail_uploads: int = 0
    reject_blocks: bool = False
    ws_connections: int = 0
    # What auth.test reports in X-OAuth-Scopes (the scopes of slack/manifest.yml by default).
    scopes: str = (
        "commands,chat:write,files:write,app_mentions:read,channels:read,groups:read,im:write"
    )
    acks: list[dict[str, Any]] = field(default_factory=list)
    _limit_next: list[float] = field(default_factory=list)
    _last_post: dict[str, float] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _ws: web.WebSocketResponse | None = None
    _runner: web.AppRunner | None = None

    # --- lifecycle ---

    async def start(self) -> None:
        """Serve on a free port."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{key}", self._response)
        app.router.add_get("/socket/{n}", self._socket)
        app.router.add_get("/_stats", self._stats)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        self.port = await serve_on_free_port(self._runner, self.host)

    async def close(self) -> None:
        """Stop serving (open WebSockets are closed)."""
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # --- addresses ---

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:port`."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """What VIGIE_SLACK_API_URL points at."""
        return f"{self.base_url}/api/"

    def response_url(self, key: str = "r1") -> str:
        """A response_url Slack would put in a command or button payload."""
        return f"{self.base_url}/response/{key}"

    # --- scripting ---

    def rate_limit_next(self, count: int = 1, retry_after: float = 7) -> None:
        """The next `count` posting calls answer 429 with this Retry-After."""
        self._limit_next.extend([retry_after] * count)

    # --- records ---

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """The parameters of every call to `method`, oldest first."""
        return [c.params for c in self.calls if c.method == method]

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """chat.postMessage calls that Slack accepted, for one channel or all."""
        return [
            c.params
            for c in self.calls
            if c.method == "chat.postMessage"
            and c.params.get("_accepted")
            and (channel is None or c.params.get("channel") == channel)
        ]

    def responses_to(self, key: str = "r1") -> list[dict[str, Any]]:
        """What was posted to one response_url."""
        return [body for k, body in self.responses if k == key]

    async def wait_for(self, check: Callable[[], object], within: float = 5.0) -> None:
        """Wait until `check()` is truthy (what Vigie sends happens in the background)."""
        deadline = time.monotonic() + within
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError("the fake Slack did not receive what the test waited for")
            await asyncio.sleep(0.01)

    # --- Socket Mode ---

    async def push(self, envelope: dict[str, Any]) -> None:
        """Deliver an envelope on the current Socket Mode connection."""
        await self.wait_for(lambda: self._ws is not None and not self._ws.closed)
        assert self._ws is not None
        await self._ws.send_str(json.dumps(envelope))

    async def drop(self) -> None:
        """Close the current Socket Mode connection from the server side."""
        assert self._ws is not None
        await self._ws.close()

    # --- handlers ---

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                params.update(json.loads(raw))
            else:
                params.update(parse_qsl(raw.decode(), keep_blank_values=True))
        for key in ("blocks", "files"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") or str(params.get("token", ""))
        call = ApiCall(method, params, token, time.monotonic())
        self.calls.append(call)
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != expected:
            return _json({"ok": False, "error": "invalid_auth"})
        if method in POSTING:
            channel = str(params.get("channel") or params.get("channel_id") or "")
            if self._limit_next:
                return self._throttle(self._limit_next.pop(0))
            if self.min_interval is not None:
                last = self._last_post.get(channel)
                if last is not None and call.at - last < self.min_interval:
                    return self._throttle(1)
                self._last_post[channel] = call.at
            if channel in self.channel_errors:
                return _json({"ok": False, "error": self.channel_errors[channel]})
        if method == "chat.postMessage" and self.reject_blocks and params.get("blocks"):
            return _json({"ok": False, "error": "invalid_blocks"})
        if method == "files.completeUploadExternal" and self.fail_uploads:
            self.fail_uploads -= 1
            return _json({"ok": False, "error": "internal_error"})
        params["_accepted"] = True
        answer = self._answer(method, params)
        params["_ts"] = answer.get("ts")
        if method == "auth.test":
            return _json(answer, headers={"X-OAuth-Scopes": self.scopes})
        return _json(answer)

    def _throttle(self, retry_after: float) -> web.Response:
        self.throttled += 1
        return _json(
            {"ok": False, "error": "ratelimited"},
            status=429,
            headers={"Retry-After": f"{retry_after:g}"},
        )

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        n = next(self._ids)
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://cabinet.slack.com/",
                "team": "Cabinet Dupont",
                "user": "vigie",
                "team_id": self.team,
                "user_id": self.bot_user,
                "bot_id": "B0VIGIE",
                "is_enterprise_install": False,
            }
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://{self.host}:{self.port}/socket/{n}"}
        if method in ("chat.postMessage", "chat.update"):
            ts = params.get("ts") or f"1700000000.{n:06d}"
            return {"ok": True, "channel": params.get("channel"), "ts": ts}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{n:06d}"}
        if method == "files.getUploadURLExternal":
            file_id = f"F{n:08d}"
            return {
                "ok": True,
                "upload_url": f"{self.base_url}/upload/{file_id}",
                "file_id": file_id,
            }
        if method == "files.completeUploadExternal":
            files = params.get("files") or []
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        return {"ok": True}

    def posting_times(self) -> dict[str, list[float]]:
        """When each channel received its accepted messages (monotonic seconds)."""
        times: dict[str, list[float]] = {}
        for call in self.calls:
            if call.method in POSTING and call.params.get("_accepted"):
                channel = str(call.params.get("channel") or call.params.get("channel_id"))
                times.setdefault(channel, []).append(call.at)
        return times

    async def _stats(self, request: web.Request) -> web.Response:
        """For a bench running the fake in another process."""
        return _json({"throttled": self.throttled, "posts": self.posting_times()})

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text=f"OK - {len(self.uploads[request.match_info['file_id']])}")

    async def _response(self, request: web.Request) -> web.Response:
        self.responses.append((request.match_info["key"], await request.json()))
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.ws_connections += 1
        self._ws = ws
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.acks.append(json.loads(message.data))
        return ws


def _json(
    data: dict[str, Any], *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(data, status=status, headers=headers)


# --- the Slack side of HTTP mode: signed requests ---


def signature(secret: str, timestamp: str, body: str) -> str:
    """Slack's request signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}")."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def command_body(
    text: str,
    *,
    team: str = TEAM,
    channel: str = CHANNEL,
    user: str = "U0ALICE",
    user_name: str = "alice",
    response_url: str = "",
) -> str:
    """The form body of a `/vigie` slash command."""
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": team,
            "team_domain": "cabinet",
            "channel_id": channel,
            "channel_name": "cabinet",
            "user_id": user,
            "user_name": user_name,
            "command": "/vigie",
            "text": text,
            "api_app_id": "A0VIGIE",
            "response_url": response_url,
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        }
    )


def action_payload(
    element: dict[str, Any],
    *,
    team: str = TEAM,
    channel: str = CHANNEL,
    user: str = "U0ALICE",
    user_name: str = "alice",
    response_url: str = "",
    message_ts: str = "1700000000.000001",
) -> dict[str, Any]:
    """A `block_actions` payload for a press on `element` (a button as Vigie rendered it)."""
    return {
        "type": "block_actions",
        "team": {"id": team, "domain": "cabinet"},
        "user": {"id": user, "username": user_name, "name": user_name, "team_id": team},
        "api_app_id": "A0VIGIE",
        "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "channel": {"id": channel, "name": "cabinet"},
        "message": {"ts": message_ts, "type": "message", "text": "alerte"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": element["action_id"],
                "block_id": "b1",
                "text": element["text"],
                "value": element["value"],
                "action_ts": str(time.time()),
            }
        ],
    }


@dataclass
class SignedPost:
    """What Vigie's endpoint answered."""

    status: int
    body: str
    seconds: float

    def json(self) -> dict[str, Any]:
        """The answer as JSON ({} when empty)."""
        return json.loads(self.body) if self.body else {}


class SlackUser:
    """Sends signed requests to Vigie's `/slack/events`, as Slack does in HTTP mode."""

    def __init__(self, session: aiohttp.ClientSession, url: str, secret: str = SIGNING_SECRET):
        self.session = session
        self.url = url
        self.secret = secret

    async def post(
        self,
        body: str,
        *,
        content_type: str = "application/x-www-form-urlencoded",
        timestamp: int | None = None,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> SignedPost:
        """POST `body` signed with `secret` (default: the right one) at `timestamp` (now)."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature(secret or self.secret, stamp, body),
            **(headers or {}),
        }
        start = time.perf_counter()
        async with self.session.post(self.url, data=body.encode(), headers=sent) as response:
            text = await response.text()
        return SignedPost(response.status, text, time.perf_counter() - start)

    async def command(self, text: str, **kwargs: Any) -> SignedPost:
        """A signed `/vigie …` (keyword arguments go to `command_body`)."""
        return await self.post(command_body(text, **kwargs))

    async def press(self, element: dict[str, Any], **kwargs: Any) -> SignedPost:
        """A signed press on a button element taken from a message Vigie posted."""
        payload = json.dumps(action_payload(element, **kwargs))
        return await self.post(urlencode({"payload": payload}))


def buttons_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The button elements of a posted message's blocks."""
    return [
        element
        for block in message.get("blocks") or []
        if block.get("type") == "actions"
        for element in block["elements"]
    ]
