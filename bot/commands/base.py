"""The shape of a command: its names, help, and handler; and the context a handler receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.chat.types import Incoming, Reply
from bot.messages import Messages, messages
from bot.services import Services

Progress = Callable[[Reply], Awaitable[None]]


class UsageError(Exception):
    """A malformed command: the router answers with the message and the command's usage.

    The message is a catalogue sentence, `UsageError(lambda say: say.need_name())`, said in
    the team's language by the router (a plain string is said as it is).
    """

    def __init__(self, message: str | Callable[[Messages], str]) -> None:
        # str(exc) is the French sentence (logs, callers that only need a message).
        super().__init__(message if isinstance(message, str) else message(messages("fr")))
        self._message = message

    def said_by(self, say: Messages) -> str:
        """The message in the catalogue `say`'s language."""
        return self._message if isinstance(self._message, str) else self._message(say)


class CommandBook(Protocol):
    """The registered commands, as `/aide` reads them (the registry, given by the router)."""

    def find(self, word: str) -> tuple[Command | None, str | None]:
        """The command for a typed word, or None and the closest name to suggest."""
        ...

    def visible(self, *, bound: bool) -> list[Command]:
        """What /aide lists for a bound or unbound chat."""
        ...


@dataclass
class Context:
    """One command's world: who asked, for which team, in which language."""

    incoming: Incoming
    services: Services
    team_id: int | None
    lang: str
    commands: CommandBook
    progress: Progress | None = None

    @property
    def team(self) -> int:
        """The team id of a bound chat (the router guarantees it for `needs_team` commands)."""
        assert self.team_id is not None
        return self.team_id

    @property
    def who(self) -> str:
        """A short description of the requester, for the records."""
        name = self.incoming.user_name or self.incoming.user_id
        return f"{self.incoming.platform}:{name}"

    async def say(self, reply: Reply) -> None:
        """Send a progress message now, if the adapter supports it."""
        if self.progress is not None:
            await self.progress(reply)


Handler = Callable[[Context, str], Awaitable[Reply | list[Reply]]]


@dataclass(frozen=True)
class Command:
    """A command of COMMANDS.md: French name first, English alias, help and examples."""

    name: str
    aliases: tuple[str, ...]
    usage: str
    summary_fr: str
    summary_en: str
    handler: Handler
    examples: tuple[str, ...] = ()
    details_fr: str = ""
    details_en: str = ""
    needs_team: bool = True
    slow: bool = False

    def summary(self, lang: str) -> str:
        """The one-line description in the team's language."""
        return self.summary_en if lang == "en" else self.summary_fr
