"""The platform-neutral command router: an `Incoming` in, `Reply`s out, access checked first."""

from __future__ import annotations

import logging
import unicodedata

from bot.chat.markup import reply
from bot.chat.types import ChatRef, Incoming, Reply
from bot.commands.base import Command, Context, Progress, UsageError
from bot.commands.registry import BOOK, find_command
from bot.messages import messages
from bot.services import Services

log = logging.getLogger(__name__)

MAX_TEXT = 8_000
MAX_ARGS = 4_000


def clean_text(text: str) -> str:
    """Drop control and format characters (but keep line breaks), trim spaces."""
    return "".join(
        ch for ch in text if ch in "\n\t" or not unicodedata.category(ch).startswith("C")
    ).strip()


def split_command(text: str) -> tuple[str, str]:
    """`/liste@VigieBot  2` → ("liste", "2")."""
    text = text.lstrip()
    if text.startswith("/"):
        text = text[1:]
    parts = text.split(None, 1)
    if not parts:
        return "", ""
    word = parts[0].split("@", 1)[0]
    return word, parts[1].strip() if len(parts) > 1 else ""


class Router:
    """Dispatches commands and button presses to handlers, for every adapter alike."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def handle(self, incoming: Incoming, progress: Progress | None = None) -> list[Reply]:
        """Answer one incoming message or button press; never raises."""
        try:
            return await self._handle(incoming, progress)
        except Exception:
            log.exception("command failed on %s", incoming.platform)
            return [reply(messages(self.services.settings.language).internal_error())]

    async def member_chat(self, incoming: Incoming) -> ChatRef | None:
        """The chat's binding, if it is bound and the request comes from its own workspace.

        A chat bound from a workspace (Slack) answers that workspace alone: Slack Connect
        shares one channel id across organisations.
        """
        store = self.services.store
        chat = await store.teams.chat(incoming.platform, incoming.chat_id)
        if chat is None:
            return None
        bound_from = await store.teams.chat_workspace(incoming.platform, incoming.chat_id)
        if bound_from is not None and incoming.workspace_id != bound_from:
            return None
        return chat

    async def _handle(self, incoming: Incoming, progress: Progress | None) -> list[Reply]:
        store = self.services.store
        lang: str = self.services.settings.language
        if incoming.button is not None:
            word, args = incoming.button.action, incoming.button.arg
        else:
            if len(incoming.text) > MAX_TEXT:
                return [reply(messages(lang).message_too_long(len(incoming.text)))]
            word, args = split_command(clean_text(incoming.text))
        chat = await store.teams.chat(incoming.platform, incoming.chat_id)
        if chat is not None:
            lang = (await store.teams.settings(chat.team_id)).language or lang
        command, suggestion = find_command(word) if word else (None, None)
        joining = command is not None and command.name == "rejoindre"
        if chat is not None and not joining and await self.member_chat(incoming) is None:
            log.warning("request from workspace %s refused", incoming.workspace_id)
            return [reply(*messages(lang).other_workspace())]
        if not word:
            return [self._welcome(incoming, lang, bound=chat is not None)]
        if command is None:
            if chat is None:
                return [self._not_bound(incoming, lang)]
            return [reply(*messages(lang).unknown_command(word[:30], suggestion))]
        if command.name == "aide" and word.lower() == "start" and args and chat is None:
            # Telegram deep link: /start CODE joins directly.
            command, _ = find_command("rejoindre")
            assert command is not None
        if command.needs_team and chat is None:
            return [self._not_bound(incoming, lang)]
        if len(args) > MAX_ARGS:
            example = _example(command)
            return [reply(*messages(lang).argument_too_long(len(args), MAX_ARGS, example))]
        ctx = Context(
            incoming=incoming,
            services=self.services,
            team_id=chat.team_id if chat else None,
            lang=lang,
            commands=BOOK,
            progress=progress,
        )
        try:
            result = await command.handler(ctx, args)
        except UsageError as exc:
            return [reply(*messages(lang).usage(str(exc), command.usage, _example(command)))]
        return result if isinstance(result, list) else [result]

    def _not_bound(self, incoming: Incoming, lang: str) -> Reply:
        """All an unbound chat may learn: how to join, and its own id."""
        return reply(*messages(lang).not_bound(incoming.chat_id))

    def _welcome(self, incoming: Incoming, lang: str, *, bound: bool) -> Reply:
        if not bound:
            return self._not_bound(incoming, lang)
        return reply(*messages(lang).welcome())


def _example(command: Command) -> str:
    """A command's first example, or its usage line."""
    return command.examples[0] if command.examples else command.usage
