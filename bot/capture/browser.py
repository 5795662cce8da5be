"""One Chromium for every capture: found once, launched once, relaunched after a crash.

Launching a browser costs far more than a capture, so the process keeps one and gives each
capture a fresh context (no cookies or cache shared between captures).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import Browser, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError

log = logging.getLogger(__name__)

# Headless, and quiet: without the background-networking flags Chromium keeps calling home,
# which a closed network refuses (and which has no place in an evidence capture).
LAUNCH_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--metrics-recording-only",
)
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
INSTALL_HINT = (
    "Installez Chromium sur le serveur (Debian/Ubuntu : « apt-get install chromium ») "
    "ou indiquez son chemin dans VIGIE_CHROMIUM_PATH."
)


class BrowserUnavailableError(RuntimeError):
    """No browser can be started; the message is French and says how to fix it."""


@dataclass(frozen=True, slots=True)
class BrowserInfo:
    """What the manifest says about the capturing browser."""

    name: str
    version: str
    executable: str
    user_agent: str


def find_chromium(configured: str | None, playwright_own: str | None) -> str:
    """The browser to launch: the configured path, else Playwright's own, else a system one."""
    if configured:
        path = Path(configured).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        raise BrowserUnavailableError(
            f"VIGIE_CHROMIUM_PATH désigne « {configured} », qui n'existe pas ou n'est pas "
            "exécutable. " + INSTALL_HINT
        )
    if playwright_own and Path(playwright_own).is_file():
        return playwright_own
    for name in SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserUnavailableError("Aucun navigateur Chromium n'est installé. " + INSTALL_HINT)


class SharedBrowser:
    """The long-lived browser: `get()` returns it, relaunching it if it died."""

    def __init__(self, configured_path: str | None, *, launch_timeout_s: float = 30) -> None:
        self.configured_path = configured_path
        self.launch_timeout_s = launch_timeout_s
        self.info: BrowserInfo | None = None
        self.problem: str | None = None
        self.launches = 0
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        """Launch now so the first capture is fast; a failure is kept in `problem`, not raised."""
        try:
            await self.get()
        except BrowserUnavailableError as exc:
            log.warning("Navigateur de capture indisponible : %s", exc)

    async def get(self) -> Browser:
        """The running browser, launched or relaunched as needed."""
        async with self._lock:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            if self._browser is not None:
                log.warning("Le navigateur de capture s'est arrêté : redémarrage.")
            await self._shutdown()
            try:
                self._browser = await asyncio.wait_for(self._launch(), self.launch_timeout_s)
            except BrowserUnavailableError as exc:
                self.problem = str(exc)
                await self._shutdown()
                raise
            except (PlaywrightError, OSError, TimeoutError) as exc:
                first_line = (str(exc).strip().splitlines() or ["délai dépassé"])[0]
                self.problem = f"Le navigateur n'a pas pu démarrer ({first_line}). {INSTALL_HINT}"
                await self._shutdown()
                raise BrowserUnavailableError(self.problem) from exc
            self.problem = None
            return self._browser

    async def close(self) -> None:
        """Stop the browser and Playwright's driver."""
        async with self._lock:
            await self._shutdown()

    async def _launch(self) -> Browser:
        """Start Playwright's driver and the browser; note its version and user agent."""
        self._playwright = await async_playwright().start()
        chromium = self._playwright.chromium
        executable = find_chromium(self.configured_path, chromium.executable_path)
        browser = await chromium.launch(
            executable_path=executable,
            headless=True,
            args=list(LAUNCH_ARGS),
            handle_sigint=False,
            handle_sigterm=False,
            handle_sighup=False,
        )
        self.launches += 1
        page = await browser.new_page()
        try:
            agent = str(await page.evaluate("navigator.userAgent"))
        finally:
            await page.close()
        # Sites serve "HeadlessChrome" a degraded page or none; show the page people see.
        agent = agent.replace("HeadlessChrome", "Chrome")
        self.info = BrowserInfo("Chromium", browser.version, executable, agent)
        return browser

    async def _shutdown(self) -> None:
        """Close the browser and the driver, ignoring what is already dead."""
        browser, self._browser = self._browser, None
        playwright, self._playwright = self._playwright, None
        if browser is not None:
            try:
                await asyncio.wait_for(browser.close(), 10)
            except (PlaywrightError, TimeoutError) as exc:
                log.debug("Fermeture du navigateur : %s", exc)
        if playwright is not None:
            try:
                await asyncio.wait_for(playwright.stop(), 10)
            except (PlaywrightError, TimeoutError, OSError) as exc:
                log.debug("Arrêt de Playwright : %s", exc)
