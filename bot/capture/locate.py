"""Finds the mention's words on the captured page and frames them in a picture of their own.

Sources give the text with other spaces, cut short (« … ») or with typographic quotes: the
search folds spaces, case and quotes, drops a trailing ellipsis, and falls back to the longest
leading part found (first 200, 100, 60 then 30 characters). The excerpt is a shot of the region
around the words, under the same URL/UTC band, with a frame drawn around them.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from bot.capture.band import BandLine, render_band

EXCERPT = "extrait.png"
FRAME = (220, 30, 30)
FRAME_WIDTH = 4
MARGIN = 160
_ELLIPSIS = re.compile(r"(\s*(\[…\]|\[\.\.\.\]|…|\.\.\.)\s*)+$")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "«": '"', "»": '"', "“": '"', "”": '"'})
_PREFIXES = (200, 100, 60, 30)

_FIND = r"""(needles) => {
  const REVIEW_BOX = 'article, li, [itemprop=review], [class*=review], [class*=avis], '
    + '[class*=comment]';
  const AUTHOR = '[itemprop=author], [class*=author], [class*=auteur], [class*=pseudo], '
    + '[class*=user-name], [class*=username]';
  const fold = c => {
    if (/\s/.test(c)) return ' ';
    const q = {'’': "'", '‘': "'", '«': '"', '»': '"', '“': '"', '”': '"'}[c];
    if (q) return q;
    const l = c.toLowerCase();
    return l.length === 1 ? l : c;
  };
  const walker = document.createTreeWalker(document.body || document.documentElement,
    NodeFilter.SHOW_TEXT, {acceptNode: n => {
      const p = n.parentElement;
      if (!p) return NodeFilter.FILTER_REJECT;
      if (['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(p.tagName)) return NodeFilter.FILTER_REJECT;
      const s = getComputedStyle(p);
      if (s.display === 'none' || s.visibility === 'hidden') return NodeFilter.FILTER_REJECT;
      return NodeFilter.FILTER_ACCEPT; }});
  let flat = '', map = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.nodeValue;
    for (let i = 0; i < t.length; i++) {
      const c = fold(t[i]);
      if (c === ' ' && (flat.length === 0 || flat[flat.length - 1] === ' ')) continue;
      flat += c; map.push([n, i]);
    }
    if (flat.length && flat[flat.length - 1] !== ' ') { flat += ' '; map.push([n, t.length]); }
  }
  for (const [needle, how] of needles) {
    const at = flat.indexOf(needle);
    if (at < 0) continue;
    const end = at + needle.length - 1;
    const range = document.createRange();
    range.setStart(map[at][0], map[at][1]);
    range.setEnd(map[end][0], Math.min(map[end][1] + 1, map[end][0].nodeValue.length));
    const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    if (!rects.length) continue;
    const x0 = Math.min(...rects.map(r => r.left)), y0 = Math.min(...rects.map(r => r.top));
    const x1 = Math.max(...rects.map(r => r.right)), y1 = Math.max(...rects.map(r => r.bottom));
    let author = null;
    let box = map[at][0].parentElement;
    while (box && box !== document.body &&
           !box.matches(REVIEW_BOX)) {
      box = box.parentElement;
    }
    if (box && box !== document.body) {
      const named = box.querySelector(AUTHOR);
      if (named) author = named.textContent;
      if (!author) {
        for (const el of box.querySelectorAll('strong, b, a, span')) {
          const before = el.previousSibling;
          if (before && before.nodeType === 3 && /(par|by)\s*:?\s*$/i.test(before.nodeValue)) {
            author = el.textContent; break;
          }
        }
      }
    }
    if (author) author = author.replace(/\s+/g, ' ').trim().slice(0, 100) || null;
    return {found: true, how: how, matched_chars: needle.length, author: author,
            x: Math.round(x0 + scrollX), y: Math.round(y0 + scrollY),
            width: Math.round(x1 - x0), height: Math.round(y1 - y0)};
  }
  return {found: false};
}"""


@dataclass(frozen=True, slots=True)
class Located:
    """Where the mention's words are on the page (page pixels), and how they were matched."""

    how: str
    matched_chars: int
    x: int
    y: int
    width: int
    height: int
    author: str | None = None


def fold(text: str) -> str:
    """The comparison form: spaces folded, lower case, straight quotes."""
    return " ".join(text.translate(_QUOTES).lower().split())


def needles(text: str) -> list[tuple[str, str]]:
    """What to search for, most exact first: the whole text, then leading parts."""
    folded = fold(_ELLIPSIS.sub("", text.strip()))
    if not folded:
        return []
    out: list[tuple[str, str]] = [(folded, "texte entier")] if len(folded) <= 2000 else []
    for size in _PREFIXES:
        if len(folded) > size:
            cut = folded[:size].rsplit(" ", 1)[0] if " " in folded[:size] else folded[:size]
            if len(cut) >= 12:
                out.append((cut, f"début du texte ({len(cut)} caractères)"))
    return out


async def locate(page: Page, text: str | None) -> Located | None:
    """Find `text` on the page; None when absent (or when there is nothing to find)."""
    wanted = needles(text or "")
    if not wanted:
        return None
    try:
        found = await asyncio.wait_for(page.evaluate(_FIND, wanted), 5)
    except (PlaywrightError, TimeoutError):
        return None
    if not found.get("found"):
        return None
    return Located(
        how=str(found["how"]),
        matched_chars=int(found["matched_chars"]),
        x=int(found["x"]),
        y=int(found["y"]),
        width=int(found["width"]),
        height=int(found["height"]),
        author=str(found["author"]) if found.get("author") else None,
    )


async def shoot_excerpt(
    page: Page,
    path: Path,
    where: Located,
    lines: Sequence[BandLine],
    *,
    width: int,
    page_height: int,
) -> dict[str, Any] | None:
    """Write the framed excerpt under the band; return its geometry for the manifest."""
    top = max(0, where.y - MARGIN)
    bottom = min(max(page_height, where.y + where.height), where.y + where.height + MARGIN)
    clip = {"x": 0, "y": top, "width": width, "height": max(1, bottom - top), "scale": 1}
    cdp = await page.context.new_cdp_session(page)
    try:
        shot = await asyncio.wait_for(
            cdp.send(
                "Page.captureScreenshot",
                {"format": "png", "clip": clip, "captureBeyondViewport": True},
            ),
            10,
        )
    except (PlaywrightError, TimeoutError):
        return None
    finally:
        with contextlib.suppress(PlaywrightError):
            await cdp.detach()
    data = base64.b64decode(str(shot["data"]))
    return await asyncio.to_thread(_compose, data, path, where, lines, width, top)


def _compose(
    data: bytes, path: Path, where: Located, lines: Sequence[BandLine], width: int, top: int
) -> dict[str, Any]:
    """Band above the region, frame around the words."""
    band = render_band(lines, width)
    with Image.open(io.BytesIO(data)) as raw:
        region = raw.convert("RGB")
    out = Image.new("RGB", (width, band.height + region.height), "white")
    out.paste(band, (0, 0))
    out.paste(region, (0, band.height))
    pad = 6
    box = (
        max(0, where.x - pad),
        band.height + max(0, where.y - top - pad),
        min(width - 1, where.x + where.width + pad),
        min(out.height - 1, band.height + where.y - top + where.height + pad),
    )
    ImageDraw.Draw(out).rectangle(box, outline=FRAME, width=FRAME_WIDTH)
    out.save(path, format="PNG", optimize=False)
    return {
        "file": path.name,
        "page_region": {"y": top, "height": out.height - band.height},
        "frame_in_image": {"x0": box[0], "y0": box[1], "x1": box[2], "y1": box[3]},
        "band_height": band.height,
    }
