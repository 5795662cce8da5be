"""Social sources, spreading criticism, waves and the web inventory in real Telegram and Slack.

Real python-telegram-bot against the fake Bot API, the real Bolt app in HTTP mode against the
fake Slack Web API, the real monitor and delivery tasks, and the social fakes on loopback.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.slack import SlackAdapter
from adapters.telegram import TelegramAdapter
from bot.notify.delivery import Delivery
from bot.router import Router
from bot.services import Services
from bot.settings import Settings
from bot.watch.monitor import Monitor
from tests import slack_app
from tests.fake_slack import CHANNEL, FakeSlack, SlackUser
from tests.fake_social import (
    FakeSocial,
    bluesky_post,
    brave_result,
    mastodon_status,
    reddit_post,
    social_settings,
)
from tests.fake_telegram import LIMITS, FakeTelegram, make_adapter, running
from tests.test_cases_grouping import ORIGINAL, PLACE, serve_listing

# The real Slack adapter in HTTP mode on the fake Web API (shared fixtures).
fake_slack = slack_app.fake_slack
slack = slack_app.slack
user = slack_app.user

GROUP = -1005550042


@pytest.fixture
async def social() -> AsyncIterator[FakeSocial]:
    async with FakeSocial() as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path, social: FakeSocial) -> Settings:
    extra: dict[str, Any] = {
        "youtube_api_key": None,
        "google_places_api_url": social.web.url("/places-api"),
        "google_places_api_key": "cle-places",
    }
    return social_settings(tmp_path, social, extra)


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram(limits=LIMITS).start()
    yield server
    await server.stop()


async def test_telegram_copies_across_networks_give_one_full_alert_and_two_short_ones(
    router: Router,
    services: Services,
    team_id: int,
    telegram: FakeTelegram,
    social: FakeSocial,
) -> None:
    social.mastodon_tag("MarieDupont", [])
    adapter: TelegramAdapter = make_adapter(router, telegram)
    delivery = Delivery(services, {"telegram": adapter})
    monitor = Monitor(services, on_new_alerts=delivery.wake)

    def said(text: str) -> Any:
        return lambda c: c.chat_id == GROUP and text in c.text

    async with running(adapter):
        tasks = [asyncio.create_task(monitor.run()), asyncio.create_task(delivery.run())]
        try:
            code = await services.store.teams.create_invite(team_id, ttl=timedelta(hours=1))
            telegram.say(GROUP, f"/rejoindre {code}")
            await telegram.wait_for(said("reçoit désormais"))
            telegram.say(GROUP, "/surveiller Dr Marie Dupont, dermatologue, Lyon")
            telegram.say(GROUP, "/source reseaux 1")
            [added] = await telegram.wait_for(said("Réseaux sociaux pour"))
            assert "YouTube : clé d'API absente" in added.text
            assert "VIGIE_YOUTUBE_API_KEY" in added.text
            await telegram.wait_for(said("existants"), count=3, within=10)

            social.reddit_posts.append(reddit_post("orig", "Dermato Lyon", ORIGINAL))
            await services.store.sources.poll_now(team_id)
            monitor.wake()
            await telegram.wait_for(said("Avis à risque juridique"), within=10)

            social.bluesky_posts.append(bluesky_post("3cp", ORIGINAL.replace("Fuyez", "Évitez")))
            await services.store.sources.poll_now(team_id)
            monitor.wake()
            await telegram.wait_for(said("Repris sur 2 sites"), within=10)

            html = f"<p>#MarieDupont « {ORIGINAL[:150]} »</p>"
            social.mastodon_tag("MarieDupont", [mastodon_status("77", html)])
            await services.store.sources.poll_now(team_id)
            monitor.wake()
            [third] = await telegram.wait_for(said("Repris sur 3 sites"), within=10)
            assert "mastodon.social" in third.text
            full = [c for c in telegram.calls if said("Avis à risque juridique")(c)]
            assert len(full) == 1  # one full alert, then two short ones
            buttons = [label for label, _ in third.buttons]
            assert "📁 Dossier" in buttons
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


def slack_text(message: dict[str, Any]) -> str:
    parts = [message.get("text", "")]
    for block in message.get("blocks") or []:
        if block["type"] == "section":
            parts.append(block["text"]["text"])
    return "\n".join(parts)


async def test_slack_wave_is_one_message_and_bilan_lists_the_web(
    router: Router,
    services: Services,
    team_id: int,
    slack: SlackAdapter,
    fake_slack: FakeSlack,
    user: SlackUser,
    social: FakeSocial,
) -> None:
    now = datetime.now(UTC)
    reviews = [("ok", 5, "Parfait.", now - timedelta(days=40))]
    serve_listing(social, reviews)
    social.brave_results['"Marie Dupont"'] = [
        brave_result("https://www.pagesjaunes.fr/pros/123", "Dupont Marie - Dermatologue",
                     "Avis et horaires du Dr Marie Dupont, dermatologue à Lyon."),
        brave_result("https://www.youtube.com/watch?v=abc", "Chez la dermato",
                     "Ma consultation chez le Dr Marie Dupont."),
    ]  # fmt: skip
    delivery = Delivery(services, {"slack": slack})
    monitor = Monitor(services, on_new_alerts=delivery.wake)
    code = await services.store.teams.create_invite(team_id, ttl=timedelta(hours=1))
    for command in (
        f"rejoindre {code}",
        "surveiller Dr Marie Dupont, dermatologue, Lyon",
        f"source google {PLACE} pour 1",
    ):
        assert (await user.command(command)).status == 200
        await slack.dispatcher.drain()
    await services.store.sources.poll_now(team_id)
    await monitor.poll_due()
    await delivery.send_due()
    before = len(fake_slack.messages(CHANNEL))
    for n in range(4):
        reviews.append((f"w{n}", 1, f"Arnaque ({n}).", now - timedelta(minutes=30 - n)))
    await services.store.sources.poll_now(team_id)
    await monitor.poll_due()
    await delivery.send_due()
    new = fake_slack.messages(CHANNEL)[before:]
    assert len(new) == 1  # one grouped alert for four reviews
    assert "Vague d'avis négatifs" in slack_text(new[0])
    assert "4 avis négatifs" in slack_text(new[0])

    before = len(fake_slack.messages(CHANNEL))
    assert (await user.command("bilan")).status == 200
    await slack.dispatcher.drain()
    shown = "\n".join(slack_text(m) for m in fake_slack.messages(CHANNEL)[before:])
    assert "Ce que le web montre" in shown
    assert "Sites d'avis et annuaires" in shown and "Réseaux sociaux et vidéo" in shown
    assert "`/vigie source reseaux 1`" in shown  # Slack's own command syntax
    assert "`/vigie source page https://www.pagesjaunes.fr/pros/123 pour 1`" in shown
    assert social.count("/brave/res/v1/web/search") == 1
