"""SSRF guard: a team member must never make the server fetch an internal address.

Sources and captures both go through `check_url` before any request, and again for every
redirect and (for the browser) every subresource.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata endpoints that are not covered by the private/link-local ranges.
_METADATA = {
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    ipaddress.ip_address("fd00:ec2::254"),  # AWS IPv6
}


class UnsafeURLError(ValueError):
    """A URL Vigie refuses to fetch; the message is French and says why.

    `sentence`, when given, says it in a team's language from a `bot.messages.Messages`
    catalogue (`UsageError(exc.sentence)`); typed `Any` because netguard sits below it.
    """

    def __init__(self, message: str, sentence: Callable[[Any], str] | None = None) -> None:
        super().__init__(message)
        self.sentence = sentence


def normalise_address(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv4-mapped IPv6 one (`::ffff:127.0.0.2`) stands for; else itself.

    A connection to `::ffff:a.b.c.d` reaches a.b.c.d, so every check (internal ranges, the
    blocked-network list, the allowed exceptions) must see the IPv4 form.
    """
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_public_address(ip: IPAddress) -> bool:
    """True for a globally routable unicast address (not loopback, private, metadata…)."""
    ip = normalise_address(ip)
    if ip in _METADATA:
        return False
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def check_scheme(url: str) -> str:
    """Return the URL's host after checking it is http(s) with a host; raise otherwise."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise UnsafeURLError(f"Adresse illisible : {exc}.") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeURLError(
            "Seules les adresses http:// et https:// sont acceptées "
            "(exemple : https://www.exemple.fr/avis).",
            lambda say: say.url_scheme_refused(),
        )
    if not parts.hostname:
        raise UnsafeURLError(
            "L'adresse n'indique pas de site (exemple : https://www.exemple.fr/).",
            lambda say: say.url_without_site(),
        )
    if parts.username or parts.password:
        raise UnsafeURLError(
            "Les adresses contenant un identifiant ou un mot de passe sont refusées.",
            lambda say: say.url_with_credentials(),
        )
    return parts.hostname


async def resolve(host: str, port: int | None = None) -> list[IPAddress]:
    """Resolve a host name to its addresses (IPv4-mapped ones as IPv4), without blocking."""
    try:
        return [normalise_address(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise UnsafeURLError(
            f"Le site « {host} » est introuvable (nom de domaine inconnu).",
            lambda say: say.site_not_found(host),
        ) from exc
    addresses: list[IPAddress] = []
    for info in infos:
        addr = normalise_address(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]))
        if addr not in addresses:
            addresses.append(addr)
    return addresses


async def check_url(url: str, *, allow_private: bool) -> list[IPAddress]:
    """Check scheme and resolve the host; refuse internal addresses unless allowed.

    Returns the resolved addresses so callers can record the server's IP.
    """
    host = check_scheme(url)
    addresses = await resolve(host)
    if not allow_private:
        for addr in addresses:
            if not is_public_address(addr):
                raise UnsafeURLError(
                    f"L'adresse {url} mène à un réseau interne ({addr}) : Vigie refuse de "
                    "la consulter. Donnez l'adresse publique de la page."
                )
    return addresses
