"""Every response the page received (images, CSS, scripts, fonts…), kept for the WARC.

A WARC holding only the main HTML replays as a page of broken images. The page's responses
are recorded as they arrive; their bodies are read once the page has settled, within a total
size and time budget, and each becomes a request/response pair of the WARC.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Response

from bot.capture.warc import Exchange


@dataclass(frozen=True, slots=True)
class ResourceLimits:
    """Bounds on what the WARC keeps of sub-resources."""

    max_resources: int = 500
    max_total_bytes: int = 80 * 1024 * 1024
    max_one_bytes: int = 20 * 1024 * 1024
    read_timeout_s: float = 5


@dataclass
class ResourceLog:
    """Responses seen on a page, in arrival order (the main document excluded later)."""

    page: Page
    responses: list[Response] = field(default_factory=list)
    skipped: int = 0

    def __post_init__(self) -> None:
        self.page.on("response", self._seen)

    def _seen(self, response: Response) -> None:
        url = response.url
        if not url.startswith(("http://", "https://")):
            return
        self.responses.append(response)

    async def exchanges(self, limits: ResourceLimits) -> list[Exchange]:
        """The sub-resources as exchanges, bodies read within the limits (main page excluded)."""
        chosen = [r for r in self.responses if not _is_main(r)]
        if len(chosen) > limits.max_resources:
            self.skipped += len(chosen) - limits.max_resources
            chosen = chosen[: limits.max_resources]
        bodies = await asyncio.gather(*(_read(r, limits) for r in chosen))
        out: list[Exchange] = []
        total = 0
        for response, body in zip(chosen, bodies, strict=True):
            cut = False
            if body is not None and len(body) > limits.max_one_bytes:
                body, cut = body[: limits.max_one_bytes], True
            if body is not None and total + len(body) > limits.max_total_bytes:
                body, cut = None, True
                self.skipped += 1
            total += len(body or b"")
            with contextlib.suppress(PlaywrightError):
                out.append(await _as_exchange(response, body, cut))
        return out


def _is_main(response: Response) -> bool:
    """Whether this is the main document (or a hop of its redirects), recorded apart."""
    try:
        frame = response.frame
    except PlaywrightError:  # a worker's request has no frame: a sub-resource
        return False
    return response.request.is_navigation_request() and frame.parent_frame is None


async def _read(response: Response, limits: ResourceLimits) -> bytes | None:
    """The body, or None for a redirect, an empty answer or one no longer available."""
    if 300 <= response.status < 400:
        return None
    try:
        return await asyncio.wait_for(response.body(), limits.read_timeout_s)
    except (PlaywrightError, TimeoutError):
        return None


async def _as_exchange(response: Response, body: bytes | None, cut: bool) -> Exchange:
    request = response.request
    req_headers = await request.headers_array()
    resp_headers = await response.headers_array()
    return Exchange(
        url=response.url,
        method=request.method,
        request_headers=tuple((str(h["name"]), str(h["value"])) for h in req_headers),
        status=response.status,
        status_text=response.status_text,
        response_headers=tuple((str(h["name"]), str(h["value"])) for h in resp_headers),
        body=body,
        body_truncated=cut,
    )
