"""The command menu Telegram shows when one types "/": French names, French or English text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from telegram import BotCommand

from bot.commands.base import Command

NAME = re.compile(r"[a-z0-9_]{1,32}")
MAX_DESCRIPTION = 256
MAX_COMMANDS = 100


def menu(commands: Iterable[Command], lang: str) -> list[BotCommand]:
    """One entry per command whose name Telegram accepts, described in `lang`."""
    entries: list[BotCommand] = []
    for command in commands:
        if not NAME.fullmatch(command.name):
            continue
        text = " ".join(command.summary(lang).split())
        if len(text) > MAX_DESCRIPTION:
            text = text[: MAX_DESCRIPTION - 1].rstrip() + "…"
        entries.append(BotCommand(command.name, text or command.name))
    return entries[:MAX_COMMANDS]
