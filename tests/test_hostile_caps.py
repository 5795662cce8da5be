"""Caps per team on watches and sources: a team (or a script in its chat) cannot grow the
server's work without bound; the refusal says what the limit is and what to do."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.services import Services
from bot.settings import Settings, SettingsError, load_settings
from tests.fakeweb import FakeWeb
from tests.harness import ChatHarness
from vigie.app import make_router, open_services

FIRST_NAMES = ["Marie", "Jean", "Luc", "Anne", "Paul", "Rose", "Hugo", "Lina", "Noé", "Emma"]
LAST_NAMES = [
    "Dupont", "Martin", "Bernard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent",
    "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard",
    "André", "Mercier", "Blanc", "Guerin", "Boyer", "Garnier", "Chevalier", "Francois", "Legrand",
    "Gauthier", "Perrin", "Robin", "Clement", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu",
    "Gautier", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noel",
    "Meyer", "Dufour", "Meunier", "Brun", "Blanchard",
]  # fmt: skip


def names(count: int) -> list[str]:
    return [f"Dr {first} {last}" for last in LAST_NAMES for first in FIRST_NAMES][:count]


async def test_five_hundred_watches_in_a_row_stop_at_the_default_cap(
    chat: ChatHarness, services: Services, team_id: int
) -> None:
    cap = services.settings.max_watches_per_team
    assert 10 <= cap < 500
    answers = [await chat.text(f"/surveiller {name}, Lyon") for name in names(500)]
    accepted = [a for a in answers if a.startswith("Ajouté")]
    refused = [a for a in answers if "Limite atteinte" in a]
    assert len(accepted) == cap and len(refused) == 500 - cap
    assert f"{cap} noms" in refused[0] and "/retirer" in refused[0]
    assert "VIGIE_MAX_WATCHES_PER_TEAM" in refused[0]
    assert len(await services.store.watches.active(team_id)) == cap
    # Removing one makes room for one more, and only one.
    assert "Veille arrêtée" in await chat.text("/retirer 1")
    assert (await chat.text("/surveiller Dr Zoé Zola, Lyon")).startswith("Ajouté")
    assert "Limite atteinte" in await chat.text("/surveiller Dr Yves Yole, Lyon")


@pytest.fixture
def small_caps(tmp_path: Path) -> Settings:
    return load_settings(
        _env_file=None,
        database=tmp_path / "vigie.db",
        data_dir=tmp_path / "data",
        allow_private_urls=True,
        max_watches_per_team=2,
        max_sources_per_team=3,
    )


async def test_sources_stop_at_the_configured_cap_even_when_added_at_once(
    small_caps: Settings, fakeweb: FakeWeb
) -> None:
    services = await open_services(small_caps)
    try:
        team_id = await services.store.teams.default_team("Cabinet")
        chat = ChatHarness(make_router(services))
        await services.store.teams.bind_chat(team_id, chat.platform, chat.chat_id)
        for index in range(8):
            fakeweb.reply(f"/flux{index}", "<rss version='2.0'><channel></channel></rss>")
        answers = await asyncio.gather(
            *(chat.text(f"/source flux {fakeweb.url(f'/flux{index}')}") for index in range(8))
        )
        assert sum("Source ajoutée" in a for a in answers) == 3
        refused = [a for a in answers if "Limite atteinte" in a]
        assert len(refused) == 5
        assert "3 sources" in refused[0] and "/source retirer" in refused[0]
        assert len(await services.store.sources.active(team_id)) == 3
        watches = [await chat.text(f"/surveiller {name}") for name in names(3)]
        assert "Limite atteinte" in watches[2] and "2 noms" in watches[2]
    finally:
        await services.store.close()


@pytest.mark.parametrize("value", ["0", "-1", "1000001", "beaucoup"])
def test_an_absurd_cap_is_refused_at_start(tmp_path: Path, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, database=tmp_path / "v.db", max_sources_per_team=value)
    assert "VIGIE_MAX_SOURCES_PER_TEAM" in str(caught.value)
