"""The certificate chain an https page was served with, as the browser received it (PEM)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import textwrap
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page


def to_pem(der_b64: str) -> str:
    """A base64 DER certificate as PEM text."""
    body = "\n".join(textwrap.wrap(der_b64.strip(), 64))
    return f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"


async def certificate_chain(page: Page, url: str) -> list[str]:
    """The server's chain, leaf first, from the browser's own connection (empty if unknown)."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    try:
        cdp = await page.context.new_cdp_session(page)
    except PlaywrightError:
        return []
    try:
        await asyncio.wait_for(cdp.send("Network.enable"), 5)
        answer = await asyncio.wait_for(cdp.send("Network.getCertificate", {"origin": origin}), 5)
    except (PlaywrightError, TimeoutError):
        return []
    finally:
        with contextlib.suppress(PlaywrightError):
            await cdp.detach()
    names = answer.get("tableNames") or []
    out = []
    for item in names:
        try:
            base64.b64decode(str(item), validate=True)
        except ValueError:
            continue
        out.append(to_pem(str(item)))
    return out
