"""The certificate chain an https page was served with, as the browser received it (PEM).

Chromium hands out a connection's chain (`Network.getCertificate`) only to a DevTools session
that had the network domain enabled before the page loaded: the reader is opened first.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import textwrap
from urllib.parse import urlsplit

from playwright.async_api import CDPSession, Page
from playwright.async_api import Error as PlaywrightError


def to_pem(der_b64: str) -> str:
    """A base64 DER certificate as PEM text."""
    body = "\n".join(textwrap.wrap(der_b64.strip(), 64))
    return f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"


class ChainReader:
    """Opened before navigation; `chain(url)` then gives the server's chain, leaf first."""

    def __init__(self) -> None:
        self._cdp: CDPSession | None = None

    async def open(self, page: Page) -> None:
        """Attach to the page and enable the network domain (failure only means no chain)."""
        try:
            self._cdp = await page.context.new_cdp_session(page)
            await asyncio.wait_for(self._cdp.send("Network.enable"), 5)
        except (PlaywrightError, TimeoutError):
            await self.close()

    async def chain(self, url: str) -> list[str]:
        """The chain of `url`'s origin as PEM texts (empty when unknown)."""
        if self._cdp is None:
            return []
        parts = urlsplit(url)
        try:
            answer = await asyncio.wait_for(
                self._cdp.send(
                    "Network.getCertificate", {"origin": f"{parts.scheme}://{parts.netloc}"}
                ),
                5,
            )
        except (PlaywrightError, TimeoutError):
            return []
        out = []
        for item in answer.get("tableNames") or []:
            try:
                base64.b64decode(str(item), validate=True)
            except ValueError:
                continue
            out.append(to_pem(str(item)))
        return out

    async def close(self) -> None:
        """Detach."""
        if self._cdp is not None:
            with contextlib.suppress(PlaywrightError):
                await self._cdp.detach()
            self._cdp = None
