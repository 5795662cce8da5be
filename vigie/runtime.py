"""`vigie run`: choose the adapters from the settings and serve them with the background tasks."""

from __future__ import annotations

import logging

from adapters.console import CHAT_ID, ConsoleAdapter
from bot.chat.transport import ChatTransport
from bot.router import Router
from bot.settings import Settings
from bot.triage import learned as triage_learned
from vigie.app import BackgroundTask, make_router, open_services, serve
from vigie.engines import build_engines
from vigie.logging_setup import setup_logging

log = logging.getLogger(__name__)


async def run_vigie(settings: Settings, *, force_console: bool = False) -> int:
    """Start every configured adapter (the console when none is) and serve until stopped."""
    setup_logging(settings)
    triage_learned.use(settings.triage_model)
    problem = triage_learned.check()
    if problem is not None:
        log.warning(triage_learned.unavailable_line(problem))
    services = await open_services(settings)
    router = make_router(services)
    transports: list[ChatTransport] = []
    background: list[BackgroundTask] = []
    try:
        if not force_console:
            transports += chat_platforms(settings, router)
        if not transports:
            teams = services.store.teams
            team_id = await teams.default_team(settings.team_name, language=settings.language)
            await teams.bind_chat(team_id, "console", CHAT_ID, by="console")
            transports.append(ConsoleAdapter(router))
        log.info("adapters: %s", ", ".join(t.platform for t in transports))
        # --- ops (vigie/ops): start report, restore lock, daily backups, health endpoint ---
        from vigie.ops.startup import ops_tasks

        background += await ops_tasks(services, [t.platform for t in transports])
        # --- end ops ---
        background += build_engines(services, transports)
        await serve(services, transports, background)
    finally:
        if services.capture is not None:
            await services.capture.close()
        await services.store.close()
    return 0


def chat_platforms(settings: Settings, router: Router) -> list[ChatTransport]:
    """The Telegram and Slack adapters whose tokens are configured."""
    transports: list[ChatTransport] = []
    token = settings.telegram_token
    if token is not None and token.get_secret_value().strip():
        from adapters.telegram import TelegramAdapter  # PTB is imported only when used

        transports.append(TelegramAdapter.from_settings(settings, router))
    from adapters.slack.setup import slack_platform  # returns None unless Slack is configured

    slack = slack_platform(settings, router)
    if slack is not None:
        transports.append(slack)
    return transports
