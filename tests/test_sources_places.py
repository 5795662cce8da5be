"""Google Places API (New) reviews, against a fake Places server on loopback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.sources import (
    ConfigError,
    ContentError,
    FetchResult,
    HttpStatusError,
    InvalidTargetError,
    RateLimitedError,
    SourceConfig,
    SourceSpec,
    SourceState,
    build_source,
    describe,
    new_client,
)
from bot.sources.text import MAX_TEXT_CHARS
from tests.fakeweb import FakeWeb

PLACE_ID = "ChIJN1t_tDeuEmsRUsoyG83frY4"
PATH = f"/v1/places/{PLACE_ID}"


@pytest.fixture
async def web_server() -> AsyncIterator[FakeWeb]:
    async with FakeWeb() as server:
        yield server


def config_for(server: FakeWeb, key: str | None = "cle-de-test") -> SourceConfig:
    return SourceConfig(
        allow_private=True, timeout_s=5.0, places_api_url=server.url("/v1"), places_api_key=key
    )


async def poll(
    server: FakeWeb, place_id: str = PLACE_ID, key: str | None = "cle-de-test"
) -> FetchResult:
    config = config_for(server, key)
    source = build_source("places", config)
    spec = SourceSpec(id=4, team_id=1, kind="places", target=place_id, watch_id=2)
    async with new_client(config) as client:
        return await source.fetch(client, spec, SourceState())


async def test_place_details_reviews(web_server: FakeWeb) -> None:
    web_server.file(PATH, "places_details.json", content_type="application/json")
    result = await poll(web_server)
    (request,) = web_server.requests
    assert request.headers["X-Goog-Api-Key"] == "cle-de-test"
    assert request.headers["X-Goog-FieldMask"] == "displayName,rating,userRatingCount,reviews"
    assert request.query == {"languageCode": "fr", "regionCode": "FR"}
    assert result.complete is False and not result.not_modified
    assert result.summary == {"name": "Cabinet de dermatologie Dupont", "rating": 4.1, "count": 87}
    first, second, third = result.mentions
    assert first.external_id == (
        "places/ChIJN1t_tDeuEmsRUsoyG83frY4/reviews/ChZDSUhNMG9nS0VJQ0FnSURYcjlXTlVREAE"
    )
    assert first.rating == 1 and second.rating == 5 and third.rating == 4
    assert first.text == (
        "Secrétariat injoignable, 2 h d'attente.\nLe médecin ne m'a pas écoutée. Je déconseille."
    )
    assert first.author == "Julie R."
    assert first.published_at == datetime(2024, 4, 25, 14, 3, 27, 482169, tzinfo=UTC)
    assert first.url is not None and first.url.startswith("https://www.google.com/maps/reviews/")
    assert first.scoped_watch_id == 2 and first.source_id == 4
    assert first.raw is not None and json.loads(first.raw)["relativePublishTimeDescription"] == (
        "il y a une semaine"
    )
    assert third.text == ""  # a rating without a comment


async def test_hostile_review_text_is_kept_literal_and_bounded(web_server: FakeWeb) -> None:
    web_server.file(PATH, "places_hostile.json", content_type="application/json")
    result = await poll(web_server)
    script, markup, stars = result.mentions
    assert len(result.mentions) == 3  # the review without a name and the non-object are skipped
    assert script.text.startswith("<script>alert('xss')</script>")  # adapters escape it
    assert script.author == '<a href="javascript:alert(1)">Anonyme</a>'
    assert "\x00" not in markup.text and "\x07" not in markup.text
    assert "<!channel>" in markup.text and "<tg-spoiler>" in markup.text
    assert markup.rating == 1 and stars.rating == 5
    assert stars.published_at is None and stars.url is None
    assert result.summary["name"] == "Cabinet <b>Dupont</b>"


async def test_100_kb_review_is_capped(web_server: FakeWeb) -> None:
    long_text = ("Très long avis. " * 7000)[:100_000]
    payload = {
        "displayName": {"text": "Cabinet"},
        "reviews": [{"name": "places/x/reviews/long", "rating": 2, "text": {"text": long_text}}],
    }
    web_server.json(PATH, payload)
    result = await poll(web_server)
    (review,) = result.mentions
    assert len(review.text) == MAX_TEXT_CHARS
    assert review.text.endswith("…")
    assert review.raw is not None and len(review.raw) > 100_000


async def test_refused_key_is_explained(web_server: FakeWeb) -> None:
    web_server.file(PATH, "places_error_key.json", content_type="application/json", status=400)
    with pytest.raises(HttpStatusError) as caught:
        await poll(web_server)
    assert caught.value.permanent
    assert "VIGIE_GOOGLE_PLACES_API_KEY" in caught.value.message
    assert "API key not valid" in caught.value.message


async def test_unknown_place_is_explained(web_server: FakeWeb) -> None:
    web_server.file(PATH, "places_error_notfound.json", content_type="application/json", status=404)
    with pytest.raises(HttpStatusError) as caught:
        await poll(web_server)
    assert f"ne connaît pas le lieu « {PLACE_ID} »" in caught.value.message
    assert "/source google" in caught.value.message


async def test_quota_exhausted_is_retried_later(web_server: FakeWeb) -> None:
    web_server.json(
        PATH,
        {"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}},
        status=429,
        headers={"Retry-After": "3600"},
    )
    with pytest.raises(RateLimitedError) as caught:
        await poll(web_server)
    assert caught.value.retry_after_s == 3600.0 and not caught.value.permanent


async def test_missing_key_never_calls_google(web_server: FakeWeb) -> None:
    with pytest.raises(ConfigError) as caught:
        await poll(web_server, key=None)
    assert web_server.count() == 0
    assert "VIGIE_GOOGLE_PLACES_API_KEY" in caught.value.message


async def test_not_json_is_a_content_error(web_server: FakeWeb) -> None:
    web_server.reply(PATH, "<html>proxy error</html>", content_type="text/html")
    with pytest.raises(ContentError) as caught:
        await poll(web_server)
    assert "JSON" in caught.value.message


def test_place_id_normalize_and_describe() -> None:
    source = build_source("places", SourceConfig())
    assert source.normalize(f" places/{PLACE_ID} ", None) == (PLACE_ID, None)
    for bad in ("../../admin", "ChIJ court", "", "x" * 600):
        with pytest.raises(InvalidTargetError) as caught:
            source.normalize(bad, None)
        assert "Exemple : /source google" in caught.value.message
    spec = SourceSpec(id=1, team_id=1, kind="places", target=PLACE_ID, watch_id=2)
    assert describe(spec) == "Google (fiche) · ChIJN1t_tDeuEms…"
    # Every 2 h keeps two listings inside Google's free Place Details allowance.
    assert source.default_interval_s == 7200 and source.interval_s == 7200
    assert build_source("places", SourceConfig(poll_interval_s=60)).interval_s == 60
