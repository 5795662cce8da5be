"""What the Slack adapter itself says (Slack syntax, refusals), in the team's language."""

from __future__ import annotations

from dataclasses import dataclass

from bot.chat.markup import reply
from bot.chat.types import Reply
from bot.messages import Messages, messages

MAX_COMMAND = 2_000
EXAMPLE = "/vigie surveiller Dr Marie Dupont, Lyon"


@dataclass(frozen=True, slots=True)
class Texts:
    """The adapter's messages in one language."""

    lang: str = "fr"

    def _say(self) -> Messages:
        return messages(self.lang)

    def empty(self) -> Reply:
        """`/vigie` typed alone."""
        return reply(*self._say().slack_empty(EXAMPLE))

    def mention_empty(self) -> Reply:
        """A mention of the bot with nothing after it."""
        return reply(*self._say().slack_mention_empty())

    def too_long(self, length: int) -> Reply:
        """A command longer than any real one."""
        return reply(*self._say().slack_too_long(length, MAX_COMMAND, EXAMPLE))

    def working(self, what: str) -> Reply:
        """The immediate answer to a slow command."""
        return reply(*self._say().slack_working(what[:200]))

    def bad_button(self) -> Reply:
        """A button press whose payload was altered or cannot be read."""
        return reply(*self._say().slack_bad_button())

    def invite_bot(self, files: int) -> Reply:
        """The bot cannot post in this channel: say how to invite it."""
        return reply(*self._say().slack_invite_bot(files))

    def cut_notice(self) -> str:
        """The last line of a message too long for Slack (`{n}` hidden characters)."""
        return self._say().slack_cut_notice()
