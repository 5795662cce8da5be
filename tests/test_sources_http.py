"""The guarded fetch: SSRF on every hop, time and size bounds, 304s and typed French errors."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiohttp import web

from bot.sources import (
    FetchTimeoutError,
    HttpStatusError,
    RateLimitedError,
    ServerError,
    SourceConfig,
    TooLargeError,
    UnreachableError,
    UnsafeSourceError,
    new_client,
)
from bot.sources.http import fetch, format_delay, known_charset, parse_retry_after
from tests.fakeweb import FakeWeb, responder

CONFIG = SourceConfig(allow_private=True, timeout_s=5.0)


@pytest.fixture
async def web_server() -> AsyncIterator[FakeWeb]:
    async with FakeWeb() as server:
        yield server


async def test_conditional_get_sends_validators_and_reports_304(web_server: FakeWeb) -> None:
    web_server.conditional(
        "/flux",
        "<rss/>",
        etag='"v1"',
        last_modified="Thu, 02 May 2024 08:00:00 GMT",
        content_type="application/rss+xml",
    )
    async with new_client(CONFIG) as client:
        first = await fetch(client, web_server.url("/flux"), CONFIG)
        second = await fetch(
            client,
            web_server.url("/flux"),
            CONFIG,
            etag=first.etag,
            last_modified=first.last_modified,
        )
    assert first.status == 200 and first.body == b"<rss/>"
    assert first.etag == '"v1"'
    assert second.not_modified and second.body == b""
    sent = web_server.requests_to("/flux")[1].headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Thu, 02 May 2024 08:00:00 GMT"
    assert "If-None-Match" not in web_server.requests_to("/flux")[0].headers


async def test_429_with_retry_after_seconds(web_server: FakeWeb) -> None:
    web_server.reply("/lent", "trop", status=429, headers={"Retry-After": "120"})
    async with new_client(CONFIG) as client:
        with pytest.raises(RateLimitedError) as caught:
            await fetch(client, web_server.url("/lent"), CONFIG)
    assert caught.value.retry_after_s == 120.0
    assert not caught.value.permanent
    assert "ralentir" in caught.value.message and "2 min" in caught.value.message


async def test_429_without_header_still_backs_off(web_server: FakeWeb) -> None:
    web_server.reply("/lent", "trop", status=429)
    async with new_client(CONFIG) as client:
        with pytest.raises(RateLimitedError) as caught:
            await fetch(client, web_server.url("/lent"), CONFIG)
    assert caught.value.retry_after_s == 600.0


async def test_503_with_http_date_retry_after(web_server: FakeWeb) -> None:
    web_server.reply(
        "/panne",
        "maintenance",
        status=503,
        headers={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"},
    )
    web_server.reply("/erreur", "boum", status=500)
    async with new_client(CONFIG) as client:
        with pytest.raises(ServerError) as dated:
            await fetch(client, web_server.url("/panne"), CONFIG)
        with pytest.raises(ServerError) as plain:
            await fetch(client, web_server.url("/erreur"), CONFIG)
    assert dated.value.retry_after_s == 86_400.0  # capped at one day
    assert "erreur 503" in dated.value.message and "24 h" in dated.value.message
    assert plain.value.retry_after_s is None and not plain.value.permanent
    assert plain.value.status == 500 and plain.value.body == b"boum"
    assert "erreur 500" in plain.value.message and "prochain passage" in plain.value.message


async def test_404_is_permanent_with_advice(web_server: FakeWeb) -> None:
    async with new_client(CONFIG) as client:
        with pytest.raises(HttpStatusError) as caught:
            await fetch(client, web_server.url("/absent"), CONFIG)
    assert caught.value.permanent and caught.value.status == 404
    assert "introuvable" in caught.value.message and "/source retirer" in caught.value.message


async def test_hanging_server_times_out_in_french(web_server: FakeWeb) -> None:
    web_server.hang("/bloque")
    config = SourceConfig(allow_private=True, timeout_s=0.5)
    started = time.monotonic()
    async with new_client(config) as client:
        with pytest.raises(FetchTimeoutError) as caught:
            await fetch(client, web_server.url("/bloque"), config)
    assert time.monotonic() - started < 3
    assert "n'a pas répondu à temps" in caught.value.message
    assert not caught.value.permanent


async def test_slow_trickle_is_bounded_by_total_deadline(web_server: FakeWeb) -> None:
    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        for _ in range(50):
            await response.write(b"<p>")
            await asyncio.sleep(0.1)
        return response

    web_server.route("/goutte", trickle)
    config = SourceConfig(allow_private=True, timeout_s=0.6)
    started = time.monotonic()
    async with new_client(config) as client:
        with pytest.raises(FetchTimeoutError):
            await fetch(client, web_server.url("/goutte"), config)
    assert time.monotonic() - started < 2.5


async def test_50_mb_body_is_cut_at_the_cap_without_buffering_it(web_server: FakeWeb) -> None:
    web_server.stream("/enorme", 50 * 1024 * 1024, content_type="application/rss+xml")
    tracemalloc.start()
    try:
        async with new_client(CONFIG) as client:
            with pytest.raises(TooLargeError) as caught:
                await fetch(client, web_server.url("/enorme"), CONFIG)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "dépasse 5 Mo" in caught.value.message and caught.value.permanent
    assert peak < 20 * 1024 * 1024


async def test_declared_length_over_cap_is_refused_early(web_server: FakeWeb) -> None:
    web_server.reply("/gros", b"x" * 4096, content_type="text/html")
    config = SourceConfig(allow_private=True, max_body_bytes=1024)
    async with new_client(config) as client:
        with pytest.raises(TooLargeError) as caught:
            await fetch(client, web_server.url("/gros"), config)
    assert "1 ko" in caught.value.message


async def test_redirects_are_followed_and_rechecked(web_server: FakeWeb) -> None:
    web_server.redirect("/ancien", "/intermediaire", status=301)
    web_server.redirect("/intermediaire", web_server.url("/nouveau"), status=307)
    web_server.reply("/nouveau", "ok")
    async with new_client(CONFIG) as client:
        response = await fetch(client, web_server.url("/ancien"), CONFIG)
    assert response.body == b"ok" and response.url == web_server.url("/nouveau")
    assert [r.path for r in web_server.requests] == ["/ancien", "/intermediaire", "/nouveau"]


async def test_more_than_five_redirects_is_an_error(web_server: FakeWeb) -> None:
    for i in range(7):
        web_server.redirect(f"/r{i}", f"/r{i + 1}")
    async with new_client(CONFIG) as client:
        with pytest.raises(HttpStatusError) as caught:
            await fetch(client, web_server.url("/r0"), CONFIG)
    assert "Trop de redirections" in caught.value.message and caught.value.permanent
    assert web_server.count() == 6


async def test_redirect_to_blocked_address_is_never_contacted(web_server: FakeWeb) -> None:
    async with FakeWeb(host="127.0.0.2") as internal:
        internal.reply("/secret", "metadata")
        web_server.redirect("/piege", internal.url("/secret"))
        config = SourceConfig(allow_private=True, blocked_networks=("127.0.0.2/32",))
        async with new_client(config) as client:
            with pytest.raises(UnsafeSourceError) as caught:
                await fetch(client, web_server.url("/piege"), config)
        assert internal.count() == 0
    assert web_server.count("/piege") == 1
    assert "réseau interne" in caught.value.message and "redirige" in caught.value.message
    assert caught.value.permanent


async def test_private_address_refused_when_not_allowed(web_server: FakeWeb) -> None:
    web_server.reply("/flux", "ok")
    config = SourceConfig(allow_private=False)
    async with new_client(config) as client:
        with pytest.raises(UnsafeSourceError) as caught:
            await fetch(client, web_server.url("/flux"), config)
    assert web_server.count() == 0
    assert "réseau interne (127.0.0.1)" in caught.value.message


async def test_redirect_to_a_local_file_is_refused(web_server: FakeWeb) -> None:
    web_server.redirect("/fichier", "file:///etc/passwd")
    async with new_client(CONFIG) as client:
        with pytest.raises(UnsafeSourceError) as caught:
            await fetch(client, web_server.url("/fichier"), CONFIG)
    assert "http://" in caught.value.message


async def test_api_key_header_does_not_follow_a_cross_origin_redirect(web_server: FakeWeb) -> None:
    async with FakeWeb(host="127.0.0.3") as other:
        other.reply("/ailleurs", "ok")
        web_server.redirect("/api", other.url("/ailleurs"))
        async with new_client(CONFIG) as client:
            await fetch(
                client, web_server.url("/api"), CONFIG, headers={"X-Goog-Api-Key": "secret"}
            )
        assert "X-Goog-Api-Key" not in other.requests[0].headers
    assert web_server.requests[0].headers["X-Goog-Api-Key"] == "secret"


async def test_no_redirect_allowed_for_credentialed_calls(web_server: FakeWeb) -> None:
    web_server.redirect("/api", "/ailleurs")
    async with new_client(CONFIG) as client:
        with pytest.raises(HttpStatusError) as caught:
            await fetch(client, web_server.url("/api"), CONFIG, follow_redirects=False)
    assert "redirection inattendue" in caught.value.message
    assert web_server.count() == 1


async def test_cookies_are_never_kept(web_server: FakeWeb) -> None:
    web_server.sequence(
        "/cookie",
        [responder("a", headers={"Set-Cookie": "session=team-a; Path=/"}), responder("b")],
    )
    async with new_client(CONFIG) as client:
        await fetch(client, web_server.url("/cookie"), CONFIG)
        await fetch(client, web_server.url("/cookie"), CONFIG)
    assert "Cookie" not in web_server.requests[1].headers


async def test_connection_refused_is_transient() -> None:
    server = FakeWeb()
    await server.start()
    url = server.url("/ferme")
    await server.close()
    async with new_client(CONFIG) as client:
        with pytest.raises(UnreachableError) as caught:
            await fetch(client, url, CONFIG)
    assert "Impossible de joindre" in caught.value.message and not caught.value.permanent


async def test_charset_from_header_and_fallbacks(web_server: FakeWeb) -> None:
    web_server.reply(
        "/latin", "Fermé à Noël".encode("latin-1"), content_type="text/plain; charset=ISO-8859-1"
    )
    web_server.reply("/sans", "Fermé à Noël".encode("cp1252"), content_type="text/plain")
    web_server.reply("/utf8", "Fermé à Noël", content_type="text/plain")
    web_server.reply("/bizarre", b"abc", content_type="text/plain; charset=x-inconnu")
    async with new_client(CONFIG) as client:
        latin = await fetch(client, web_server.url("/latin"), CONFIG)
        plain = await fetch(client, web_server.url("/sans"), CONFIG)
        utf8 = await fetch(client, web_server.url("/utf8"), CONFIG)
        odd = await fetch(client, web_server.url("/bizarre"), CONFIG)
    assert latin.charset == "iso8859-1" and latin.text() == "Fermé à Noël"
    assert plain.charset is None and plain.text() == "Fermé à Noël"
    assert utf8.text() == "Fermé à Noël"
    assert odd.charset is None and odd.text() == "abc"


def test_parse_retry_after_forms() -> None:
    now = datetime(2024, 5, 2, 8, 0, 0, tzinfo=UTC)
    assert parse_retry_after("30", now) == 30.0
    assert parse_retry_after("Thu, 02 May 2024 08:05:00 GMT", now) == 300.0
    assert parse_retry_after("Thu, 02 May 2024 07:00:00 GMT", now) == 0.0
    assert parse_retry_after("bientôt", now) is None
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("999999", now) == 86_400.0


def test_format_delay_and_charsets() -> None:
    assert format_delay(0.2) == "1 s"
    assert format_delay(45) == "45 s"
    assert format_delay(600) == "10 min"
    assert format_delay(7200) == "2 h"
    assert known_charset("ISO-8859-1") == "iso8859-1"
    assert known_charset("utf8") == "utf-8"
    assert known_charset("klingon") is None


async def test_connection_time_guard_refuses_a_name_resolving_inside(web_server: FakeWeb) -> None:
    # `trusted` skips the first check, as for an API URL: the resolver must still refuse a
    # host name that resolves to loopback when it is not one of the configured API hosts.
    web_server.reply("/interne", "secret")
    config = SourceConfig(allow_private=False, timeout_s=5.0)
    async with new_client(config) as client:
        with pytest.raises(UnsafeSourceError) as caught:
            await fetch(client, f"http://localhost:{web_server.port}/interne", config, trusted=True)
    assert web_server.count() == 0
    assert "Le site localhost mène à un réseau interne" in caught.value.message


async def test_configured_api_host_may_be_private(web_server: FakeWeb) -> None:
    web_server.json("/v1/places/x", {"ok": True})
    config = SourceConfig(
        allow_private=False, timeout_s=5.0, places_api_url=f"http://localhost:{web_server.port}/v1"
    )
    async with new_client(config) as client:
        response = await fetch(
            client, f"http://localhost:{web_server.port}/v1/places/x", config, trusted=True
        )
    assert response.json() == {"ok": True}
