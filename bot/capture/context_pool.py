"""Fresh browser contexts, one per capture, with the next one opened ahead of time.

A context has no cookies or cache from earlier captures. Opening its first page starts a
renderer process (about 0.3 s), so the pool opens the next capture's context as soon as the
previous one is done, and hands it out only if the browser is still alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from playwright.async_api import Browser, BrowserContext, Page
from playwright.async_api import Error as PlaywrightError

from bot.capture.browser import SharedBrowser
from bot.capture.guard import GuardPolicy, GuardState, route_handler
from bot.capture.proxy import GuardProxy

log = logging.getLogger(__name__)


@dataclass
class Ready:
    """A prepared context, its page, and the guard proxy all its requests go through."""

    browser: Browser
    proxy: GuardProxy
    context: BrowserContext
    page: Page

    def sound(self) -> bool:
        """Whether it can still serve a capture (the browser may have died meanwhile)."""
        return self.browser.is_connected() and not self.page.is_closed()

    async def close(self) -> None:
        """Close the context (with its cookies and cache) and the proxy."""
        await _close(self.context, self.proxy)


async def _close(context: BrowserContext | None, proxy: GuardProxy) -> None:
    """Close a context and its proxy, whatever state they are in."""
    if context is not None:
        with contextlib.suppress(PlaywrightError, TimeoutError):
            await asyncio.wait_for(context.close(), 10)
    await proxy.close()


class ContextPool:
    """Hands out fresh contexts of the shared browser, keeping one spare ready."""

    def __init__(
        self,
        browser: SharedBrowser,
        policy: GuardPolicy,
        *,
        viewport: tuple[int, int],
        max_transfer_bytes: int,
    ) -> None:
        self.browser = browser
        self.policy = policy
        self.viewport = viewport
        self.max_transfer_bytes = max_transfer_bytes
        self._spare: asyncio.Future[Ready] | None = None
        self._closing = False

    async def take(self, guard: GuardState) -> Ready:
        """A context for one capture, guarded by that capture's `guard`."""
        spare, self._spare = self._spare, None
        ready: Ready | None = None
        if spare is not None:
            try:
                ready = await spare
            except Exception as exc:  # a failed spare only means opening a context now
                log.debug("Contexte de réserve inutilisable : %s", exc)
            if ready is not None and not ready.sound():
                await ready.close()
                ready = None
        if ready is None:
            ready = await self._open()
        ready.proxy.state = guard
        return ready

    def start(self) -> None:
        """Allow spares again (after `close`) and open the first one."""
        self._closing = False
        self.prepare_spare()

    def prepare_spare(self) -> None:
        """Open the next capture's context in the background (if the browser is usable)."""
        if self._spare is None and not self._closing and self.browser.problem is None:
            self._spare = asyncio.ensure_future(self._open())

    async def close(self) -> None:
        """Close the spare context, if any."""
        self._closing = True
        spare, self._spare = self._spare, None
        if spare is not None:
            try:
                await (await spare).close()
            except Exception as exc:  # closing anyway: the browser goes next
                log.debug("Contexte de réserve : %s", exc)

    async def _open(self) -> Ready:
        """A new guarded context with its blank page."""
        browser = await self.browser.get()
        info = self.browser.info
        proxy = GuardProxy(GuardState(self.policy), max_bytes=self.max_transfer_bytes)
        server = await proxy.start()
        context = None
        try:
            context = await browser.new_context(
                proxy={"server": server},
                viewport={"width": self.viewport[0], "height": self.viewport[1]},
                user_agent=info.user_agent if info else None,
                locale="fr-FR",
                timezone_id="Europe/Paris",
                service_workers="block",
                accept_downloads=False,
            )
            await context.route("**/*", route_handler(lambda: proxy.state))
            page = await context.new_page()
        except BaseException:
            await _close(context, proxy)
            raise
        return Ready(browser, proxy, context, page)
