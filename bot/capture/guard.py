"""Which addresses a capture may reach: one policy for the page, its redirects and subresources.

The browser context sends every request through `GuardProxy` (which resolves, checks and pins
each connection's address, so redirects and DNS tricks are covered) and the route handler
below refuses unsafe URLs before they leave the page, keeping the full URL for the manifest.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Route

from bot.netguard import (
    IPAddress,
    UnsafeURLError,
    check_scheme,
    is_public_address,
    normalise_address,
    resolve,
)

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Schemes a page may use without any network request leaving the browser.
_LOCAL_SCHEMES = ("data", "blob", "about")


class HostNotFoundError(UnsafeURLError):
    """The host name does not resolve: the page is unreachable rather than refused."""


@dataclass(frozen=True, slots=True)
class GuardPolicy:
    """Which addresses are refused: internal ones unless allowed, with explicit exceptions.

    `blocked_networks` wins over everything (tests use it to refuse one loopback address while
    allowing another); `allowed_networks` lists internal networks accepted even when
    `allow_private` is false (a test server on 127.0.0.1, an intranet page on purpose).
    """

    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()
    blocked_networks: tuple[IPNetwork, ...] = ()

    def refuses(self, ip: IPAddress) -> bool:
        """True when a connection to this address must not be made (IPv4-mapped seen as IPv4)."""
        ip = normalise_address(ip)
        if any(ip in net for net in self.blocked_networks):
            return True
        if self.allow_private or any(ip in net for net in self.allowed_networks):
            return False
        return not is_public_address(ip)


@dataclass
class Blocked:
    """A request the guard refused, kept for the manifest."""

    target: str
    reason: str


@dataclass
class GuardState:
    """One capture's guard: the policy, a pinned resolution per host, and what was refused."""

    policy: GuardPolicy
    resolved: dict[str, list[IPAddress]] = field(default_factory=dict)
    blocked: list[Blocked] = field(default_factory=list)

    async def addresses(self, host: str) -> list[IPAddress]:
        """Resolve a host once per capture and check every address; raise if one is refused."""
        key = host.lower().strip("[]")
        if key not in self.resolved:
            try:
                self.resolved[key] = await resolve(key)
            except UnsafeURLError as exc:
                raise HostNotFoundError(str(exc)) from exc
        addresses = self.resolved[key]
        if not addresses:
            raise UnsafeURLError(f"Le site « {host} » n'a aucune adresse.")
        for ip in addresses:
            if self.policy.refuses(ip):
                raise UnsafeURLError(
                    f"L'adresse « {host} » mène à un réseau interne ({ip}) : Vigie refuse de "
                    "la consulter. Donnez l'adresse publique de la page."
                )
        return addresses

    async def check_url(self, url: str) -> list[IPAddress]:
        """Check a URL's scheme and host; raise `UnsafeURLError` with a French reason."""
        return await self.addresses(check_scheme(url))

    def refuse(self, target: str, reason: str) -> None:
        """Note a refused request (once per target)."""
        if not any(b.target == target for b in self.blocked):
            self.blocked.append(Blocked(target, reason))


def route_handler(current: Callable[[], GuardState]) -> Callable[[Route], Awaitable[None]]:
    """A Playwright route handler that aborts every request the current capture's guard refuses.

    `current` gives the guard at request time: a context is prepared before the capture it
    will serve is known.
    """

    async def handle(route: Route) -> None:
        state = current()
        url = route.request.url
        scheme = urlsplit(url).scheme
        try:
            if scheme in _LOCAL_SCHEMES:
                await route.continue_()
                return
            try:
                await state.check_url(url)
            except HostNotFoundError:
                await route.abort("namenotresolved")
                return
            except UnsafeURLError as exc:
                state.refuse(url, str(exc))
                await route.abort("blockedbyclient")
                return
            await route.continue_()
        except PlaywrightError:
            # The page or its context closed while the request was pending: nothing to do.
            return

    return handle
