"""Google Business Profile reviews with OAuth, against fake Google servers on loopback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from urllib.parse import parse_qs

import pytest
from aiohttp import web

from bot.sources import (
    ConfigError,
    FetchResult,
    HttpStatusError,
    InvalidTargetError,
    ServerError,
    SourceConfig,
    SourceSpec,
    SourceState,
    build_source,
    describe,
    new_client,
)
from bot.sources.business import BusinessSource
from tests.fakeweb import FakeWeb, data_file, responder

LOCATION = "accounts/1234/locations/5678"
REVIEWS = f"/v4/{LOCATION}/reviews"
TOKEN = "ya29.a0AfB_byExempleDeJetonDAcces"


@pytest.fixture
async def web_server() -> AsyncIterator[FakeWeb]:
    async with FakeWeb() as server:
        yield server


def config_for(
    server: FakeWeb, *, refresh_token: str | None = "1//jeton-actualisation"
) -> SourceConfig:
    return SourceConfig(
        allow_private=True,
        timeout_s=5.0,
        business_api_url=server.url("/v4"),
        oauth_token_url=server.url("/token"),
        google_client_id="client-id.apps.googleusercontent.com",
        google_client_secret="secret-client",
        google_refresh_token=refresh_token,
    )


SPEC = SourceSpec(id=5, team_id=1, kind="business", target=LOCATION, watch_id=2)


async def paginated(request: web.Request) -> web.StreamResponse:
    """Page 1 without a token, page 2 with the token page 1 gave; refuses a wrong bearer."""
    if request.headers.get("Authorization") != f"Bearer {TOKEN}":
        return web.json_response({"error": {"code": 401, "status": "UNAUTHENTICATED"}}, status=401)
    name = (
        "business_reviews_page2.json"
        if request.query.get("pageToken") == "CAIQAA"
        else ("business_reviews_page1.json")
    )
    return web.Response(body=data_file(name), content_type="application/json")


async def poll(source: BusinessSource, server: FakeWeb) -> FetchResult:
    async with new_client(source.config) as client:
        return await source.fetch(client, SPEC, SourceState())


def business(server: FakeWeb, **kwargs: str | None) -> BusinessSource:
    source = build_source("business", config_for(server, **kwargs))
    assert isinstance(source, BusinessSource)
    return source


async def test_all_pages_with_oauth(web_server: FakeWeb) -> None:
    web_server.file("/token", "oauth_token.json", content_type="application/json")
    web_server.route(REVIEWS, paginated)
    result = await poll(business(web_server), web_server)

    (token_request,) = web_server.requests_to("/token")
    form = {k: v[0] for k, v in parse_qs(token_request.body.decode()).items()}
    assert token_request.method == "POST"
    assert form == {
        "grant_type": "refresh_token",
        "client_id": "client-id.apps.googleusercontent.com",
        "client_secret": "secret-client",
        "refresh_token": "1//jeton-actualisation",
    }
    first_page, second_page = web_server.requests_to(REVIEWS)
    assert first_page.query == {"pageSize": "50", "orderBy": "updateTime desc"}
    assert second_page.query["pageToken"] == "CAIQAA"

    assert result.complete is True
    assert result.summary == {"name": None, "rating": 4.2, "count": 3, "calls": 2}  # 2 pages
    assert [m.rating for m in result.mentions] == [2, 5, None]
    first, anonymous, translated = result.mentions
    assert first.external_id == f"{LOCATION}/reviews/AbFvOqmX1b2c3d4e5f6g7h8i9j0"
    assert first.text == "Rendez-vous annulé la veille sans explication.\n\nDéçue."
    assert first.author == "Nathalie Girard"
    assert first.published_at == datetime(2024, 5, 1, 9, 12, 44, 123456, tzinfo=UTC)
    assert first.scoped_watch_id == 2 and first.source_id == 5
    assert anonymous.author is None and anonymous.text == ""
    assert anonymous.raw is not None
    assert json.loads(anonymous.raw)["reviewReply"]["comment"] == "Merci pour votre retour."
    assert "(Original)" in translated.text


async def test_access_token_is_reused_between_polls(web_server: FakeWeb) -> None:
    web_server.file("/token", "oauth_token.json", content_type="application/json")
    web_server.route(REVIEWS, paginated)
    source = business(web_server)
    await poll(source, web_server)
    await poll(source, web_server)
    assert web_server.count("/token") == 1
    assert web_server.count(REVIEWS) == 4


async def test_refused_access_token_is_renewed_once(web_server: FakeWeb) -> None:
    web_server.sequence(
        "/token",
        [
            responder(
                json.dumps({"access_token": "perime", "expires_in": 3599}),
                content_type="application/json",
            ),
            responder(data_file("oauth_token.json"), content_type="application/json"),
        ],
    )
    web_server.route(REVIEWS, paginated)
    result = await poll(business(web_server), web_server)
    assert web_server.count("/token") == 2
    assert len(result.mentions) == 3
    assert [r.headers["Authorization"] for r in web_server.requests_to(REVIEWS)] == [
        "Bearer perime",
        f"Bearer {TOKEN}",
        f"Bearer {TOKEN}",
    ]


async def test_revoked_refresh_token_is_explained(web_server: FakeWeb) -> None:
    web_server.file(
        "/token", "oauth_invalid_grant.json", content_type="application/json", status=400
    )
    with pytest.raises(HttpStatusError) as caught:
        await poll(business(web_server), web_server)
    assert caught.value.permanent
    assert (
        "invalid_grant" in caught.value.message
        and "expiré ou a été révoqué" in caught.value.message
    )
    assert web_server.count(REVIEWS) == 0


async def test_missing_oauth_settings_never_call_google(web_server: FakeWeb) -> None:
    with pytest.raises(ConfigError) as caught:
        await poll(business(web_server, refresh_token=None), web_server)
    assert web_server.count() == 0
    assert "jeton d'actualisation" in caught.value.message


async def test_unknown_location_is_explained(web_server: FakeWeb) -> None:
    web_server.file("/token", "oauth_token.json", content_type="application/json")
    web_server.file(
        REVIEWS, "business_error_notfound.json", content_type="application/json", status=404
    )
    with pytest.raises(HttpStatusError) as caught:
        await poll(business(web_server), web_server)
    assert f"L'établissement {LOCATION} est introuvable" in caught.value.message
    assert "/source fiche 1234/5678" in caught.value.message


async def test_server_error_mid_pagination_is_transient(web_server: FakeWeb) -> None:
    web_server.file("/token", "oauth_token.json", content_type="application/json")
    web_server.sequence(
        REVIEWS,
        [
            responder(data_file("business_reviews_page1.json"), content_type="application/json"),
            responder("indisponible", status=503, headers={"Retry-After": "30"}),
        ],
    )
    with pytest.raises(ServerError) as caught:
        await poll(business(web_server), web_server)
    assert caught.value.retry_after_s == 30.0 and not caught.value.permanent


async def test_repeated_page_token_stops_pagination(web_server: FakeWeb) -> None:
    web_server.file("/token", "oauth_token.json", content_type="application/json")
    page = json.loads(data_file("business_reviews_page1.json"))
    web_server.json(REVIEWS, page)  # always the same token: a loop Google should never send
    result = await poll(business(web_server), web_server)
    assert web_server.count(REVIEWS) == 2
    assert len(result.mentions) == 2 and not result.complete


def test_location_normalize_and_describe() -> None:
    source = build_source("business", SourceConfig())
    assert source.normalize("1234/5678", None) == (LOCATION, None)
    assert source.normalize(f" {LOCATION}/ ", None) == (LOCATION, None)
    for bad in ("1234", "abc/def", "accounts/1/locations/2/../3"):
        with pytest.raises(InvalidTargetError) as caught:
            source.normalize(bad, None)
        assert "Exemple : /source fiche 1234/5678" in caught.value.message
    assert describe(SPEC) == "Google Business Profile · 1234/5678"
