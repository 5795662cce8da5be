"""Telegram for Vigie: PTB's `Application` started inside Vigie's own event loop, by hand.

`run()` initialises the bot, publishes the command menu, starts long polling (or the webhook
listener), and serves until cancelled, then stops everything in order. Commands and button
presses become `Incoming`s for the router; replies, progress notes and alerts go out through
one rate-limited `Sender`.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import weakref
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, CallbackContext, ExtBot, TypeHandler

from adapters.telegram.errors import to_send_error
from adapters.telegram.inbound import PLATFORM, Action, read_message, thread_of
from adapters.telegram.keyboard import label_of, parse_callback
from adapters.telegram.menu import menu
from adapters.telegram.ratelimit import RateLimiter
from adapters.telegram.sender import Sender
from adapters.telegram.webhook import (
    WebhookConfigError,
    WebhookListener,
    checked_secret,
    webhook_path,
)
from bot.chat.markup import reply
from bot.chat.transport import SendError, StartupError
from bot.chat.types import Incoming, Reply
from bot.commands.registry import all_commands
from bot.router import Router
from bot.settings import Settings

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "edited_message", "callback_query")
STALE_BUTTON = (
    "Ce bouton n'est plus valable. Utilisez la commande correspondante, par exemple /avis "
    "puis /traite N."
)
EDITED_HINT = "Une commande modifiée n'est pas relancée : envoyez-la de nouveau."
MAX_STARTUP_WAIT = 60.0

_Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]
_App = Application[ExtBot[None], _Context, dict[Any, Any], dict[Any, Any], dict[Any, Any], None]


class TelegramAdapter:
    """Serves one Telegram bot: long polling by default, a webhook when configured."""

    platform = PLATFORM

    def __init__(
        self,
        router: Router,
        *,
        token: str,
        api_url: str = "https://api.telegram.org/bot",
        file_url: str = "https://api.telegram.org/file/bot",
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        webhook_port: int = 8443,
        webhook_listen: str = "127.0.0.1",
        poll_timeout: float = 10.0,
        limiter: RateLimiter | None = None,
        retry_backoff: float = 1.0,
    ) -> None:
        self.router = router
        self.token = token
        self.api_url = api_url
        self.file_url = file_url
        self.webhook_url = webhook_url or None
        self.webhook_listen = webhook_listen
        self.webhook_port = webhook_port
        self.poll_timeout = poll_timeout
        self.limiter = limiter or RateLimiter()
        self.retry_backoff = retry_backoff
        self.ready = asyncio.Event()
        self.bot_username = ""
        try:
            self.webhook_path = webhook_path(self.webhook_url) if self.webhook_url else None
            self.webhook_secret = checked_secret(webhook_secret) if self.webhook_url else None
        except WebhookConfigError as exc:
            raise StartupError(str(exc)) from exc
        self._sender: Sender | None = None
        self._chat_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    @classmethod
    def from_settings(cls, settings: Settings, router: Router) -> TelegramAdapter:
        """The adapter as `VIGIE_TELEGRAM_*` configure it (the token must be set)."""
        if settings.telegram_token is None:
            raise StartupError("VIGIE_TELEGRAM_TOKEN est vide : collez le jeton de @BotFather.")
        secret = settings.telegram_webhook_secret
        return cls(
            router,
            token=settings.telegram_token.get_secret_value().strip(),
            api_url=settings.telegram_api_url,
            file_url=settings.telegram_file_url,
            webhook_url=settings.telegram_webhook_url,
            webhook_secret=secret.get_secret_value() if secret else None,
            webhook_port=settings.telegram_webhook_port,
            webhook_listen=settings.telegram_webhook_listen,
        )

    # --- lifecycle ---

    def _build(self) -> _App:
        builder = (
            ApplicationBuilder()
            .token(self.token)
            .base_url(self.api_url)
            .base_file_url(self.file_url)
            .concurrent_updates(16)
            .job_queue(None)
        )
        if self.webhook_url:
            builder = builder.updater(None)
        app = builder.build()
        app.add_handler(TypeHandler(Update, self._on_update))
        return app

    async def run(self) -> None:
        """Serve until cancelled; stop polling, webhook and application in order on the way out."""
        app = self._build()
        listener: WebhookListener | None = None
        try:
            await self._initialize(app)
        except BaseException:
            await app.bot.shutdown()  # close the HTTP connections opened for getMe
            raise
        try:
            self.bot_username = app.bot.username
            await self._publish_menu(app)
            if self.webhook_url:
                listener = await self._start_webhook(app)
            else:
                assert app.updater is not None
                await app.updater.start_polling(
                    timeout=dtm.timedelta(seconds=self.poll_timeout),
                    allowed_updates=list(ALLOWED_UPDATES),
                    bootstrap_retries=3,
                    error_callback=_polling_error,
                )
            await app.start()
            self._sender = Sender(app.bot, self.limiter, backoff=self.retry_backoff)
            self.ready.set()
            log.info("Telegram: @%s connected", self.bot_username)
            await asyncio.Event().wait()
        finally:
            self.ready.clear()
            self._sender = None
            await self._shutdown(app, listener)

    async def _initialize(self, app: _App) -> None:
        """getMe until Telegram answers; a refused token stops Vigie with a clear message."""
        delay = 1.0
        while True:
            try:
                await app.initialize()
                return
            except InvalidToken:
                raise StartupError(
                    "Telegram refuse le jeton VIGIE_TELEGRAM_TOKEN : vérifiez-le auprès de "
                    "@BotFather (commande /token)."
                ) from None  # PTB's message would print the token
            except NetworkError as exc:
                log.warning("Telegram injoignable (%s) : nouvel essai dans %.0f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_STARTUP_WAIT)

    async def _publish_menu(self, app: _App) -> None:
        """The "/" menu: French for everyone, English descriptions for English clients."""
        try:
            await app.bot.set_my_commands(menu(all_commands(), "fr"))
            await app.bot.set_my_commands(menu(all_commands(), "en"), language_code="en")
        except TelegramError as exc:
            log.warning("command menu not published: %s", exc)

    async def _start_webhook(self, app: _App) -> WebhookListener:
        assert self.webhook_url and self.webhook_path and self.webhook_secret

        async def deliver(payload: dict[str, Any]) -> bool:
            try:
                update = Update.de_json(payload, app.bot)
            except (KeyError, TypeError, ValueError):
                return False
            await app.update_queue.put(update)
            return True

        listener = WebhookListener(
            self.webhook_path,
            self.webhook_secret,
            deliver,
            host=self.webhook_listen,
            port=self.webhook_port,
        )
        self.webhook_port = await listener.start()
        try:
            await app.bot.set_webhook(
                self.webhook_url,
                secret_token=self.webhook_secret,
                allowed_updates=list(ALLOWED_UPDATES),
            )
        except TelegramError as exc:
            await listener.stop()
            raise StartupError(
                f"Telegram refuse le webhook {self.webhook_url} ({exc.message}) : vérifiez "
                "VIGIE_TELEGRAM_WEBHOOK_URL (https, port 443, 80, 88 ou 8443)."
            ) from exc
        return listener

    async def _shutdown(self, app: _App, listener: WebhookListener | None) -> None:
        """Stop in the reverse order of starting; a failing step does not block the next."""
        steps: list[tuple[str, Any]] = []
        if app.updater is not None and app.updater.running:
            steps.append(("updater", app.updater.stop))
        if listener is not None:
            steps.append(("webhook", listener.stop))
        if app.running:
            steps.append(("application", app.stop))
        steps.append(("shutdown", app.shutdown))
        for name, step in steps:
            try:
                await step()
            except Exception:
                log.exception("Telegram: stopping the %s failed", name)

    # --- sending ---

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Deliver an alert; the message id once Telegram accepted it, else `SendError`."""
        sender = self._sender
        if sender is None:
            raise SendError("Telegram n'est pas encore connecté", retry_after=5.0)
        try:
            target = int(chat_id)
        except ValueError:
            raise SendError(
                f"Identifiant de conversation Telegram invalide : {chat_id!r}", permanent=True
            ) from None
        try:
            return await sender.send_reply(target, reply, max_wait=0.0)
        except TelegramError as exc:
            raise to_send_error(exc) from exc

    async def _answer_with(self, chat_id: int, thread_id: int | None, replies: list[Reply]) -> None:
        sender = self._sender
        if sender is None:
            return
        for one in replies:
            try:
                await sender.send_reply(chat_id, one, thread_id=thread_id)
            except TelegramError as exc:
                log.warning("reply to %s not delivered: %s", chat_id, exc)

    # --- receiving ---

    async def _on_update(self, update: Update, context: _Context) -> None:
        """Every update lands here; failures are logged, never raised into PTB."""
        try:
            if update.callback_query is not None:
                await self._on_button(update.callback_query)
            elif update.edited_message is not None:
                await self._on_message(update.edited_message, edited=True)
            elif update.message is not None:
                await self._on_message(update.message, edited=False)
        except Exception:
            log.exception("Telegram update %s failed", update.update_id)

    async def _on_message(self, message: Message, *, edited: bool) -> None:
        decision = read_message(message, self.bot_username, edited=edited)
        if decision.action is Action.IGNORE or decision.incoming is None:
            return
        chat_id, thread_id = message.chat.id, thread_of(message)
        if decision.action is Action.EDITED:
            await self._answer_with(chat_id, thread_id, [reply(EDITED_HINT)])
            return
        await self._route(chat_id, thread_id, decision.incoming)

    async def _on_button(self, query: CallbackQuery) -> None:
        """Answer the press at once, then run the action (a stale or forged one runs nothing)."""
        message = query.message
        markup = message.reply_markup if isinstance(message, Message) else None
        actions = {command.name for command in all_commands()}
        button = parse_callback(query.data, actions, label_of(markup, query.data))
        if message is None or button is None:
            await _answer(query, STALE_BUTTON)
            if markup is not None:
                try:
                    await query.edit_message_reply_markup(reply_markup=None)
                except TelegramError as exc:
                    log.info("stale keyboard not removed: %s", exc)
            return
        await _answer(query)
        incoming = Incoming(
            platform=PLATFORM,
            chat_id=str(message.chat.id),
            user_id=str(query.from_user.id),
            user_name=query.from_user.full_name,
            button=button,
            metadata={"chat_type": str(message.chat.type)},
        )
        thread_id = message.message_thread_id if isinstance(message, Message) else None
        await self._route(message.chat.id, thread_id, incoming)

    async def _route(self, chat_id: int, thread_id: int | None, incoming: Incoming) -> None:
        """One command at a time per chat, in the order they came; progress notes on the way."""

        async def progress(note: Reply) -> None:
            await self._answer_with(chat_id, thread_id, [note])

        lock = self._chat_locks.get(chat_id)
        if lock is None:
            lock = self._chat_locks[chat_id] = asyncio.Lock()
        async with lock:
            replies = await self.router.handle(incoming, progress=progress)
            await self._answer_with(chat_id, thread_id, replies)


async def _answer(query: CallbackQuery, text: str | None = None) -> None:
    """Answer a button press (Telegram shows a spinner until then); an old query is ignored."""
    try:
        await query.answer(text, show_alert=text is not None)
    except TelegramError as exc:
        log.info("button press not answered: %s", exc)


def _polling_error(exc: TelegramError) -> None:
    """PTB retries polling by itself; say why it failed, once per failure, without a traceback."""
    if isinstance(exc, Conflict):
        log.error(
            "Telegram : un autre programme lit déjà les messages de ce robot (même jeton). "
            "Arrêtez l'autre instance ou créez un second robot avec @BotFather."
        )
    else:
        log.warning("Telegram polling: %s", exc)
