"""What the core needs from a chat platform: run, and send a reply to a chat (for alerts)."""

from __future__ import annotations

from typing import Protocol

from bot.chat.types import Reply


class StartupError(Exception):
    """Vigie (or one adapter) cannot start; the message says what to fix."""


class SendError(Exception):
    """Sending failed; `retry_after` (seconds) when the platform said when to retry."""

    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class ChatTransport(Protocol):
    """One chat platform as the core sees it; adapters implement it."""

    platform: str

    async def run(self) -> None:
        """Serve until cancelled (or, for the console, until end of input)."""

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Deliver a reply; return the platform's message reference once it acknowledged it.

        Raise `SendError` on failure (with `retry_after` when rate-limited).
        """
        ...
