"""Posting to Slack: messages, updates, files and response_url answers, errors made neutral."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.ratelimit import ChannelBusy, ChannelLimiter
from adapters.slack.render import SlackMessage, escape, truncate
from bot.chat.transport import SendError
from bot.chat.types import Attachment, Reply

log = logging.getLogger(__name__)

# Errors that retrying cannot fix for this channel: the outbox should give up on it.
PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "restricted_action",
        "restricted_action_read_only_channel",
        "cannot_reply_to_message",
        "msg_too_long",
        "too_many_attachments",
    }
)
NOT_MEMBER = frozenset({"channel_not_found", "not_in_channel"})
BAD_BLOCKS = frozenset({"invalid_blocks", "invalid_blocks_format"})
MAX_RETRY_WAIT = 30.0


class SlackSendError(SendError):
    """A `SendError` that remembers Slack's error code (`not_in_channel`…)."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        retry_after: float | None = None,
        permanent: bool = False,
    ) -> None:
        super().__init__(message, retry_after=retry_after, permanent=permanent)
        self.code = code


def _retry_after(exc: SlackApiError) -> float:
    """Slack's `Retry-After` header in seconds (1 when missing or unreadable)."""
    headers = exc.response.headers or {}
    raw = next((v for k, v in headers.items() if k.lower() == "retry-after"), "1")
    try:
        return max(0.0, float(raw[0] if isinstance(raw, list) else raw))
    except (TypeError, ValueError):
        return 1.0


class Poster:
    """Every outgoing call to Slack, rate-limited per channel, raising `SendError` on failure."""

    def __init__(
        self,
        client: AsyncWebClient,
        limiter: ChannelLimiter,
        *,
        max_wait: float = 5.0,
        session: Callable[[], aiohttp.ClientSession | None] = lambda: None,
    ) -> None:
        self.client = client
        self.limiter = limiter
        self.max_wait = max_wait
        self._session = session
        # Replies whose text went out but whose files did not: a retry sends only the files.
        self._text_sent: OrderedDict[tuple[str, Reply], str] = OrderedDict()

    async def _call(
        self, channel: str, call: Callable[[], Awaitable[Any]], *, limited: bool = True
    ) -> Any:
        """One Web API call, in the channel's turn; Slack's answer or a `SendError`."""
        if not limited:
            return await self._checked(channel, call)
        try:
            async with self.limiter.slot(channel, max_wait=self.max_wait):
                return await self._checked(channel, call)
        except ChannelBusy as busy:
            raise SlackSendError(
                "Slack : canal saturé, nouvel essai plus tard",
                code="ratelimited",
                retry_after=busy.delay,
            ) from None

    async def _checked(self, channel: str, call: Callable[[], Awaitable[Any]]) -> Any:
        """Slack's errors as `SendError`s: permanent ones, rate limits and network trouble."""
        try:
            return await call()
        except SlackApiError as exc:
            code = str(exc.response.get("error") or "")
            if exc.response.status_code == 429 or code == "ratelimited":
                retry = _retry_after(exc)
                self.limiter.penalise(channel, retry)
                raise SlackSendError(
                    f"Slack : limite de débit atteinte, réessayer dans {retry:g} s",
                    code="ratelimited",
                    retry_after=retry,
                ) from None
            raise SlackSendError(
                f"Slack a refusé l'envoi ({code or exc.response.status_code})",
                code=code,
                permanent=code in PERMANENT,
            ) from None
        except (aiohttp.ClientError, TimeoutError, SlackClientError, OSError) as exc:
            raise SlackSendError(
                f"Slack injoignable ({type(exc).__name__}), nouvel essai plus tard"
            ) from None

    async def post(self, channel: str, message: SlackMessage) -> str:
        """chat.postMessage; the message's ts. Blocks Slack rejects fall back to the text."""

        async def call(blocks: list[dict[str, Any]] | None) -> Any:
            return await self.client.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=blocks,
                unfurl_links=False,
                unfurl_media=False,
            )

        try:
            response = await self._call(channel, lambda: call(message.blocks or None))
        except SlackSendError as exc:
            if exc.code not in BAD_BLOCKS:
                raise
            log.error("Slack refused the blocks (%s); sending the text alone", exc.code)
            response = await self._call(channel, lambda: call(None))
        return str(response.get("ts") or "")

    async def update(self, channel: str, ts: str, message: SlackMessage) -> None:
        """chat.update of a message Vigie posted (the progress of a long command)."""
        await self._call(
            channel,
            lambda: self.client.chat_update(
                channel=channel, ts=ts, text=message.text, blocks=message.blocks
            ),
            limited=False,
        )

    async def post_ephemeral(self, channel: str, user: str, message: SlackMessage) -> None:
        """chat.postEphemeral: only `user` sees it (mentions from an unbound channel)."""
        await self._call(
            channel,
            lambda: self.client.chat_postEphemeral(
                channel=channel, user=user, text=message.text, blocks=message.blocks
            ),
        )

    async def respond(self, response_url: str, message: SlackMessage) -> bool:
        """An ephemeral answer through the request's response_url; False when it failed."""
        webhook = AsyncWebhookClient(response_url, session=self._session())
        body = {**message.payload(), "response_type": "ephemeral", "replace_original": False}
        try:
            result = await webhook.send_dict(body)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning("response_url answer failed: %s", type(exc).__name__)
            return False
        if result.status_code != 200:
            log.warning("response_url answer refused: HTTP %s", result.status_code)
        return result.status_code == 200

    async def upload(self, channel: str, attachments: Sequence[Attachment]) -> str:
        """files_upload_v2 of every attachment in one message; the first file's id."""
        uploads = []
        for item in attachments:
            try:
                data = await asyncio.to_thread(item.path.read_bytes)
            except OSError as exc:
                raise SlackSendError(
                    f"Fichier illisible : {item.filename} ({exc.strerror})", permanent=True
                ) from None
            upload: dict[str, Any] = {"file": data, "filename": item.filename[:255]}
            upload["title"] = item.filename[:255]
            if item.is_image and item.caption:
                upload["alt_txt"] = item.caption[:1000]
            uploads.append(upload)
        comment = "\n".join(
            f"📎 *{escape(a.filename)}* — {escape(a.caption)}" if a.caption else f"📎 {a.filename}"
            for a in attachments
        )
        response = await self._call(
            channel,
            lambda: self.client.files_upload_v2(
                file_uploads=uploads, channel=channel, initial_comment=truncate(comment, 3_000)
            ),
        )
        files = response.get("files") or []
        first = files[0] if files and isinstance(files[0], dict) else {}
        return str(first.get("id") or "")

    async def send(self, channel: str, reply: Reply, message: SlackMessage) -> str:
        """The message then its files; a retry after a failed upload does not repeat the text."""
        key = (channel, reply)
        ref = self._text_sent.get(key, "")
        has_text = bool(reply.spans or reply.buttons)
        if has_text and not ref:
            ref = await self.post(channel, message)
        if not reply.attachments:
            return ref
        self._remember(key, ref)
        file_id = await self.upload(channel, reply.attachments)
        self._text_sent.pop(key, None)
        return ref or file_id

    async def send_patiently(self, channel: str, reply: Reply, message: SlackMessage) -> str:
        """`send`, waiting out a short `Retry-After` (interactive answers have no outbox)."""
        for attempt in range(3):
            try:
                return await self.send(channel, reply, message)
            except SendError as exc:
                wait = exc.retry_after
                if exc.permanent or wait is None or wait > MAX_RETRY_WAIT or attempt == 2:
                    raise
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _remember(self, key: tuple[str, Reply], ref: str) -> None:
        self._text_sent[key] = ref
        while len(self._text_sent) > 256:
            self._text_sent.popitem(last=False)
