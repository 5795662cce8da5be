"""The platform-neutral command router: an `Incoming` in, `Reply`s out, access checked first."""

from __future__ import annotations

import logging
import unicodedata

from bot.commands.base import Context, Progress, UsageError
from bot.commands.registry import find_command
from bot.markup import NL, b, code, reply
from bot.models import Incoming, Reply
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
            return [
                reply(
                    "Désolé, une erreur interne a empêché cette commande d'aboutir. Rien n'a été "
                    "perdu ; réessayez dans un instant, et si cela persiste, consultez le journal "
                    "du serveur."
                )
            ]

    async def _handle(self, incoming: Incoming, progress: Progress | None) -> list[Reply]:
        store = self.services.store
        if incoming.button is not None:
            word, args = incoming.button.action, incoming.button.arg
        else:
            if len(incoming.text) > MAX_TEXT:
                return [
                    reply(
                        f"Message trop long ({len(incoming.text)} caractères). Une commande "
                        "tient en une ligne, par exemple /surveiller Dr Marie Dupont, Lyon."
                    )
                ]
            word, args = split_command(clean_text(incoming.text))
        chat = await store.teams.chat(incoming.platform, incoming.chat_id)
        lang: str = self.services.settings.language
        if chat is not None:
            lang = (await store.teams.settings(chat.team_id)).language or lang
        if not word:
            return [self._welcome(incoming, bound=chat is not None)]
        command, suggestion = find_command(word)
        if command is None:
            if chat is None:
                return [self._not_bound(incoming)]
            hint = f"Vouliez-vous dire /{suggestion} ? " if suggestion else ""
            return [
                reply(
                    f"Commande inconnue « /{word[:30]} ». {hint}La liste des commandes : ",
                    code("/aide"),
                )
            ]
        if command.name == "aide" and word.lower() == "start" and args and chat is None:
            # Telegram deep link: /start CODE joins directly.
            command, _ = find_command("rejoindre")
            assert command is not None
        if command.needs_team and chat is None:
            return [self._not_bound(incoming)]
        if len(args) > MAX_ARGS:
            return [
                reply(
                    f"Argument trop long ({len(args)} caractères, {MAX_ARGS} au plus). ",
                    "Exemple : ",
                    code(command.examples[0] if command.examples else command.usage),
                )
            ]
        ctx = Context(
            incoming=incoming,
            services=self.services,
            team_id=chat.team_id if chat else None,
            lang=lang,
            progress=progress,
        )
        try:
            result = await command.handler(ctx, args)
        except UsageError as exc:
            example = command.examples[0] if command.examples else command.usage
            return [
                reply(
                    str(exc),
                    NL,
                    "Syntaxe : ",
                    code(command.usage),
                    NL,
                    "Exemple : ",
                    code(example),
                )
            ]
        return result if isinstance(result, list) else [result]

    def _not_bound(self, incoming: Incoming) -> Reply:
        """All an unbound chat may learn: how to join, and its own id."""
        return reply(
            "Cette conversation n'est reliée à aucune équipe Vigie. Pour la relier, demandez un "
            "code à la personne qui gère le serveur (",
            code("vigie invite"),
            "), puis tapez ",
            code("/rejoindre CODE"),
            ".",
            NL,
            "Identifiant de cette conversation : ",
            code(incoming.chat_id),
        )

    def _welcome(self, incoming: Incoming, *, bound: bool) -> Reply:
        if not bound:
            return self._not_bound(incoming)
        return reply(b("Vigie"), " veille sur votre e-réputation. Les commandes : ", code("/aide"))
