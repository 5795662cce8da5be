"""A small fake Google (Places Details and the OAuth token endpoint) and a fake RFC 3161 TSA.

Both serve on 127.0.0.1 for `vigie doctor`'s tests; Google's answers follow its documented
error bodies, and the TSA checks that it received a DER TimeStampReq for SHA-256.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from aiohttp import web

from tests.loopback import serve_on_free_port, stop_serving

API_KEY = "AIza-test-key-for-the-fake"
CLIENT_ID = "client-123.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-test-secret"
REFRESH_TOKEN = "1//refresh-token-for-the-fake"
SHA256_OID = bytes.fromhex("0609608648016503040201")


@dataclass
class _Served:
    """A fake whose aiohttp app serves on a free loopback port while in its `async with`."""

    port: int = 0
    _runner: web.AppRunner | None = None

    def route(self, app: web.Application) -> None:
        """Add the fake's handlers to its app."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        app = web.Application()
        self.route(app)
        self._runner = web.AppRunner(app, access_log=None)
        self.port = await serve_on_free_port(self._runner)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await stop_serving(self._runner)


@dataclass
class FakeGoogle(_Served):
    """Places API (New) under /v1 and OAuth under /token; `skew_s` shifts its HTTP Date."""

    skew_s: float = 0.0
    calls: list[str] = field(default_factory=list)

    def route(self, app: web.Application) -> None:
        """Place Details and the token endpoint."""
        app.router.add_get("/v1/places/{place}", self._place)
        app.router.add_post("/token", self._token)

    @property
    def places_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def token_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    def _headers(self) -> dict[str, str]:
        return {"Date": email.utils.formatdate(time.time() + self.skew_s, usegmt=True)}

    async def _place(self, request: web.Request) -> web.Response:
        self.calls.append("places")
        if request.headers.get("X-Goog-Api-Key") != API_KEY:
            error = {
                "code": 400,
                "message": "API key not valid. Please pass a valid API key.",
                "status": "INVALID_ARGUMENT",
            }
            return web.json_response({"error": error}, status=400, headers=self._headers())
        if request.headers.get("X-Goog-FieldMask") is None:
            error = {"code": 400, "message": "FieldMask is required", "status": "INVALID_ARGUMENT"}
            return web.json_response({"error": error}, status=400, headers=self._headers())
        return web.json_response({"id": request.match_info["place"]}, headers=self._headers())

    async def _token(self, request: web.Request) -> web.Response:
        self.calls.append("token")
        form = await request.post()
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            body = {"error": "invalid_client", "error_description": "Unauthorized"}
            return web.json_response(body, status=401, headers=self._headers())
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != REFRESH_TOKEN:
            body = {
                "error": "invalid_grant",
                "error_description": "Token has been expired or revoked.",
            }
            return web.json_response(body, status=400, headers=self._headers())
        body = {"access_token": "ya29.fake", "expires_in": 3599, "token_type": "Bearer"}
        return web.json_response(body, headers=self._headers())


@dataclass
class FakeTsa(_Served):
    """Answers a TimeStampReq with a TimeStampResp whose PKIStatus is `status` (0: granted)."""

    status: int = 0
    requests: list[bytes] = field(default_factory=list)

    def route(self, app: web.Application) -> None:
        """The one stamping address."""
        app.router.add_post("/", self._stamp)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    async def _stamp(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append(body)
        if (
            request.content_type != "application/timestamp-query"
            or body[:1] != b"\x30"
            or SHA256_OID not in body
        ):
            return web.Response(status=400, text="bad request")
        status_info = b"\x30\x03\x02\x01" + bytes([self.status])
        token = b"\x30\x03\x06\x01\x00" if self.status <= 1 else b""  # stands for the token
        reply = b"\x30" + bytes([len(status_info + token)]) + status_info + token
        return web.Response(body=reply, content_type="application/timestamp-reply")
