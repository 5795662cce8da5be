"""What `vigie run` adds for the person running the server: the start report and ops tasks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from bot.services import Services
from vigie.ops.backup import run_daily_backups, running_lock
from vigie.ops.start_report import announce

Task = Callable[[], Coroutine[Any, Any, None]]


async def ops_tasks(services: Services, platforms: list[str]) -> list[Task]:
    """Say what is on and off, then return the lock holder, daily backups and the endpoint."""
    settings = services.settings
    await announce(services, platforms, console="console" in platforms)

    async def hold_lock() -> None:
        with running_lock(settings.data_dir):  # `vigie restore` refuses while this is held
            await asyncio.Event().wait()

    tasks: list[Task] = [hold_lock]
    if settings.backup_keep > 0:

        async def backups() -> None:
            await run_daily_backups(settings)

        tasks.append(backups)
    port = settings.ops_port
    if port is not None:
        from vigie.ops.endpoint import serve_endpoint

        async def endpoint() -> None:
            await serve_endpoint(services, settings.ops_host, port)

        tasks.append(endpoint)
    return tasks
