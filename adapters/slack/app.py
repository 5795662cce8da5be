"""The Bolt app: `/vigie`, Vigie's buttons and mentions, each acknowledged at once."""

from __future__ import annotations

import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.dispatch import Dispatcher
from adapters.slack.inbound import action_request, command_request, mention_request
from adapters.slack.render import ACTION_PREFIX, COMMAND

log = logging.getLogger(__name__)

# Bolt refuses requests signed more than 5 minutes away from now; remember a bit longer.
REPLAY_WINDOW = 6 * 60.0


class ReplayGuard(AsyncMiddleware):
    """Refuses a signed HTTP request seen before: Bolt checks signatures, not their reuse."""

    def __init__(self, window: float = REPLAY_WINDOW) -> None:
        self.window = window
        self._seen: OrderedDict[str, float] = OrderedDict()

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        """Let a request through once; answer a copy without running it."""
        if req.mode != "http":
            return await next()
        signature = req.headers.get("x-slack-signature", [""])[0]
        now = time.monotonic()
        while self._seen and _oldest_expired(self._seen, now):
            self._seen.popitem(last=False)
        if signature in self._seen:
            if req.headers.get("x-slack-retry-num"):
                return BoltResponse(status=200, body="")  # Slack's own retry: already handled
            log.warning("replayed Slack request refused")
            return BoltResponse(status=401, body={"error": "replayed request"})
        self._seen[signature] = now + self.window
        return await next()


def _oldest_expired(seen: OrderedDict[str, float], now: float) -> bool:
    """True when the oldest remembered signature is past its window."""
    return next(iter(seen.values())) < now


def build_app(client: AsyncWebClient, signing_secret: str, dispatcher: Dispatcher) -> AsyncApp:
    """A Bolt app on Vigie's Web API client; listeners only read, acknowledge and hand over."""
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        name="vigie",
        logger=logging.getLogger("vigie.slack.bolt"),
        # Listeners return right after ack(): respond as soon as they do, no polling.
        process_before_response=True,
    )
    app.use(ReplayGuard())

    async def on_command(ack: AsyncAck, body: dict[str, Any]) -> None:
        answer = dispatcher.command(command_request(body))
        await (ack(answer) if answer is not None else ack())

    async def on_action(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        dispatcher.button(action_request(body))

    async def on_mention(body: dict[str, Any], context: AsyncBoltContext) -> None:
        dispatcher.mention(mention_request(body, context.bot_user_id))

    app.command(COMMAND)(on_command)
    app.action(re.compile("^" + re.escape(ACTION_PREFIX)))(on_action)
    app.event("app_mention")(on_mention)
    return app
