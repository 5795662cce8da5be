"""`/statut` shows Google calls per source and day and the month's Places cost against the free
allowance; the default polling interval keeps a practice's listings inside it."""

from __future__ import annotations

from bot.services import Services
from bot.sources import SourceConfig, build_source
from bot.sources.google_usage import (
    DETAILS_FREE_PER_MONTH,
    UsageReport,
    monthly_calls,
)
from bot.watch.monitor import Monitor
from tests.fake_google_apis import FakeGoogle
from tests.google_chats import google, settings
from tests.harness import ChatHarness

__all__ = ["google", "settings"]

PLACE = "ChIJDupontLyon0000000001"


async def test_statut_counts_google_calls_and_estimates_the_month(
    chat: ChatHarness, services: Services, team_id: int, google: FakeGoogle
) -> None:
    google.add_place(PLACE, "Cabinet Dupont", rating=4.2, count=87)
    google.searches["cabinet dupont lyon"] = [PLACE]
    await chat.say("/surveiller Cabinet Dupont, Lyon")
    await chat.say("/source google Cabinet Dupont Lyon")
    await chat.say("/choisir 1")
    monitor = Monitor(services)
    for _ in range(3):
        await services.store.sources.poll_now(team_id)
        await monitor.poll_due()
    assert len(google.calls_to("/places/v1/places/")) == 3
    text = await chat.text("/statut")
    assert "Google : 3 appel(s) aujourd'hui, 0,4 par jour en moyenne (7 j)" in text
    assert (
        "Google Places ce mois-ci : 3 appel(s) de fiche pour l'équipe, 3 pour tout le serveur"
        in text
    )
    assert "1 recherche(s) de fiche" in text
    assert f"pour {DETAILS_FREE_PER_MONTH} gratuits → dans l'offre gratuite" in text


def test_default_interval_keeps_two_listings_in_the_free_allowance() -> None:
    places = build_source("places", SourceConfig())
    per_listing = monthly_calls(places.interval_s)
    assert per_listing == 365  # every 2 h over an average month (30.4 days)
    assert 2 * per_listing < DETAILS_FREE_PER_MONTH < 3 * per_listing
    business = build_source("business", SourceConfig())
    assert business.interval_s == 1800  # Business Profile is not billed (a quota only)


def test_cost_beyond_the_free_allowance() -> None:
    report = UsageReport(
        sources={},
        team_details_month=0,
        server_details_month=0,
        server_searches_month=1_200,
        details_projected=3_000,
        searches_projected=1_200,
    )
    # 2,000 Place Details calls at $25/1000, 200 Text Search calls at $35/1000.
    assert report.estimated_usd == 2_000 * 25 / 1000 + 200 * 35 / 1000
