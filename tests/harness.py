"""An in-memory chat that drives the real router, store and delivery end to end (no mocks)."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.plain import render_plain
from bot.chat.types import Button, Incoming, Reply
from bot.router import Router


@dataclass
class ChatHarness:
    """One chat on a fake platform: type commands, press buttons, receive alerts."""

    router: Router
    chat_id: str = "chat-1"
    platform: str = "test"
    user: str = "alice"
    workspace: str | None = None
    alerts: list[tuple[str, Reply]] = field(default_factory=list)
    progress: list[Reply] = field(default_factory=list)

    async def say(self, text: str) -> list[Reply]:
        """Type a command; return the replies."""
        incoming = Incoming(
            platform=self.platform,
            chat_id=self.chat_id,
            user_id=self.user,
            user_name=self.user,
            text=text,
            workspace_id=self.workspace,
        )
        return await self.router.handle(incoming, progress=self._progress)

    async def text(self, text: str) -> str:
        """Type a command; return the replies as plain text."""
        return "\n".join(render_plain(r) for r in await self.say(text))

    async def press(self, button: Button) -> list[Reply]:
        """Press a button of an alert."""
        incoming = Incoming(
            platform=self.platform,
            chat_id=self.chat_id,
            user_id=self.user,
            user_name=self.user,
            button=button,
            workspace_id=self.workspace,
        )
        return await self.router.handle(incoming, progress=self._progress)

    async def _progress(self, reply: Reply) -> None:
        self.progress.append(reply)


@dataclass
class MemoryTransport:
    """A platform that records what the delivery task sends, and can be told to fail."""

    platform: str = "test"
    sent: list[tuple[str, Reply]] = field(default_factory=list)
    fail_next: int = 0

    async def run(self) -> None:
        """Nothing to serve."""

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Record the reply (or fail, when asked to)."""
        from bot.chat.transport import SendError

        if self.fail_next:
            self.fail_next -= 1
            raise SendError("simulated outage", retry_after=0.01)
        self.sent.append((chat_id, reply))
        return f"msg-{len(self.sent)}"
