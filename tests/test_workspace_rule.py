"""The core router's access rule: a chat bound from a workspace answers that workspace alone."""

from __future__ import annotations

from datetime import timedelta

from bot.chat.types import Incoming
from bot.router import Router
from bot.services import Services
from tests.harness import ChatHarness


async def test_a_chat_answers_only_the_workspace_it_was_bound_from(
    router: Router, services: Services, team_id: int
) -> None:
    home = ChatHarness(router, chat_id="C1", workspace="T-HOME")
    await services.store.teams.bind_chat(team_id, home.platform, "C1", workspace="T-HOME")
    guest = ChatHarness(router, chat_id="C1", workspace="T-GUEST")

    refused = await guest.text("/surveiller Dr Marie Dupont, Lyon")
    assert refused.startswith("Demande refusée") and "/rejoindre CODE" in refused
    assert await services.store.watches.active(team_id) == []
    assert "Demande refusée" in await guest.text("")  # nothing at all, not even the welcome

    accepted = await home.text("/surveiller Dr Marie Dupont, Lyon")
    assert "Demande refusée" not in accepted
    assert len(await services.store.watches.active(team_id)) == 1


async def test_the_guest_workspace_may_still_join_with_a_code(
    router: Router, services: Services, team_id: int
) -> None:
    await services.store.teams.bind_chat(team_id, "test", "C1", workspace="T-HOME")
    guest = ChatHarness(router, chat_id="C1", workspace="T-GUEST")
    code = await services.store.teams.create_invite(team_id, ttl=timedelta(hours=1))
    answer = await guest.text(f"/rejoindre {code}")
    assert "Demande refusée" not in answer
    assert await services.store.teams.chat_workspace("test", "C1") == "T-GUEST"
    rebound = Incoming(platform="test", chat_id="C1", user_id="u", workspace_id="T-GUEST")
    assert await router.member_chat(rebound) is not None
