"""IPv4-mapped IPv6 addresses (`::ffff:127.0.0.2`) are the IPv4 address they carry: refused by
the blocked-network list in sources (real httpx on aiohttp) and in the capture relay."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from bot.capture.guard import GuardPolicy, GuardState
from bot.capture.proxy import GuardProxy
from bot.netguard import normalise_address
from bot.sources import SourceConfig, UnsafeSourceError
from bot.sources.http import fetch, new_client
from tests.fakeweb import FakeWeb
from tests.raw_tcp import exchange

MAPPED = "::ffff:127.0.0.2"
BLOCKED = SourceConfig(allow_private=True, blocked_networks=("127.0.0.2/32",))


def test_mapped_addresses_are_normalised_to_ipv4() -> None:
    assert normalise_address(ipaddress.ip_address(MAPPED)) == ipaddress.ip_address("127.0.0.2")
    assert normalise_address(ipaddress.ip_address("::1")) == ipaddress.ip_address("::1")
    assert normalise_address(ipaddress.ip_address("8.8.8.8")) == ipaddress.ip_address("8.8.8.8")


@pytest.mark.parametrize("target", [f"[{MAPPED}]", "[::ffff:7f00:2]", "[0:0:0:0:0:ffff:127.0.0.2]"])
async def test_source_redirect_to_a_mapped_blocked_address_is_never_contacted(
    target: str,
) -> None:
    async with FakeWeb() as public, FakeWeb(host="127.0.0.2") as internal:
        internal.reply("/secret", "metadata")
        public.redirect("/piege", f"http://{target}:{internal.port}/secret")
        async with new_client(BLOCKED) as client:
            with pytest.raises(UnsafeSourceError) as caught:
                await fetch(client, public.url("/piege"), BLOCKED)
        assert internal.count() == 0
        assert caught.value.permanent and "réseau interne" in caught.value.message


async def test_source_url_naming_a_mapped_blocked_address_is_refused() -> None:
    async with FakeWeb(host="127.0.0.2") as internal:
        internal.reply("/secret", "metadata")
        async with new_client(BLOCKED) as client:
            with pytest.raises(UnsafeSourceError):
                await fetch(client, f"http://[{MAPPED}]:{internal.port}/secret", BLOCKED)
        assert internal.count() == 0


async def test_capture_relay_refuses_mapped_blocked_addresses() -> None:
    policy = GuardPolicy(
        allow_private=True, blocked_networks=(ipaddress.ip_network("127.0.0.2/32"),)
    )
    async with FakeWeb(host="127.0.0.2") as internal:
        internal.reply("/secret", "secret")
        state = GuardState(policy)
        proxy = GuardProxy(state, max_bytes=1_000_000)
        server = await proxy.start()
        try:
            port = int(server.rsplit(":", 1)[1])
            tunnel = await exchange(
                port, f"CONNECT [{MAPPED}]:{internal.port} HTTP/1.1\r\n\r\n".encode()
            )
            assert tunnel.startswith(b"HTTP/1.1 403"), tunnel[:60]
            async with httpx.AsyncClient(proxy=server, trust_env=False) as client:
                with pytest.raises(httpx.HTTPError):
                    await client.get(f"http://[{MAPPED}]:{internal.port}/secret")
        finally:
            await proxy.close()
        assert internal.count() == 0
        assert any(MAPPED in b.target for b in state.blocked)
