"""Sending one `Reply` to one chat: HTML chunks, the keyboard on the last one, then the files.

Every message waits for the rate limiter first. A "retry after" holds the chat in the limiter
and is waited out only when allowed (command replies, or a reply already half sent); a lost
connection (the request never reached Telegram) is retried twice. Anything else is raised.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from adapters.telegram.errors import retry_seconds
from adapters.telegram.files import DOCUMENT_MAX_BYTES, FilePlan, Route, megabytes, plan
from adapters.telegram.keyboard import build_keyboard
from adapters.telegram.ratelimit import RateLimiter
from adapters.telegram.render import esc, render_caption, render_chunks
from bot.chat.types import Attachment, Reply, Span, Urgency

log = logging.getLogger(__name__)

CONNECT_RETRIES = 2
INTERACTIVE_MAX_WAIT = 60.0
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
UPLOAD_BYTES_PER_S = 200_000


class Sender:
    """Puts replies on Telegram through one bot and one rate limiter."""

    def __init__(self, bot: Bot, limiter: RateLimiter, *, backoff: float = 1.0) -> None:
        self.bot = bot
        self.limiter = limiter
        self.backoff = backoff

    async def send_reply(
        self,
        chat_id: int,
        reply: Reply,
        *,
        thread_id: int | None = None,
        max_wait: float = INTERACTIVE_MAX_WAIT,
    ) -> str:
        """Send the whole reply; return the id of the message that carries its buttons.

        `max_wait` bounds how long a "retry after" is waited out before the first message
        went out; once part of a reply is delivered, a "retry after" is always waited out
        (resending the whole reply later would duplicate that part).
        """
        silent = reply.urgency is Urgency.SILENT
        keyboard = build_keyboard(reply.buttons)
        chunks = render_chunks(reply)
        if not chunks and keyboard is not None and not reply.attachments:
            chunks = ["Actions :"]
        main_id = ""
        sent = 0
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            markup = keyboard if last else None
            message = await self._text(
                chat_id, chunk, markup, silent, thread_id, max_wait if not sent else None
            )
            sent += 1
            if markup is not None or not main_id:
                main_id = str(message.message_id)
        for index, attachment in enumerate(reply.attachments):
            markup = keyboard if not chunks and index == len(reply.attachments) - 1 else None
            message = await self._file(
                chat_id, attachment, markup, silent, thread_id, max_wait if not sent else None
            )
            sent += 1
            if markup is not None or not main_id:
                main_id = str(message.message_id)
        return main_id

    async def _text(
        self,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None,
        silent: bool,
        thread_id: int | None,
        max_wait: float | None,
    ) -> Message:
        return await self._call(
            chat_id,
            lambda: self.bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                disable_notification=silent,
                link_preview_options=NO_PREVIEW,
                message_thread_id=thread_id,
            ),
            max_wait,
        )

    async def _file(
        self,
        chat_id: int,
        attachment: Attachment,
        markup: InlineKeyboardMarkup | None,
        silent: bool,
        thread_id: int | None,
        max_wait: float | None,
    ) -> Message:
        chosen = plan(attachment)
        if chosen.route in (Route.TOO_BIG, Route.MISSING):
            text = _unsendable(attachment, chosen)
            return await self._text(chat_id, text, markup, silent, thread_id, max_wait)
        caption, shortened = render_caption(attachment.caption)
        if shortened:
            full = Reply(spans=(Span(attachment.caption),))
            for chunk in render_chunks(full):
                await self._text(chat_id, chunk, None, silent, thread_id, max_wait)
                max_wait = None
        data = await asyncio.to_thread(attachment.path.read_bytes)
        write_timeout = 20.0 + len(data) / UPLOAD_BYTES_PER_S

        def upload(method: Callable[..., Awaitable[Message]]) -> Callable[[], Awaitable[Message]]:
            """The same file, caption and options, through sendPhoto or sendDocument."""
            return lambda: method(
                chat_id,
                data,
                caption=caption or None,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                disable_notification=silent,
                message_thread_id=thread_id,
                filename=attachment.filename,
                write_timeout=write_timeout,
            )

        if chosen.route is Route.PHOTO:
            try:
                return await self._call(chat_id, upload(self.bot.send_photo), max_wait)
            except BadRequest as exc:
                log.warning("photo refused (%s): %s goes as a document", exc.message, chosen)
        return await self._call(chat_id, upload(self.bot.send_document), max_wait)

    async def _call(
        self,
        chat_id: int,
        request: Callable[[], Awaitable[Message]],
        max_wait: float | None,
    ) -> Message:
        """One request after the limiter; "retry after" waited out up to `max_wait` (None: any)."""
        failures = 0
        while True:
            try:
                async with self.limiter.slot(chat_id):
                    return await request()
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                self.limiter.penalize(chat_id, wait)
                if max_wait is not None and wait > max_wait:
                    raise
                log.info("Telegram asked to wait %.1f s before writing to %s", wait, chat_id)
            except (BadRequest, TimedOut):
                raise  # refused, or perhaps delivered: resending could duplicate it
            except NetworkError:
                failures += 1
                if failures > CONNECT_RETRIES:
                    raise
                await asyncio.sleep(self.backoff * failures)


def _unsendable(attachment: Attachment, chosen: FilePlan) -> str:
    """What to say instead of a file Telegram cannot carry."""
    name = esc(attachment.filename)
    where = esc(str(attachment.path))
    if chosen.route is Route.MISSING:
        return (
            f"📎 Le fichier « {name} » est introuvable sur le serveur ({where}). "
            "Relancez la commande pour le produire à nouveau."
        )
    return (
        f"📎 « {name} » pèse {megabytes(chosen.size)} : trop lourd pour Telegram "
        f"({megabytes(DOCUMENT_MAX_BYTES)} au plus). La copie conservée sur le serveur : "
        f"<code>{where}</code>"
    )
