"""Web pages through the real monitor: an edited review is « avis modifié » with before and after
(not new + vanished), a vanished one is marked in /avis and the removal message names the page,
one that comes back is the same review, and items stored under text hashes keep their history."""

from __future__ import annotations

from aiohttp import web

from adapters.plain import render_plain
from bot.chat.codec import decode_reply
from bot.services import Services
from bot.watch.monitor import Monitor
from tests.fakeweb import FakeWeb
from tests.harness import ChatHarness


def page(items: list[tuple[str | None, str]]) -> str:
    blocks = "".join(
        f'<div class="avis"{f" id={key!r}" if key else ""}><p>{text}</p></div>'
        for key, text in items
    )
    return f"<html><body>{blocks}</body></html>"


async def alerts(services: Services, team_id: int, kind: str) -> list[str]:
    rows = await services.store.db.fetchall(
        "SELECT payload FROM alerts WHERE team_id = ? AND kind = ? ORDER BY id", (team_id, kind)
    )
    return [render_plain(decode_reply(str(r["payload"]))) for r in rows]


async def poll(services: Services, monitor: Monitor, team_id: int) -> None:
    await services.store.sources.poll_now(team_id)
    outcomes = await monitor.poll_due()
    assert all(o.error is None for o in outcomes), outcomes


async def test_edit_vanish_and_return_of_a_page_review(
    chat: ChatHarness, services: Services, team_id: int, fakeweb: FakeWeb
) -> None:
    items: list[tuple[str | None, str]] = [
        ("r-1", "Le Dr Dupont est très à l'écoute."),
        ("r-2", "Accueil correct chez le Dr Dupont."),
    ]

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=page(items), content_type="text/html")

    fakeweb.route("/avis", handler)
    await chat.say("/surveiller Dr Marie Dupont, Lyon")
    assert "Source ajoutée" in await chat.text(f"/source page {fakeweb.url('/avis')} .avis pour 1")
    monitor = Monitor(services)
    await poll(services, monitor, team_id)

    items[0] = ("r-1", "Le Dr Dupont m'a finalement déçue, je déconseille.")
    await poll(services, monitor, team_id)
    [edited] = await alerts(services, team_id, "edited")
    assert "✏️ Avis modifié" in edited
    assert "m'a finalement déçue" in edited
    assert "Avant la modification :\n> Le Dr Dupont est très à l'écoute." in edited
    assert await alerts(services, team_id, "new") == []
    assert await alerts(services, team_id, "vanished") == []

    removed = items.pop(1)
    await poll(services, monitor, team_id)
    [vanished] = await alerts(services, team_id, "vanished")
    assert "n'apparaît plus sur la page 127.0.0.1." in vanished and "la fiche" not in vanished
    listing = await chat.text("/avis")
    assert "Accueil correct" in listing and "🗑️ N'apparaît plus en ligne (constaté le" in listing

    items.append(removed)  # back online: the same review, not a new one
    await poll(services, monitor, team_id)
    assert await alerts(services, team_id, "new") == []
    assert "N'apparaît plus en ligne" not in await chat.text("/avis")


async def test_items_stored_under_text_hashes_keep_their_history(
    chat: ChatHarness, services: Services, team_id: int, fakeweb: FakeWeb
) -> None:
    items: list[tuple[str | None, str]] = [
        (None, "Le Dr Dupont est très à l'écoute."),
        (None, "Accueil correct chez le Dr Dupont."),
    ]

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=page(items), content_type="text/html")

    fakeweb.route("/avis", handler)
    await chat.say("/surveiller Dr Marie Dupont, Lyon")
    await chat.say(f"/source page {fakeweb.url('/avis')} .avis pour 1")
    monitor = Monitor(services)
    await poll(services, monitor, team_id)
    before = {m.id: m.external_id for m in await services.store.mentions.latest(team_id)}
    assert all(key.startswith("sha256:") for key in before.values())

    items[:] = [("r-1", items[0][1]), ("r-2", items[1][1])]  # the site now gives ids
    await poll(services, monitor, team_id)
    after = {m.id: m.external_id for m in await services.store.mentions.latest(team_id)}
    assert sorted(after.values()) == ["id:r-1", "id:r-2"] and after.keys() == before.keys()
    for kind in ("new", "vanished", "edited"):
        assert await alerts(services, team_id, kind) == []
