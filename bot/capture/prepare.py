"""Before the shot: load what scrolling loads, then clear what would hide the review.

A review page paints a sticky header over the review scrolled to, a cookie banner over
another, and loads its images only when they come into view. The page is scrolled through
(bounded in time and height), images are awaited (bounded), then fixed and sticky elements
are made static and overlays hidden; every change is returned for the manifest.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

_SCROLL_STEP = """(y) => { window.scrollTo(0, y);
  const d = document.documentElement, b = document.body;
  return Math.max(d ? d.scrollHeight : 0, b ? b.scrollHeight : 0, window.innerHeight); }"""

_IMAGES = """async (ms) => {
  const imgs = [...document.images];
  const waits = imgs.map(img => {
    if (img.complete) return img.decode ? img.decode().catch(() => null) : null;
    return new Promise(r => { img.addEventListener('load', r, {once: true});
                               img.addEventListener('error', r, {once: true}); })
      .then(() => img.decode ? img.decode().catch(() => null) : null);
  });
  let timedOut = false;
  await Promise.race([Promise.all(waits),
    new Promise(r => setTimeout(() => { timedOut = true; r(); }, ms))]);
  const broken = imgs.filter(i => !i.complete || i.naturalWidth === 0).length;
  return {images: imgs.length, not_rendered: broken, timed_out: timedOut};
}"""

_CLEAR = r"""() => {
  const words = new RegExp('cookie|consent|gdpr|rgpd|didomi|onetrust|tarteaucitron|axeptio|'
    + 'cmp|privacy|newsletter|popup|modal|overlay|banner|bandeau', 'i');
  const describe = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    const raw = typeof el.className === 'string' ? el.className.trim() : '';
    const cls = raw ? raw.split(/\s+/) : [];
    if (cls.length) s += '.' + cls.slice(0, 3).join('.');
    return s.slice(0, 120);
  };
  const vw = window.innerWidth, vh = window.innerHeight;
  const made_static = [], hidden = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    const pos = style.position;
    if (pos !== 'fixed' && pos !== 'sticky') continue;
    const label = [el.id, typeof el.className === 'string' ? el.className : '',
                   el.getAttribute('aria-label') || '', el.getAttribute('role') || ''].join(' ');
    const r = el.getBoundingClientRect();
    const covers = r.width * r.height > 0.4 * vw * vh;
    const dialog = el.getAttribute('aria-modal') === 'true' || el.getAttribute('role') === 'dialog';
    if (pos === 'fixed' && (words.test(label) || dialog || covers)) {
      el.style.setProperty('display', 'none', 'important');
      hidden.push(describe(el));
    } else {
      el.style.setProperty('position', 'static', 'important');
      made_static.push(describe(el) + ' (' + pos + ')');
    }
  }
  for (const el of [document.documentElement, document.body]) {
    if (el && getComputedStyle(el).overflow === 'hidden') {
      el.style.setProperty('overflow', 'visible', 'important');
    }
  }
  window.scrollTo(0, 0);
  return {made_static: made_static.slice(0, 50), hidden: hidden.slice(0, 50),
          counts: [made_static.length, hidden.length]};
}"""


@dataclass(frozen=True, slots=True)
class PrepareLimits:
    """Bounds of the preparation: scrolling time and height, wait for images."""

    scroll_s: float = 4.0
    scroll_pause_s: float = 0.06
    max_scroll_px: int = 20_000
    images_s: float = 2.5


async def scroll_through(page: Page, limits: PrepareLimits, settle: Any = None) -> dict[str, Any]:
    """Scroll down a screen at a time so lazy content loads; return how far it went.

    The first screen was in view while the page loaded: scrolling starts at the second, so a
    one-screen page costs nothing here.
    """
    height = int(await page.evaluate("() => window.innerHeight")) or 800
    total = int(await page.evaluate(_SCROLL_STEP, 0))
    deadline = time.monotonic() + limits.scroll_s
    y, steps = height, 0
    while time.monotonic() < deadline and y < min(total, limits.max_scroll_px):
        total = int(await page.evaluate(_SCROLL_STEP, y))
        steps += 1
        y += height
        await asyncio.sleep(limits.scroll_pause_s)
        if settle is not None:
            await settle(min(deadline, time.monotonic() + 0.5))
    reached = min(y, total)
    return {
        "steps": steps,
        "reached_px": reached,
        "page_height_px": total,
        "complete": reached >= total,
    }


async def wait_images(page: Page, limits: PrepareLimits) -> dict[str, Any]:
    """Wait (bounded) for every image to load and decode; say how many did not."""
    try:
        result = await asyncio.wait_for(
            page.evaluate(_IMAGES, int(limits.images_s * 1000)), limits.images_s + 2
        )
        return dict(result)
    except (PlaywrightError, TimeoutError):
        return {"images": None, "not_rendered": None, "timed_out": True}


async def clear_overlays(page: Page) -> dict[str, Any]:
    """Make fixed and sticky elements static, hide banners and dialogs; list what changed."""
    with contextlib.suppress(PlaywrightError):
        return dict(await page.evaluate(_CLEAR))
    return {"made_static": [], "hidden": [], "counts": [0, 0], "error": True}
