"""What works and what does not, said once at start: the doctor's local checks, no network."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot import __version__
from bot.services import Services
from bot.settings import Settings
from vigie.ops import checks
from vigie.ops.backup import archives
from vigie.ops.checks import Check, Status

log = logging.getLogger("vigie.start")


async def start_checks(services: Services) -> list[Check]:
    """The local checks of `vigie doctor` (captures, timestamp, keys): well under a second."""
    settings = services.settings
    return [await checks.captures(settings), checks.timestamp(settings), *checks.keys(settings)]


async def start_report(services: Services, adapters: list[str]) -> list[str]:
    """The block: adapters, teams and sources, captures, timestamp, keys; then where to look."""
    f = await services.store.ops.figures()
    lines = [
        f"Vigie {__version__} — démarrage",
        f"Adaptateurs : {', '.join(adapters) or 'aucun'}",
        f"Équipes : {f.teams} ({f.chats} conversation(s) reliée(s)) · sources : {f.sources}"
        + (f" (dont {f.failing_sources} en échec)" if f.failing_sources else ""),
    ]
    captures, timestamp, *keys = await start_checks(services)
    lines += captures.lines()
    stamp = timestamp.detail.split(" — ")[0]
    hint = f" ({timestamp.fix})" if timestamp.fix and timestamp.status is not Status.OK else ""
    lines.append(f"{timestamp.status.value} {timestamp.name} : {stamp}{hint}")
    lines.append("Clés : " + " · ".join(f"{k.status.value} {k.name}" for k in keys))
    for key in keys:
        if key.status is Status.FAIL:
            lines += key.lines()
    lines.append(backups_line(services.settings))
    lines.append("Diagnostic complet (appelle chaque service) : vigie doctor")
    return lines


def backups_line(settings: Settings) -> str:
    """Where the daily backups go and when the last one was taken."""
    if settings.backup_keep == 0:
        return "– Sauvegarde quotidienne : désactivée (VIGIE_BACKUP_KEEP=0) ; « vigie backup »"
    found = archives(settings.backup_dir)
    last = (
        datetime.fromtimestamp(found[-1].stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")
        if found
        else "aucune encore"
    )
    return (
        f"✓ Sauvegarde quotidienne : {settings.backup_dir} ({settings.backup_keep} gardées), "
        f"dernière : {last}"
    )


async def announce(services: Services, adapters: list[str], *, console: bool) -> list[str]:
    """Print the block on the console, or write it to the log for Telegram and Slack."""
    lines = await start_report(services, adapters)
    if console:
        print("\n".join(lines), flush=True)
    else:
        log.info("%s", "\n".join(lines))
    return lines
