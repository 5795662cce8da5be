"""Webhook mode: Telegram's POSTs reach Vigie's listener on 127.0.0.1 only with the secret."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from adapters.telegram import TelegramAdapter
from adapters.telegram.webhook import SECRET_HEADER
from bot.chat.transport import StartupError
from bot.router import Router
from bot.settings import Settings
from tests.fake_telegram import LIMITS, FakeTelegram, make_adapter, running

PUBLIC_URL = "https://vigie.exemple.fr/telegram/crochet"
SECRET = "Secret_jeton-42"
CHAT = 31337


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram(limits=LIMITS).start()
    yield server
    await server.stop()


@pytest.fixture
async def hooked(router: Router, fake: FakeTelegram) -> AsyncIterator[TelegramAdapter]:
    adapter = make_adapter(
        router, fake, webhook_url=PUBLIC_URL, webhook_secret=SECRET, webhook_port=0
    )
    async with running(adapter):
        yield adapter


async def post(adapter: TelegramAdapter, body: bytes, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    url = f"http://127.0.0.1:{adapter.webhook_port}/telegram/crochet"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        return response.status


async def test_webhook_is_registered_with_its_secret_and_no_polling(
    hooked: TelegramAdapter, fake: FakeTelegram
) -> None:
    assert fake.webhook["url"] == PUBLIC_URL and fake.webhook["secret_token"] == SECRET
    assert "callback_query" in fake.webhook["allowed_updates"]
    assert not [c for c in fake.calls if c.method == "getUpdates"]
    assert hooked.webhook_port > 0


async def test_only_requests_with_the_right_secret_are_served(
    hooked: TelegramAdapter, fake: FakeTelegram
) -> None:
    update = {"update_id": 1, "message": fake.message(CHAT, "/aide")}
    body = json.dumps(update).encode()
    assert await post(hooked, body, "mauvais-secret") == 403
    assert await post(hooked, body, None) == 403
    assert await post(hooked, body, SECRET + "x") == 403
    assert await post(hooked, b"{pas du json", SECRET) == 400
    assert await post(hooked, b"[1, 2]", SECRET) == 400
    assert await post(hooked, b'{"pas": "une mise a jour"}', SECRET) == 400
    assert fake.sent_to(CHAT) == []  # nothing reached the router so far

    assert await post(hooked, body, SECRET) == 200
    [answer] = await fake.wait_for(
        lambda c: c.ok and c.method == "sendMessage" and c.chat_id == CHAT
    )
    assert "rejoindre" in answer.text  # the router answered (an unbound chat: how to join)
    assert len(fake.sent_to(CHAT)) == 1


async def test_without_a_configured_secret_a_random_one_is_used(
    router: Router, fake: FakeTelegram
) -> None:
    adapter = make_adapter(router, fake, webhook_url=PUBLIC_URL, webhook_port=0)
    async with running(adapter):
        secret = fake.webhook["secret_token"]
        assert len(secret) >= 32 and secret == adapter.webhook_secret
        body = json.dumps({"update_id": 2, "message": fake.message(CHAT, "/aide")}).encode()
        assert await post(adapter, body, "") == 403
        assert await post(adapter, body, secret) == 200


@pytest.mark.parametrize(
    ("url", "secret", "message"),
    [
        ("http://vigie.exemple.fr/telegram", None, "https"),
        ("https:///telegram", None, "https"),
        (PUBLIC_URL, "espace interdit", "VIGIE_TELEGRAM_WEBHOOK_SECRET"),
        (PUBLIC_URL, "x" * 257, "VIGIE_TELEGRAM_WEBHOOK_SECRET"),
    ],
)
def test_bad_webhook_settings_are_refused_with_a_fix(
    router: Router, url: str, secret: str | None, message: str
) -> None:
    with pytest.raises(StartupError, match=message):
        TelegramAdapter(router, token="1:x", webhook_url=url, webhook_secret=secret)


def test_webhook_listen_address_comes_from_the_settings(settings: Settings, router: Router) -> None:
    from pydantic import SecretStr

    configured = settings.model_copy(
        update={"telegram_token": SecretStr("123:abc"), "telegram_webhook_listen": "0.0.0.0"}
    )
    adapter = TelegramAdapter.from_settings(configured, router)
    assert adapter.webhook_listen == "0.0.0.0"
