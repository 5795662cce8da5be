"""From a new review online to an alert sent: real sources over loopback, real store, delivery."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from bot.chat.types import Urgency
from bot.notify.delivery import Delivery
from bot.services import Services
from bot.sources import SourceConfig
from bot.watch.monitor import Monitor
from tests.fakeweb import FakeWeb
from tests.feeds import Item, atom, places
from tests.harness import ChatHarness, MemoryTransport


def make_engines(services: Services, web_: FakeWeb) -> tuple[Monitor, Delivery, MemoryTransport]:
    transport = MemoryTransport()
    delivery = Delivery(services, {"test": transport})
    config = SourceConfig(
        allow_private=True, places_api_url=web_.base_url, places_api_key="test-key", timeout_s=3
    )
    monitor = Monitor(services, config=config, on_new_alerts=delivery.wake)
    return monitor, delivery, transport


def texts(transport: MemoryTransport) -> list[str]:
    return [reply.plain_text for _, reply in transport.sent]


def feed_route(web_: FakeWeb, path: str, items: list[Item]) -> Callable[[], None]:
    """Serve the current `items` list as Atom at `path` (mutate the list to publish)."""

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=atom(items), content_type="application/atom+xml")

    web_.route(path, handler)
    return lambda: None


async def poll_and_deliver(monitor: Monitor, delivery: Delivery) -> None:
    await services_due_now(monitor)
    await monitor.poll_due()
    await delivery.send_due()


async def services_due_now(monitor: Monitor) -> None:
    store = monitor.services.store
    for team in await store.teams.all_ids():
        await store.sources.poll_now(team)


async def test_feed_baseline_then_new_mentions_become_alerts(
    chat: ChatHarness, services: Services, fakeweb: FakeWeb
) -> None:
    monitor, delivery, transport = make_engines(services, fakeweb)
    items = [
        Item("a1", "Forum santé Lyon", "Le Dr Marie Dupont, dermatologue à Lyon, très à l'écoute."),
        Item("a2", "Forum", "Le Dr Jean Martin, généraliste à Brest, est en retard."),
    ]
    feed_route(fakeweb, "/alerts", items)
    await chat.say("/surveiller Dr Marie Dupont, dermatologue, Lyon")
    assert "Source ajoutée" in await chat.text(f"/source flux {fakeweb.url('/alerts')}")
    await poll_and_deliver(monitor, delivery)
    (baseline,) = texts(transport)
    assert "1 avis ou mentions existants" in baseline  # the homonym-free item only
    assert transport.sent[0][1].urgency is Urgency.SILENT

    items.append(
        Item(
            "a3",
            "Avis",
            "Le Dr Marie Dupont de Lyon est une incompétente et une voleuse, à fuir.",
            link="https://forum.exemple.fr/t/2",
        )
    )
    items.append(Item("a4", "Bravo", "Merci au Dr Marie Dupont, dermatologue à Lyon, parfaite !"))
    await poll_and_deliver(monitor, delivery)
    risky, happy = transport.sent[1], transport.sent[2]
    assert "Avis à risque juridique" in risky[1].plain_text
    assert "injure" in risky[1].plain_text
    assert "Délai pour agir" in risky[1].plain_text
    assert risky[1].urgency is Urgency.URGENT
    assert [b.action for b in risky[1].buttons] == [
        "capture",
        "assureur",
        "signaler",
        "repondre",
        "traite",
    ]
    assert happy[1].urgency is Urgency.SILENT
    # Nothing new: nothing sent, and the mention is stored once.
    await poll_and_deliver(monitor, delivery)
    assert len(transport.sent) == 3
    assert "#" in await chat.text("/avis risque")


async def test_places_listing_edit_and_summary(
    chat: ChatHarness, services: Services, fakeweb: FakeWeb
) -> None:
    monitor, delivery, transport = make_engines(services, fakeweb)
    reviews = [("r1", 5, "Très bien."), ("r2", 4, "Bien, un peu d'attente.")]

    async def handler(request: web.Request) -> web.Response:
        assert request.headers["X-Goog-Api-Key"] == "test-key"
        return web.json_response(places(reviews, rating=4.5))

    fakeweb.route("/places/ChIJN1t_tDeuEmsRUsoyG83frY4", handler)
    await chat.say("/surveiller Cabinet médical Dupont, Lyon")
    added = await chat.text("/source google ChIJN1t_tDeuEmsRUsoyG83frY4 pour 1")
    assert "Source ajoutée" in added
    await poll_and_deliver(monitor, delivery)
    assert "2 avis ou mentions existants, note moyenne 4,5" in texts(transport)[0]
    reviews[0] = ("r1", 1, "Finalement très déçu, accueil glacial.")
    reviews.append(("r3", 2, "Trop cher pour ce que c'est."))
    await poll_and_deliver(monitor, delivery)
    joined = "\n".join(texts(transport)[1:])
    assert "Avis modifié (★★★★★ → ★☆☆☆☆)" in joined
    assert "Trop cher" in joined
    assert all(r.urgency is Urgency.URGENT for _, r in transport.sent[1:])  # 1★ and 2★


async def test_failing_source_is_told_once_then_recovery(
    chat: ChatHarness, services: Services, fakeweb: FakeWeb
) -> None:
    monitor, delivery, transport = make_engines(services, fakeweb)
    healthy = False

    async def handler(request: web.Request) -> web.Response:
        if not healthy:
            return web.Response(status=500, text="panne")
        return web.Response(text=atom([]), content_type="application/atom+xml")

    fakeweb.route("/flaky", handler)
    await chat.say("/surveiller Dr Marie Dupont, Lyon")
    await chat.say(f"/source flux {fakeweb.url('/flaky')}")
    for _ in range(5):
        await poll_and_deliver(monitor, delivery)
    failing = [t for t in texts(transport) if "Source en échec" in t]
    assert len(failing) == 1
    assert "échec" in await chat.text("/statut")
    healthy = True
    await poll_and_deliver(monitor, delivery)
    assert any("Source rétablie" in t for t in texts(transport))


async def test_delivery_retries_in_order_and_quiet_hours_silence(
    chat: ChatHarness, services: Services, fakeweb: FakeWeb
) -> None:
    monitor, delivery, transport = make_engines(services, fakeweb)
    items: list[Item] = []
    feed_route(fakeweb, "/f", items)
    await chat.say("/surveiller Dr Marie Dupont, dermatologue, Lyon")
    await chat.say("/reglages silence 00:00-23:59")
    await chat.say(f"/source flux {fakeweb.url('/f')}")
    await poll_and_deliver(monitor, delivery)
    transport.sent.clear()
    items += [
        Item(
            "n1", "t", "Dr Marie Dupont, dermatologue à Lyon : attente trop longue, je déconseille."
        ),
        Item("n2", "t", "Dr Marie Dupont, dermatologue à Lyon : tarifs trop élevés, déçue."),
    ]
    transport.fail_next = 2
    await services_due_now(monitor)
    await monitor.poll_due()
    await delivery.send_due()
    assert transport.sent == []  # the first alert failed, the second waits behind it
    import asyncio

    for _ in range(50):
        await asyncio.sleep(0.05)
        await delivery.send_due()
        if len(transport.sent) == 2:
            break
    first, second = (r.plain_text for _, r in transport.sent)
    assert "attente" in first and "tarifs" in second
    # Negative (normal) alerts are silenced during quiet hours.
    assert all(r.urgency is Urgency.SILENT for _, r in transport.sent)
    bound = await services.store.teams.chat("test", chat.chat_id)
    assert bound is not None
    assert (await services.store.alerts.counts(bound.team_id)).get("pending", 0) == 0
