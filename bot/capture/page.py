"""Inside the browser: load the page within its time limit, then keep picture, HTML, PDF and bytes.

The picture comes first (closest to the moment of loading), then the rendered HTML, then the
PDF, which re-lays the page out for print. Each step has its own time bound, and a page that
never finishes loading is still captured as it stood, with a note saying so.
"""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Request, Response
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from bot.capture.band import BandLine, visible
from bot.capture.locate import EXCERPT, Located, locate, shoot_excerpt
from bot.capture.prepare import PrepareLimits, clear_overlays, scroll_through, wait_images
from bot.capture.resources import ResourceLimits, ResourceLog
from bot.capture.screenshot import Screenshot, ShotLimits, take_full_page
from bot.capture.tls import ChainReader
from bot.capture.warc import Exchange
from bot.dates import format_capture_time

SCREENSHOT = "capture.png"
PDF = "page.pdf"
HTML = "page.html"

_NET_ERRORS = (
    ("ERR_NAME_NOT_RESOLVED", "le nom de domaine est introuvable"),
    ("ERR_CONNECTION_REFUSED", "le serveur a refusé la connexion"),
    ("ERR_CONNECTION_RESET", "le serveur a coupé la connexion"),
    ("ERR_CONNECTION_TIMED_OUT", "le serveur n'a pas répondu à temps"),
    ("ERR_TIMED_OUT", "le serveur n'a pas répondu à temps"),
    ("ERR_CERT", "le certificat de sécurité (HTTPS) du site n'est pas valide"),
    ("ERR_SSL", "la connexion sécurisée (HTTPS) avec le site a échoué"),
    ("ERR_TOO_MANY_REDIRECTS", "la page redirige sans fin"),
    ("ERR_BLOCKED_BY_CLIENT", "Vigie a bloqué l'adresse"),
    ("ERR_TUNNEL_CONNECTION_FAILED", "le site n'a pas pu être joint"),
    ("ERR_EMPTY_RESPONSE", "le site n'a rien répondu"),
    ("ERR_ABORTED", "le chargement a été interrompu (téléchargement de fichier ?)"),
    ("Download is starting", "l'adresse désigne un fichier à télécharger, pas une page"),
)


# Errors our guard proxy causes when it refuses a connection (it answers 403 or hangs up).
_REFUSAL_MARKERS = ("ERR_TUNNEL_CONNECTION_FAILED", "ERR_EMPTY_RESPONSE", "ERR_BLOCKED_BY_CLIENT")


class PageUnreachableError(Exception):
    """The page could not be loaded at all; the message is French.

    `maybe_refused` is true when the browser's error is the one a guard refusal produces.
    """

    def __init__(self, reason: str, *, maybe_refused: bool = False) -> None:
        super().__init__(reason)
        self.maybe_refused = maybe_refused


@dataclass(frozen=True, slots=True)
class PageLimits:
    """Time and size bounds of one page capture."""

    page_timeout_s: float = 20
    settle_s: float = 2.0
    quiet_s: float = 0.25
    body_timeout_s: float = 5
    html_timeout_s: float = 10
    pdf_timeout_s: float = 30
    pdf_max_pages: int = 50
    max_body_bytes: int = 20 * 1024 * 1024
    max_html_bytes: int = 20 * 1024 * 1024
    shot: ShotLimits = field(default_factory=ShotLimits)
    prepare: PrepareLimits = field(default_factory=PrepareLimits)
    resources: ResourceLimits = field(default_factory=ResourceLimits)


@dataclass
class PageCapture:
    """What the browser produced for one page."""

    final_url: str
    url_at_capture: str
    exchanges: list[Exchange]
    tls: dict[str, object] | None
    screenshot: Screenshot | None
    notes: list[str] = field(default_factory=list)
    loaded: bool = True
    prepared: dict[str, object] = field(default_factory=dict)
    located: Located | None = None
    searched: bool = False
    excerpt: dict[str, object] | None = None
    resources: list[Exchange] = field(default_factory=list)
    resources_skipped: int = 0
    tls_chain: list[str] = field(default_factory=list)
    site_name: str | None = None


def describe_error(message: str) -> str:
    """A French reason for a navigation error message from the browser."""
    for marker, reason in _NET_ERRORS:
        if marker in message:
            return reason
    first = (message.strip().splitlines() or ["erreur inconnue"])[0]
    return f"le navigateur a signalé : {first[:200]}"


def _pairs(headers: Sequence[Mapping[str, object]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(h["name"]), str(h["value"])) for h in headers)


async def _exchange(
    request: Request, response: Response, body: bytes | None, cut: bool
) -> Exchange:
    """One request and its response, as the WARC and the manifest record them."""
    return Exchange(
        url=response.url,
        method=request.method,
        request_headers=_pairs(await request.headers_array()),
        status=response.status,
        status_text=response.status_text,
        response_headers=_pairs(await response.headers_array()),
        body=body,
        body_truncated=cut,
    )


async def _redirect_chain(request: Request) -> list[Exchange]:
    """The redirect hops that led to `request`, oldest first (headers only)."""
    chain: list[Exchange] = []
    previous = request.redirected_from
    while previous is not None:
        response = await previous.response()
        if response is not None:
            chain.append(await _exchange(previous, response, None, False))
        previous = previous.redirected_from
    chain.reverse()
    return chain


class _InFlight:
    """Counts the page's pending requests, to wait until the network falls quiet."""

    def __init__(self, page: Page) -> None:
        self.count = 0
        self.changed = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, _: Request) -> None:
        self.count += 1
        self.changed = time.monotonic()

    def _ended(self, _: Request) -> None:
        self.count = max(0, self.count - 1)
        self.changed = time.monotonic()

    async def quiet(self, quiet_s: float, until: float) -> None:
        """Return once nothing was pending for `quiet_s` seconds, or at `until` (monotonic)."""
        while time.monotonic() < until:
            if self.count == 0 and time.monotonic() - self.changed >= quiet_s:
                return
            await asyncio.sleep(0.05)


async def _navigate(
    page: Page, url: str, limits: PageLimits, in_flight: _InFlight
) -> tuple[Response, bool]:
    """Open the page; return its main response and whether it finished loading in time."""
    deadline = time.monotonic() + limits.page_timeout_s
    try:
        response = await page.goto(url, wait_until="commit", timeout=limits.page_timeout_s * 1000)
    except PlaywrightTimeoutError as exc:
        raise PageUnreachableError(
            f"le site n'a pas répondu en {limits.page_timeout_s:g} secondes"
        ) from exc
    except PlaywrightError as exc:
        refused = any(marker in exc.message for marker in _REFUSAL_MARKERS)
        raise PageUnreachableError(describe_error(exc.message), maybe_refused=refused) from exc
    if response is None:
        raise PageUnreachableError("le navigateur n'a reçu aucune réponse")
    try:
        remaining = max(deadline - time.monotonic(), 0.1)
        await page.wait_for_load_state("load", timeout=remaining * 1000)
    except PlaywrightTimeoutError:
        return response, False
    # Reviews are often fetched by scripts after `load`: let the network fall quiet briefly.
    await in_flight.quiet(limits.quiet_s, min(deadline, time.monotonic() + limits.settle_s))
    return response, True


async def _body(
    response: Response, timeout_s: float, limits: PageLimits
) -> tuple[bytes | None, bool]:
    """The main document's bytes (cut to the size limit), or None if not available in time."""
    try:
        body = await asyncio.wait_for(response.body(), timeout_s)
    except (PlaywrightError, TimeoutError):
        return None, False
    if len(body) > limits.max_body_bytes:
        return body[: limits.max_body_bytes], True
    return body, False


def _pdf_box(inner_html: str) -> str:
    """A header or footer for the PDF pages (`inner_html` is already escaped)."""
    return (
        '<div style="font-size:8px;width:100%;padding:0 10mm;font-family:sans-serif;'
        f'word-break:break-all">{inner_html}</div>'
    )


async def capture_page(
    page: Page,
    url: str,
    folder: Path,
    *,
    limits: PageLimits,
    viewport_width: int,
    band_for: Callable[[str, datetime], list[BandLine]],
    find_text: str | None = None,
) -> PageCapture:
    """Load `url` in `page` and write the pictures, the HTML and the PDF into `folder`."""
    in_flight = _InFlight(page)
    resources = ResourceLog(page)
    chains = ChainReader()
    await chains.open(page)  # before loading: an http page may redirect to https
    try:
        return await _capture(
            page,
            url,
            folder,
            limits,
            viewport_width,
            band_for,
            find_text,
            in_flight,
            resources,
            chains,
        )
    finally:
        await chains.close()


async def _capture(
    page: Page,
    url: str,
    folder: Path,
    limits: PageLimits,
    viewport_width: int,
    band_for: Callable[[str, datetime], list[BandLine]],
    find_text: str | None,
    in_flight: _InFlight,
    resources: ResourceLog,
    chains: ChainReader,
) -> PageCapture:
    """`capture_page` once the listeners are in place."""
    response, loaded = await _navigate(page, url, limits, in_flight)
    notes: list[str] = []
    exchanges = await _main_exchanges(response, loaded, limits, notes)
    tls = await response.security_details()
    final_url = response.url
    capture = PageCapture(
        final_url=final_url,
        url_at_capture=page.url,
        exchanges=exchanges,
        tls=dict(tls) if tls else None,
        screenshot=None,
        notes=notes,
        loaded=loaded,
    )
    capture.site_name = await _site_name(page)
    capture.prepared = await _prepare(page, limits, in_flight, loaded)
    capture.searched = bool(find_text and find_text.strip())
    capture.located = await locate(page, find_text) if capture.searched else None
    await _shoot(page, capture, folder, limits, viewport_width, band_for)
    await _save_html(page, folder, limits, capture)
    await _save_pdf(page, folder, limits, capture)
    await _keep_resources(capture, resources, limits)
    if final_url.startswith("https://"):
        capture.tls_chain = await chains.chain(final_url)
    return capture


async def _main_exchanges(
    response: Response, loaded: bool, limits: PageLimits, notes: list[str]
) -> list[Exchange]:
    """The redirect hops and the main response with its body; notes what was cut."""
    if not loaded:
        notes.append(
            f"La page n'avait pas fini de se charger après {limits.page_timeout_s:g} secondes : "
            "elle est capturée telle qu'elle s'affichait à ce moment."
        )
    # A page still loading may never finish its body: do not wait for it long.
    body, body_cut = await _body(response, limits.body_timeout_s if loaded else 0.5, limits)
    if body is None:
        notes.append("Le contenu d'origine de la page n'a pas pu être relevé en entier (WARC).")
    elif body_cut:
        notes.append(
            f"La page dépassait {limits.max_body_bytes // (1024 * 1024)} Mo : son contenu "
            "d'origine est tronqué dans le WARC."
        )
    return [
        *await _redirect_chain(response.request),
        await _exchange(response.request, response, body, body_cut),
    ]


async def _shoot(
    page: Page,
    capture: PageCapture,
    folder: Path,
    limits: PageLimits,
    viewport_width: int,
    band_for: Callable[[str, datetime], list[BandLine]],
) -> None:
    """Take the full-page screenshot, then the excerpt around the mention if it was found."""
    capture.screenshot = await take_full_page(
        page,
        folder / SCREENSHOT,
        folder.parent / f"{folder.name}-apercu.jpg",
        lines_for=lambda moment: band_for(page.url, moment),
        viewport_width=viewport_width,
        limits=limits.shot,
    )
    capture.url_at_capture = page.url
    if capture.screenshot.cut:
        capture.notes.append(
            f"La page mesurait {capture.screenshot.measured_height} pixels de haut : la capture "
            f"s'arrête à {limits.shot.max_height} pixels (le PDF et le HTML gardent la suite)."
        )
    if capture.located is not None:
        shot = capture.screenshot
        capture.excerpt = await shoot_excerpt(
            page,
            folder / EXCERPT,
            capture.located,
            band_for(page.url, shot.taken_at),
            width=shot.width,
            page_height=shot.measured_height,
        )


async def _keep_resources(capture: PageCapture, resources: ResourceLog, limits: PageLimits) -> None:
    """Keep the page's resources for the WARC; a note if some were too big."""
    capture.resources = await resources.exchanges(limits.resources)
    capture.resources_skipped = resources.skipped
    if resources.skipped:
        capture.notes.append(
            f"{resources.skipped} ressource(s) de la page dépassaient les limites de taille : "
            "elles manquent au WARC."
        )


_SITE_NAME = """() => {
  const meta = n =>
    (document.querySelector(`meta[property="${n}"], meta[name="${n}"]`) || {}).content;
  return meta('og:site_name') || meta('application-name') || document.title || null;
}"""


async def _site_name(page: Page) -> str | None:
    """The site's own name (og:site_name, else the page title), for letters naming the host."""
    try:
        name = await asyncio.wait_for(page.evaluate(_SITE_NAME), 3)
    except (PlaywrightError, TimeoutError):
        return None
    return " ".join(str(name).split())[:200] or None if name else None


async def _prepare(
    page: Page, limits: PageLimits, in_flight: _InFlight, loaded: bool
) -> dict[str, object]:
    """Scroll through (lazy content), await images, then clear sticky bars and banners."""

    async def settle(until: float) -> None:
        await in_flight.quiet(limits.quiet_s / 2, until)

    if loaded:
        scrolled = await scroll_through(page, limits.prepare, settle)
        if scrolled["steps"]:  # what scrolling started may still be arriving
            await in_flight.quiet(limits.quiet_s, time.monotonic() + limits.settle_s)
    else:
        scrolled = {"steps": 0, "complete": False}
    images = await wait_images(page, limits.prepare)
    cleared = await clear_overlays(page)
    return {"scroll": scrolled, "images": images, **cleared}


async def _save_html(page: Page, folder: Path, limits: PageLimits, capture: PageCapture) -> None:
    """Write the DOM as rendered (scripts run), within its time and size bounds."""
    try:
        content = (await asyncio.wait_for(page.content(), limits.html_timeout_s)).encode("utf-8")
    except (PlaywrightError, TimeoutError):
        capture.notes.append("Le HTML de la page n'a pas pu être enregistré.")
        return
    if len(content) > limits.max_html_bytes:
        content = content[: limits.max_html_bytes]
        capture.notes.append(
            f"Le HTML dépassait {limits.max_html_bytes // (1024 * 1024)} Mo : il est tronqué."
        )
    (folder / HTML).write_bytes(content)


async def _save_pdf(page: Page, folder: Path, limits: PageLimits, capture: PageCapture) -> None:
    """Print the page on A4 with backgrounds, each sheet headed by the URL and UTC time."""
    shot = capture.screenshot
    when = format_capture_time(shot.taken_at) if shot else ""
    try:
        data = await asyncio.wait_for(
            page.pdf(
                format="A4",
                print_background=True,
                page_ranges=f"1-{limits.pdf_max_pages}",
                display_header_footer=True,
                header_template=_pdf_box(
                    html.escape(f"{visible(capture.url_at_capture)} — capturée le {when}")
                ),
                footer_template=_pdf_box(
                    'Page <span class="pageNumber"></span> / <span class="totalPages"></span>'
                ),
                margin={"top": "14mm", "bottom": "14mm", "left": "10mm", "right": "10mm"},
            ),
            limits.pdf_timeout_s,
        )
    except (PlaywrightError, TimeoutError):
        capture.notes.append("Le PDF de la page n'a pas pu être produit à temps.")
        return
    (folder / PDF).write_bytes(data)
