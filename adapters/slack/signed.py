"""HTTP mode's front door: a request's Slack signature is checked on its raw bytes before any
parsing, so a stranger's malformed post costs one short log line and a 401, never a traceback.

Slack signs `v0:{timestamp}:{body}` with HMAC-SHA256 and the app's signing secret
(docs.slack.dev/authentication/verifying-requests-from-slack); requests older than five
minutes are refused, as Bolt does.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

log = logging.getLogger(__name__)

MAX_AGE_S = 5 * 60
MAX_BODY = 1024 * 1024
_MAX_STAMP = 12  # digits: enough for any plausible Unix time, never an overflow
_MAX_SIGNATURE = 80

Dispatch = Callable[[AsyncBoltRequest], Awaitable[BoltResponse]]


def is_signed(secret: bytes, body: bytes, stamp: str, given: str, now: float) -> bool:
    """True when `given` is Slack's signature of `body` at `stamp`, within five minutes."""
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= _MAX_STAMP):
        return False
    if abs(now - int(stamp)) > MAX_AGE_S:
        return False
    if not given.isascii() or len(given) > _MAX_SIGNATURE or not given.startswith("v0="):
        return False
    base = b"v0:" + stamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given)


def signed_handler(
    secret: str, dispatch: Dispatch, clock: Callable[[], float] = time.time
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """An aiohttp handler: unsigned → 401, undecodable → 400, otherwise Bolt answers."""
    key = secret.encode()

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        stamp = request.headers.get("X-Slack-Request-Timestamp", "")
        given = request.headers.get("X-Slack-Signature", "")
        if not is_signed(key, body, stamp, given, clock()):
            log.warning("Slack HTTP: unsigned or badly signed request refused (401)")
            return web.Response(status=401, text="invalid signature")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            log.warning("Slack HTTP: signed request with a body that is not UTF-8 (400)")
            return web.Response(status=400, text="body is not UTF-8")
        try:
            bolt_request = AsyncBoltRequest(
                body=text,
                query=request.query_string,
                headers={k.lower(): v for k, v in request.headers.items()},
            )
        except Exception as exc:  # Bolt assumes Slack's shapes while parsing
            log.warning("Slack HTTP: unreadable signed request refused (%s)", type(exc).__name__)
            return web.Response(status=400, text="unreadable request")
        return await to_aiohttp_response(await dispatch(bolt_request))

    return handle
