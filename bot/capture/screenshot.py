"""The full-page picture: header band, then the page shot in chunks and streamed into one PNG.

Asking the browser for a 20,000-pixel image at once costs hundreds of megabytes on both sides;
chunks of a few thousand rows keep memory flat whatever the page's height. Chunks are taken
through the DevTools protocol, which lets Chromium use its fast PNG encoder (the stream
re-compresses the pixels anyway): it halves the time of a shot.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image
from playwright.async_api import CDPSession, Page
from playwright.async_api import Error as PlaywrightError

from bot.capture.band import BandLine, render_band
from bot.capture.png import PngStream
from bot.clock import utcnow

_MEASURE = """() => {
  const d = document.documentElement, b = document.body;
  const w = Math.max(d ? d.scrollWidth : 0, b ? b.scrollWidth : 0, window.innerWidth);
  const h = Math.max(d ? d.scrollHeight : 0, b ? b.scrollHeight : 0, window.innerHeight);
  return [w, h];
}"""


@dataclass(frozen=True, slots=True)
class Screenshot:
    """The picture written, and what the manifest says about it."""

    path: Path
    preview_path: Path
    width: int
    height: int
    band_height: int
    page_height: int
    measured_height: int
    cut: bool
    taken_at: datetime
    band_text: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ShotLimits:
    """Bounds of the picture: total page height kept, chunk size, preview size."""

    max_height: int = 20_000
    chunk_height: int = 4_000
    max_width_factor: int = 2
    preview_rows: int = 1_800
    chunk_timeout_s: float = 15


def _append(data: bytes, png: PngStream, preview: Image.Image, preview_top: int) -> int:
    """Decode one chunk, stream it into the PNG and the preview; return its height."""
    with Image.open(io.BytesIO(data)) as chunk:
        chunk.load()
        png.add(chunk)
        if preview_top < preview.height:
            preview.paste(chunk, (0, preview_top))
        return chunk.height


async def _chunk(cdp: CDPSession, clip: dict[str, int], timeout_s: float) -> bytes:
    """One region of the page as PNG bytes (page coordinates, beyond the viewport too)."""
    shot = await asyncio.wait_for(
        cdp.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "clip": {**clip, "scale": 1},
                "captureBeyondViewport": True,
                "optimizeForSpeed": True,  # fast deflate: the stream re-compresses the pixels
            },
        ),
        timeout_s,
    )
    return base64.b64decode(str(shot["data"]))


async def take_full_page(
    page: Page,
    path: Path,
    preview_path: Path,
    *,
    lines_for: Callable[[datetime], list[BandLine]],
    viewport_width: int,
    limits: ShotLimits,
) -> Screenshot:
    """Shoot the whole page under a band built for the moment of the shot."""
    with contextlib.suppress(PlaywrightError, TimeoutError):
        await asyncio.wait_for(page.evaluate("document.fonts.ready.then(() => true)"), 5)
    measured = await page.evaluate(_MEASURE)
    page_width, page_height = int(measured[0]), int(measured[1])
    width = max(viewport_width, min(page_width, viewport_width * limits.max_width_factor))
    wanted = max(1, min(page_height, limits.max_height))
    taken_at = utcnow()
    lines = lines_for(taken_at)
    band = render_band(lines, width)
    preview = Image.new("RGB", (width, band.height + min(wanted, limits.preview_rows)), "white")
    preview.paste(band, (0, 0))
    cdp = await page.context.new_cdp_session(page)
    try:
        with PngStream(path, width) as png:
            await asyncio.to_thread(png.add, band)
            y = 0
            while y < wanted:
                clip = {
                    "x": 0,
                    "y": y,
                    "width": width,
                    "height": min(limits.chunk_height, wanted - y),
                }
                data = await _chunk(cdp, clip, limits.chunk_timeout_s)
                # Decoding and compressing take CPU: keep them off the event loop.
                rows = await asyncio.to_thread(_append, data, png, preview, band.height + y)
                if rows == 0:
                    break
                y += rows
    finally:
        with contextlib.suppress(PlaywrightError):
            await cdp.detach()
    await asyncio.to_thread(preview.save, preview_path, format="JPEG", quality=85)
    return Screenshot(
        path=path,
        preview_path=preview_path,
        width=width,
        height=png.height,
        band_height=band.height,
        page_height=y,
        measured_height=page_height,
        cut=page_height > limits.max_height,
        taken_at=taken_at,
        band_text=tuple(line.text for line in lines),
    )
