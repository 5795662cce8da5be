"""Characters that `str.isdigit()` accepts but `int()` refuses (², ①): found by the property
tests in `/source actus ²`; each place that read a number from outside now says no politely."""

from __future__ import annotations

import asyncio

import pytest

from bot.capture.guard import GuardPolicy, GuardState
from bot.capture.proxy import GuardProxy
from bot.sources import RateLimitedError, ServerError, SourceConfig
from bot.sources.http import fetch, new_client
from tests.fakeweb import FakeWeb
from tests.harness import ChatHarness

ODD = ["²", "①", "⁵", "12²"]


@pytest.mark.parametrize("number", ODD)
async def test_commands_taking_a_number_answer_usage_for_odd_digits(
    chat: ChatHarness, number: str
) -> None:
    await chat.say("/surveiller Dr Marie Dupont, Lyon")
    for line in (f"/retirer {number}", f"/source retirer {number}", f"/source actus {number}"):
        answer = await chat.text(line)
        assert "erreur interne" not in answer, (line, answer)


@pytest.mark.parametrize("status, error", [(429, RateLimitedError), (503, ServerError)])
async def test_an_odd_retry_after_header_is_ignored_not_fatal(
    fakeweb: FakeWeb, status: int, error: type[Exception]
) -> None:
    config = SourceConfig(allow_private=True, timeout_s=3)
    fakeweb.reply("/flux", "lent", status=status, headers={"Retry-After": "²"})
    async with new_client(config) as client:
        with pytest.raises(error):
            await fetch(client, fakeweb.url("/flux"), config)


async def test_the_capture_relay_survives_an_odd_port() -> None:
    proxy = GuardProxy(GuardState(GuardPolicy(allow_private=True)), max_bytes=1_000)
    server = await proxy.start()
    try:
        port = int(server.rsplit(":", 1)[1])
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"CONNECT 127.0.0.1:\xc2\xb2 HTTP/1.1\r\n\r\n")
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        await writer.wait_closed()
        assert not answer.startswith(b"HTTP/1.1 200")
    finally:
        await proxy.close()
