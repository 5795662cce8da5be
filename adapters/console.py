"""The console: a terminal chat on the same router, bound to the server's own team."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from adapters.plain import render_plain
from bot.chat.types import Incoming, Reply
from bot.router import Router

PLATFORM = "console"
CHAT_ID = "local"


class ConsoleAdapter:
    """Reads commands from standard input (interactive or piped); prints replies and alerts."""

    platform = PLATFORM

    def __init__(
        self, router: Router, *, stdin: TextIO | None = None, stdout: TextIO | None = None
    ) -> None:
        self.router = router
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self._lock = asyncio.Lock()

    async def run(self) -> None:
        """Serve until end of input."""
        interactive = self.stdin.isatty()
        await self._write(
            "Vigie — console. Tapez /aide pour la liste des commandes, Ctrl-D pour quitter."
        )
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                self.stdout.write("> ")
                self.stdout.flush()
            line = await loop.run_in_executor(None, self.stdin.readline)
            if not line:
                break
            text = line.strip()
            if not text:
                continue
            incoming = Incoming(platform=PLATFORM, chat_id=CHAT_ID, user_id="console", text=text)
            for reply in await self.router.handle(incoming, progress=self._progress):
                await self._write(render_plain(reply))

    async def _progress(self, reply: Reply) -> None:
        await self._write(render_plain(reply))

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Print an alert."""
        await self._write("🔔 " + render_plain(reply))
        return "console"

    async def _write(self, text: str) -> None:
        async with self._lock:
            self.stdout.write(text + "\n")
            self.stdout.flush()
