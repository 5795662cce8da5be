"""One process, one event loop: the store, every configured adapter and the background tasks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from bot.chat.transport import ChatTransport, StartupError
from bot.router import Router
from bot.services import Services
from bot.settings import Settings
from bot.store import Store

log = logging.getLogger(__name__)


class _InputEnded(Exception):
    """The console reached end of input: stop the whole process."""


def check_data_dir(path: Path) -> None:
    """Make sure captures and exports can be written, before anyone asks for one."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".vigie-write-test"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        raise StartupError(
            f"Le dossier de données {path} n'est pas accessible en écriture ({exc.strerror}). "
            "Donnez les droits d'écriture ou choisissez un autre dossier avec VIGIE_DATA_DIR."
        ) from exc


async def open_services(settings: Settings) -> Services:
    """Open the store and check the data dir; the console's team exists from the start."""
    check_data_dir(settings.data_dir)
    store = await Store.open(settings.database)
    await store.teams.default_team(settings.team_name, language=settings.language)
    return Services(store=store, settings=settings)


BackgroundTask = Callable[[], Coroutine[Any, Any, None]]


async def serve(
    services: Services,
    transports: list[ChatTransport],
    background: Sequence[BackgroundTask] = (),
) -> None:
    """Run every transport and background task side by side until one ends or fails.

    The console ending (end of input) stops the process cleanly.
    """
    services.adapters = [t.platform for t in transports]

    async def run_transport(transport: ChatTransport) -> None:
        await transport.run()
        raise _InputEnded

    try:
        async with asyncio.TaskGroup() as group:
            for transport in transports:
                group.create_task(run_transport(transport), name=transport.platform)
            for task in background:
                group.create_task(task())
    except* _InputEnded:
        log.info("end of input: stopping")


def make_router(services: Services) -> Router:
    """The router over these services."""
    return Router(services)
