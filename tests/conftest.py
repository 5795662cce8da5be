"""Shared fixtures: a fresh store and router per test, and bound chats."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.router import Router
from bot.services import Services
from bot.settings import Settings, load_settings
from tests.harness import ChatHarness
from vigie.app import make_router, open_services

# The loopback web server fixture (`fakeweb`) is shared by several test modules; the Hypothesis
# profile (bounded for CI unless VIGIE_HYPOTHESIS=thorough) is loaded once for every module.
pytest_plugins = ("tests.fakeweb", "tests.hypothesis_profiles")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings pointing at a temporary database and data dir, ignoring any .env."""
    return load_settings(
        _env_file=None,
        database=tmp_path / "vigie.db",
        data_dir=tmp_path / "data",
        allow_private_urls=True,
    )


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    """Open services on the temporary store."""
    svc = await open_services(settings)
    yield svc
    await svc.store.close()


@pytest.fixture
def router(services: Services) -> Router:
    """The real router."""
    return make_router(services)


@pytest.fixture
async def team_id(services: Services) -> int:
    """The server's own team."""
    return await services.store.teams.default_team("Cabinet Test")


@pytest.fixture
async def chat(router: Router, services: Services, team_id: int) -> ChatHarness:
    """A chat already bound to the team."""
    harness = ChatHarness(router)
    await services.store.teams.bind_chat(team_id, harness.platform, harness.chat_id)
    return harness


@pytest.fixture
def stranger(router: Router) -> ChatHarness:
    """A chat bound to no team."""
    return ChatHarness(router, chat_id="stranger-9")
