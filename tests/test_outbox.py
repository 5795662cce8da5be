"""The outbox port: one reply becomes one row per chat of the team, and delivery is woken."""

from __future__ import annotations

from bot.chat.codec import decode_reply
from bot.chat.markup import b, reply
from bot.chat.types import Urgency
from bot.clock import utcnow
from bot.services import Services


async def test_post_fans_out_to_every_chat_of_the_team_and_wakes_delivery(
    services: Services, team_id: int
) -> None:
    woken: list[str] = []
    services.outbox.subscribe(lambda: woken.append("delivery"))
    await services.store.teams.bind_chat(team_id, "telegram", "-100")
    await services.store.teams.bind_chat(team_id, "slack", "C01", workspace="T01")
    other = await services.store.teams.create("Autre cabinet")
    await services.store.teams.bind_chat(other, "telegram", "-200")
    message = reply(b("📋 Rappel"), " test", urgency=Urgency.SILENT)

    queued = await services.outbox.post(team_id, "reminder", message)

    assert queued == 2 and woken == ["delivery"]
    rows = await services.store.alerts.due(utcnow())
    assert len(rows) == 2 and {r.team_id for r in rows} == {team_id}
    assert {r.kind for r in rows} == {"reminder"} and {r.urgency for r in rows} == {Urgency.SILENT}
    assert all(decode_reply(r.payload) == message for r in rows)
    assert all(r.mention_id is None for r in rows)


async def test_a_team_without_chats_queues_nothing_and_wakes_no_one(
    services: Services, team_id: int
) -> None:
    woken: list[str] = []
    services.outbox.subscribe(lambda: woken.append("delivery"))
    assert await services.outbox.post(team_id, "digest", reply("rien")) == 0
    assert woken == [] and await services.store.alerts.due(utcnow()) == []
