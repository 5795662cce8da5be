"""Miss no new review: a Google listing whose count grows (or whose rating moves) with no new
review among the five returned raises one « avis non visibles » alert per change, never on a
re-ranking; a falling average is its own alert; the same holds for a page's AggregateRating.
Real monitor, store and outbox; a fake Places API and real delivery to Telegram."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp import web

from adapters.plain import render_plain
from bot.chat.codec import decode_reply
from bot.notify.delivery import Delivery
from bot.router import Router
from bot.services import Services
from bot.watch.monitor import Monitor
from tests.fake_google_apis import FakeGoogle, FakePlace
from tests.fake_telegram import LIMITS, FakeTelegram, make_adapter, running
from tests.fakeweb import FakeWeb
from tests.google_chats import GROUP, google, settings
from tests.harness import ChatHarness

__all__ = ["google", "settings"]

PLACE = "ChIJDupontLyon0000000001"
HIDDEN = "nouveaux avis sur la fiche Google, dont le texte n'est pas visible par l'API"


def listing(google: FakeGoogle) -> FakePlace:
    place = google.add_place(PLACE, "Cabinet Dupont", rating=4.2, count=87)
    for n, (stars, text) in enumerate(
        [(5, "Très bien."), (4, "Bon accueil."), (5, "Parfait."), (3, "Correct."), (5, "Top.")]
    ):
        place.review(f"r{n}", stars, text)
    return place


async def poll(services: Services, monitor: Monitor, team_id: int) -> None:
    await services.store.sources.poll_now(team_id)
    outcomes = await monitor.poll_due()
    assert all(o.error is None for o in outcomes), outcomes


async def queued(services: Services, team_id: int, kind: str) -> list[str]:
    rows = await services.store.db.fetchall(
        "SELECT payload FROM alerts WHERE team_id = ? AND kind = ? ORDER BY id", (team_id, kind)
    )
    return [render_plain(decode_reply(str(r["payload"]))) for r in rows]


async def test_hidden_reviews_told_once_per_change_never_on_reranking(
    chat: ChatHarness, services: Services, team_id: int, google: FakeGoogle
) -> None:
    place = listing(google)
    await chat.say("/surveiller Cabinet Dupont, Lyon")
    await chat.say(f"/source google {PLACE} pour 1")
    monitor = Monitor(services)
    await poll(services, monitor, team_id)  # baseline: figures kept, nothing told
    assert await queued(services, team_id, "hidden_reviews") == []

    place.reviews.reverse()  # Google re-ranks its five « most relevant » reviews
    await poll(services, monitor, team_id)
    assert await queued(services, team_id, "hidden_reviews") == []
    assert await queued(services, team_id, "new") == []

    place.count, place.rating = 89, 4.1  # two reviews Google does not show
    await poll(services, monitor, team_id)
    [alert] = await queued(services, team_id, "hidden_reviews")
    assert f"2 {HIDDEN}" in alert
    assert "Note : 4,2★ → 4,1★ · 87 → 89 avis" in alert
    assert f"<https://www.google.com/maps/place/?q=place_id:{PLACE}>" in alert
    assert "vigie google connecter" in alert and "Business Profile" in alert
    for _ in range(3):  # the same figures again: nothing more
        await poll(services, monitor, team_id)
    assert len(await queued(services, team_id, "hidden_reviews")) == 1

    place.count = 90  # one more review, and this one is among those returned
    place.review("r-new", 2, "Secrétariat désagréable.")
    await poll(services, monitor, team_id)
    assert len(await queued(services, team_id, "hidden_reviews")) == 1
    assert len(await queued(services, team_id, "new")) == 1

    place.count, place.rating = 93, 3.9  # three hidden, and the average falls
    await poll(services, monitor, team_id)
    hidden = await queued(services, team_id, "hidden_reviews")
    assert len(hidden) == 2 and f"3 {HIDDEN}" in hidden[1]
    [falling] = await queued(services, team_id, "rating_falling")
    assert "La note moyenne de la fiche Google baisse : 4,2★ → 3,9★ sur 30 jours." in falling
    await poll(services, monitor, team_id)
    assert len(await queued(services, team_id, "rating_falling")) == 1


async def test_rating_moving_without_a_new_review_is_told(
    chat: ChatHarness, services: Services, team_id: int, google: FakeGoogle
) -> None:
    place = listing(google)
    await chat.say("/surveiller Cabinet Dupont, Lyon")
    await chat.say(f"/source google {PLACE} pour 1")
    monitor = Monitor(services)
    await poll(services, monitor, team_id)
    place.rating = 4.3  # a hidden review was edited, or one removed and one added
    await poll(services, monitor, team_id)
    [alert] = await queued(services, team_id, "hidden_reviews")
    assert "La note de la fiche Google a changé sans nouvel avis visible" in alert
    assert "4,2★ → 4,3★" in alert


async def test_page_aggregate_rating_growing_raises_the_same_alert(
    chat: ChatHarness, services: Services, team_id: int, fakeweb: FakeWeb
) -> None:
    count = {"n": 2}

    async def page(request: web.Request) -> web.Response:
        html = (
            "<html><body><div itemscope itemtype='https://schema.org/Physician'>"
            "<div itemprop='aggregateRating' itemscope itemtype='https://schema.org/AggregateRating'>"
            "<meta itemprop='ratingValue' content='4.5'>"
            f"<meta itemprop='reviewCount' content='{count['n']}'>"
            "</div>"
            "<div id='a1' itemprop='review' itemscope itemtype='https://schema.org/Review'>"
            "<span itemprop='author'>Léa</span><meta itemprop='ratingValue' content='5'>"
            "<p itemprop='reviewBody'>Très à l'écoute.</p></div></div></body></html>"
        )
        return web.Response(text=html, content_type="text/html")

    fakeweb.route("/dr-dupont", page)
    await chat.say("/surveiller Dr Marie Dupont, Lyon")
    assert "Source ajoutée" in await chat.text(f"/source page {fakeweb.url('/dr-dupont')} pour 1")
    monitor = Monitor(services)
    await poll(services, monitor, team_id)
    count["n"] = 5
    await poll(services, monitor, team_id)
    [alert] = await queued(services, team_id, "hidden_reviews")
    assert (
        "3 nouveaux avis sur la page 127.0.0.1, dont le texte n'est pas affiché sur la page"
        in alert
    )
    assert "2 → 5 avis" in alert and fakeweb.url("/dr-dupont") in alert


async def test_the_alert_reaches_telegram(
    router: Router, services: Services, team_id: int, google: FakeGoogle
) -> None:
    place = listing(google)
    fake = await FakeTelegram(limits=LIMITS).start()
    adapter = make_adapter(router, fake)
    delivery = Delivery(services, {"telegram": adapter})
    monitor = Monitor(services, on_new_alerts=delivery.wake)
    try:
        async with running(adapter):
            task = asyncio.create_task(delivery.run())
            try:
                code = await services.store.teams.create_invite(team_id, ttl=timedelta(hours=1))
                fake.say(GROUP, f"/rejoindre {code}")
                await fake.wait_for(lambda c: c.chat_id == GROUP and "reçoit désormais" in c.text)
                fake.say(GROUP, "/surveiller Cabinet Dupont, Lyon")
                fake.say(GROUP, f"/source google {PLACE} pour 1")
                await fake.wait_for(lambda c: c.chat_id == GROUP and "Source ajoutée" in c.text)
                await poll(services, monitor, team_id)
                place.count = 88
                await poll(services, monitor, team_id)
                [call] = await fake.wait_for(lambda c: c.chat_id == GROUP and HIDDEN[10:] in c.text)
                assert "1 nouvel avis sur la fiche Google" in call.text
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
    finally:
        await fake.stop()


def test_falling_average_window_and_rearming() -> None:
    from datetime import date

    from bot.sources.listing_stats import FallingAverage, compare

    day = date(2026, 11, 1)
    _, kept = compare(None, {"count": 10, "rating": 4.6}, new_visible=0, today=day)
    # 40 days later the 4.6 has left the 30-day window: 4.3 is no fall within it.
    events, kept = compare(
        kept, {"count": 10, "rating": 4.3}, new_visible=0, today=date(2026, 12, 11)
    )
    assert not any(isinstance(e, FallingAverage) for e in events)
    events, kept = compare(
        kept, {"count": 10, "rating": 4.1}, new_visible=0, today=date(2026, 12, 12)
    )
    assert [e for e in events if isinstance(e, FallingAverage)] == [FallingAverage(4.3, 4.1, 30)]
    events, kept = compare(
        kept, {"count": 10, "rating": 4.1}, new_visible=0, today=date(2026, 12, 13)
    )
    assert events == []  # told once
    _, kept = compare(kept, {"count": 10, "rating": 4.3}, new_visible=0, today=date(2026, 12, 14))
    events, _ = compare(kept, {"count": 10, "rating": 4.0}, new_visible=0, today=date(2026, 12, 15))
    assert any(isinstance(e, FallingAverage) for e in events)  # recovered, then fell again
    assert compare(None, {"name": "x"}, new_visible=0, today=day) == ([], None)


def test_listing_figures_survive_the_state_round_trip() -> None:
    from bot.sources import SourceState

    state = SourceState(etag='"x"', listing={"count": 3, "rating": 4.5, "samples": []})
    assert SourceState.from_json(state.to_json()) == state
    assert SourceState.from_json('{"listing": [1]}') == SourceState()


async def test_business_profile_lists_everything_so_nothing_is_hidden(
    chat: ChatHarness, services: Services, team_id: int, google: FakeGoogle
) -> None:
    from tests.google_chats import business_review

    await business_review(services, team_id, google)
    [location] = google.locations.values()
    location.reviews[0]["starRating"] = "ONE"  # the author edits the review: average moves
    monitor = Monitor(services)
    await poll(services, monitor, team_id)
    assert len(await queued(services, team_id, "edited")) == 1
    assert await queued(services, team_id, "hidden_reviews") == []


async def test_an_english_team_reads_the_alert_in_english(
    chat: ChatHarness, services: Services, team_id: int, google: FakeGoogle
) -> None:
    import dataclasses

    settings = await services.store.teams.settings(team_id)
    await services.store.teams.save_settings(dataclasses.replace(settings, language="en"))
    place = listing(google)
    await chat.say("/surveiller Cabinet Dupont, Lyon")
    await chat.say(f"/source google {PLACE} pour 1")
    monitor = Monitor(services)
    await poll(services, monitor, team_id)
    place.count = 90
    await poll(services, monitor, team_id)
    [alert] = await queued(services, team_id, "hidden_reviews")
    assert "3 new reviews on the Google listing, whose text is not visible to the API" in alert
    assert "avis" not in alert and "fiche" not in alert
