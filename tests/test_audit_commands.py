"""/bilan and the weekly digest through the real router, monitor and store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiohttp import web
from PIL import Image

from bot.chat.codec import decode_reply
from bot.chat.types import Urgency
from bot.notify.weekly import send_due_digests
from bot.services import Services
from tests.fakeweb import FakeWeb
from tests.feeds import Item, atom
from tests.harness import ChatHarness
from tests.test_monitor import make_engines


async def test_audit_polls_sources_then_reports_with_charts(
    chat: ChatHarness, services: Services, fakeweb: FakeWeb
) -> None:
    make_engines(services, fakeweb)
    items = [
        Item("b1", "Forum", "Le Dr Marie Dupont, dermatologue à Lyon, est une incompétente."),
        Item("b2", "Forum", "Le Dr Marie Dupont, dermatologue à Lyon : accueil parfait."),
    ]

    async def handler(request: web.Request) -> web.Response:
        return web.Response(text=atom(items), content_type="application/atom+xml")

    fakeweb.route("/bilan-feed", handler)
    fakeweb.reply("/broken", "nope", status=500)
    await chat.say("/surveiller Dr Marie Dupont, dermatologue, Lyon")
    await chat.say(f"/source flux {fakeweb.url('/bilan-feed')}")
    await chat.say(f"/source flux {fakeweb.url('/broken')}")
    replies = await chat.say("/bilan")
    progress = "\n".join(r.plain_text for r in chat.progress)
    assert "interrogation de 2 source(s)" in progress
    assert "1 OK, 1 en échec, 2 nouvel(s) avis" in progress
    summary, web_part = replies
    assert "Recherche sur le web : non faite" in web_part.plain_text
    text = summary.plain_text
    assert "Marie Dupont" in text
    images = [a for a in summary.attachments if a.is_image]
    assert images  # the monthly chart; the rating chart needs star ratings
    for image in images:
        with Image.open(image.path) as picture:
            assert picture.size[0] > 100
    html = next(a for a in summary.attachments if a.filename.endswith(".html"))
    page = html.path.read_text(encoding="utf-8")
    assert "/source actus 1" in page  # the suggested search for a name with no news feed
    assert "500" in page or "échec" in page


async def test_weekly_digest_is_queued_once_on_its_slot(
    chat: ChatHarness, services: Services, team_id: int
) -> None:
    now = datetime.now(UTC).astimezone(services.settings.tz)
    slot = now - timedelta(minutes=5)
    day = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")[slot.weekday()]
    await chat.say(f"/reglages resume {day} {slot:%H:%M}")
    await services.store.teams.set_digest_sent(team_id, datetime.now(UTC) - timedelta(days=7))
    assert await send_due_digests(services) == 1
    assert await send_due_digests(services) == 0
    (row,) = await services.store.alerts.due(datetime.now(UTC) + timedelta(seconds=1))
    digest = decode_reply(row.payload)
    assert digest.urgency is Urgency.SILENT
    assert row.kind == "digest"
