"""Hostile input on the Telegram side: a secret-token header with non-ASCII bytes at the real
webhook listener, and bidi controls in a feed's review reaching a real Telegram alert."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from adapters.telegram.webhook import SECRET_HEADER
from bot.router import Router
from bot.services import Services
from tests.fake_telegram import LIMITS, FakeTelegram, make_adapter, running
from tests.fakeweb import FakeWeb
from tests.raw_tcp import exchange
from tests.telegram_feed import group_watching_feed

PUBLIC_URL = "https://vigie.exemple.fr/telegram/crochet"
SECRET = "Secret_jeton-42"
GROUP = -1005550002
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram(limits=LIMITS).start()
    yield server
    await server.stop()


async def _raw_post(port: int, secret: bytes) -> bytes:
    """A POST written byte by byte, as a hostile client can: the header holds raw bytes."""
    body = json.dumps({"update_id": 1}).encode()
    head = (
        b"POST /telegram/crochet HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\n"
        + SECRET_HEADER.encode()
        + b": "
        + secret
        + b"\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\nConnection: close\r\n\r\n"
    )
    return await exchange(port, head + body, within=5)


@pytest.mark.parametrize(
    "secret",
    [b"\xff", b"Secret_jeton-42\xe9", "Secret_jéton-42".encode(), b"\xc3\x28", b"\x80" * 300],
)
async def test_non_ascii_secret_header_is_refused_with_403(
    router: Router, fake: FakeTelegram, secret: bytes
) -> None:
    adapter = make_adapter(
        router, fake, webhook_url=PUBLIC_URL, webhook_secret=SECRET, webhook_port=0
    )
    async with running(adapter):
        answer = await _raw_post(adapter.webhook_port, secret)
        assert answer.startswith(b"HTTP/1.1 403"), answer[:80]
        assert (await _raw_post(adapter.webhook_port, SECRET.encode())).startswith(b"HTTP/1.1 ")


# --- finding 5: bidi controls never reach an alert, whatever field carries them ---


def _rss(title: str, author: str, text: str) -> str:
    from xml.sax.saxutils import escape

    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
        "xmlns:dc='http://purl.org/dc/elements/1.1/'><channel><title>Forum</title>"
        "<link>https://forum.exemple.fr/</link><description>d</description>"
        f"<item><guid>n1</guid><title>{escape(title)}</title>"
        "<link>https://forum.exemple.fr/t/1</link>"
        f"<dc:creator>{escape(author)}</dc:creator>"
        f"<description>{escape(text)}</description>"
        "<pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>"
    )


async def test_bidi_controls_in_review_title_and_author_are_neutralised_in_telegram_alerts(
    router: Router, services: Services, team_id: int, fake: FakeTelegram, fakeweb: FakeWeb
) -> None:
    documents: list[str] = [_rss("Rien", "Personne", "Aucun avis pour le moment.")]

    async def feed(request: web.Request) -> web.Response:
        return web.Response(text=documents[-1], content_type="application/rss+xml")

    fakeweb.route("/alerts", feed)
    feed_url = fakeweb.url("/alerts")
    async with group_watching_feed(router, services, team_id, fake, GROUP, feed_url) as poll:
        documents.append(
            _rss(
                f"Avis {BIDI}gpj.exe sur le Dr Dupont",
                "Julie\u202e R.",
                f"Le Dr Marie Dupont, dermatologue à Lyon, est une voleuse \u202enoitcaf{BIDI}.",
            )
        )
        await poll()
        [alert] = await fake.wait_for(
            lambda c: c.chat_id == GROUP and "voleuse" in c.text, within=10
        )
        assert "noitcaf" in alert.text and "Julie" in alert.text and "gpj.exe" in alert.text
        assert not any(ch in alert.text for ch in BIDI), ascii(alert.text)
