"""A monitor facing hostile sources at once: none stops the others, each is reported plainly."""

from __future__ import annotations

from aiohttp import web

from bot.services import Services
from bot.sources import SourceConfig
from bot.watch.monitor import Monitor
from tests.fakeweb import FakeWeb, data_file
from tests.feeds import Item, atom
from tests.harness import ChatHarness

HOSTILE = (
    '<script>alert("x")</script> <b>gras</b> *gras* _it_ <!channel> <@U123> '
    "[lien](https://evil.example) Le Dr Marie Dupont, dermatologue à Lyon, est une voleuse. "
)


async def test_one_poll_over_hostile_sources(
    chat: ChatHarness, services: Services, team_id: int, fakeweb: FakeWeb
) -> None:
    fakeweb.reply("/malformed", data_file("feed_malformed.xml"), content_type="application/xml")
    fakeweb.reply("/laughs", data_file("feed_billion_laughs.xml"), content_type="application/xml")
    fakeweb.stream("/huge", 50 * 1024 * 1024, content_type="application/atom+xml")
    fakeweb.hang("/hang")
    fakeweb.reply("/error", "panne", status=500)
    fakeweb.reply("/slow-down", "trop vite", status=429, headers={"Retry-After": "120"})
    fakeweb.redirect("/moved", fakeweb.url("/good"))
    fakeweb.reply("/latin1", data_file("feed_latin1.xml"), content_type="application/rss+xml")

    async def good(request: web.Request) -> web.Response:
        items = [
            Item("h1", "Forum", HOSTILE + "x" * 100_000),
            Item("h2", "Forum", "Le Dr Marie Dupont, dermatologue à Lyon, très douce."),
        ]
        return web.Response(text=atom(items), content_type="application/atom+xml")

    fakeweb.route("/good", good)
    await chat.say("/surveiller Dr Marie Dupont, dermatologue, Lyon")
    paths = ["/malformed", "/laughs", "/huge", "/hang", "/error", "/slow-down", "/moved", "/latin1"]
    for path in paths:
        assert "Source ajoutée" in await chat.text(f"/source flux {fakeweb.url(path)}")
    monitor = Monitor(services, config=SourceConfig(allow_private=True, timeout_s=2))
    outcomes = {o.source_id: o for o in await monitor.poll_due()}
    rows = {r.target.rsplit("/", 1)[-1]: r for r in await services.store.sources.active(team_id)}
    assert len(outcomes) == len(paths)
    # The redirected feed was read, and its hostile review stored as data, capped.
    moved = rows["moved"]
    assert outcomes[moved.id].error is None and outcomes[moved.id].new == 2
    (hostile,) = await services.store.mentions.latest(team_id, risky_only=True)
    # Feed HTML is reduced to text (the script is gone); chat markup stays inert data that
    # each adapter escapes; the 100 KB text is capped.
    assert "<script>" not in hostile.text and "<!channel>" in hostile.text
    assert len(hostile.text) <= 20_001
    # Each broken source has a failure recorded with a French message; the 429 is respected.
    for name in ("hang", "error", "slow-down", "huge"):
        row = rows[name]
        assert row.consecutive_failures == 1 and row.last_error, name
        assert outcomes[row.id].error
    slowed = rows["slow-down"]
    assert slowed.next_poll_at is not None and slowed.last_poll_at is not None
    assert (slowed.next_poll_at - slowed.last_poll_at).total_seconds() >= 119
    # Unreadable feeds are reported, never expanded or crashing.
    for name in ("malformed", "laughs"):
        assert outcomes[rows[name].id].error or outcomes[rows[name].id].new == 0
    status = await chat.text("/statut")
    assert "échec" in status and "Vigie" in status
