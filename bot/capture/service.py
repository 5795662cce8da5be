"""Captures on demand or on detection: queued, guarded, and never leaving the team empty-handed.

Every call returns a bundle. When the page is refused, unreachable, or the browser is missing,
the bundle still holds the mention as Vigie received it and a manifest saying what went wrong.
Only a full queue raises (`CaptureBusyError`), so the caller can ask the user to retry.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from playwright.async_api import Error as PlaywrightError

from bot.capture.band import BandLine, band_lines
from bot.capture.browser import BrowserInfo, BrowserUnavailableError, SharedBrowser
from bot.capture.bundle import SUMS, make_zip
from bot.capture.context_pool import ContextPool
from bot.capture.guard import GuardPolicy, GuardState, HostNotFoundError
from bot.capture.locate import EXCERPT
from bot.capture.manifest import (
    build_manifest,
    failure_reason,
    seal_folder,
    warc_exchanges,
)
from bot.capture.page import PDF, PageCapture, PageLimits, PageUnreachableError, capture_page
from bot.capture.proxy import GuardProxy
from bot.capture.record import write_mention_record
from bot.capture.timestamp import (
    CHAIN,
    FAILED,
    TOKEN,
    Stamp,
    TimestampError,
    stamp_file_digest,
    stamp_pdf,
)
from bot.capture.verdict import Verdict, judge, shortfalls
from bot.clock import utcnow
from bot.dates import format_capture_time
from bot.netguard import UnsafeURLError

log = logging.getLogger(__name__)

Progress = Callable[[str], Awaitable[None]]
_BARE_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)*\.[a-z]{2,}([/:?#]|$)", re.IGNORECASE)


class CaptureBusyError(RuntimeError):
    """Too many captures are waiting; the message is French and says what to do."""


@dataclass(frozen=True, slots=True)
class CaptureResult:
    """One capture's outcome; the bundle exists whatever `status` says.

    `status` is one of: ok (whole page, review found when there was one to find), partial
    (captured, but not whole or without the review), refused (unsafe address), unreachable,
    no_browser, no_url, error. `verdict` says what the bundle proves, in words.
    """

    ok: bool
    status: str
    url: str
    folder: Path
    zip_path: Path
    bundle_sha256: str
    manifest: dict[str, Any]
    started_at: datetime
    finished_at: datetime
    note: str
    screenshot_path: Path | None = None
    screenshot_sha256: str | None = None
    screenshot_size: tuple[int, int] | None = None
    preview_path: Path | None = None
    captured_at: datetime | None = None
    verdict: Verdict | None = None
    excerpt_path: Path | None = None
    pdf_path: Path | None = None
    stamp: Stamp | None = None
    timestamp_note: str = ""
    operator: str = ""


def normalize_url(text: str) -> str:
    """Trim what chats add around a URL and give a bare domain its `https://`."""
    url = text.strip().strip("<>").strip()
    if "://" not in url and _BARE_DOMAIN.match(url):
        url = "https://" + url
    return url


def _slug(url: str) -> str:
    try:
        host = urlsplit(url).hostname or "page"
    except ValueError:
        host = "page"
    return re.sub(r"[^a-z0-9.-]+", "-", host.lower())[:40].strip("-.") or "page"


@dataclass
class _Attempt:
    """What one run gathered, successful or not."""

    status: str = "ok"
    reason: str = ""
    page: PageCapture | None = None
    proxy: GuardProxy | None = None


class CaptureService:
    """The capture engine of one Vigie process: one browser, a bounded queue, guarded pages."""

    def __init__(
        self,
        *,
        data_dir: Path,
        chromium_path: str | None,
        allow_private: bool,
        page_timeout_s: float = 20,
        max_queue: int = 8,
        vigie_version: str,
        policy: GuardPolicy | None = None,
        max_concurrent: int = 1,
        max_transfer_bytes: int = 100 * 1024 * 1024,
        limits: PageLimits | None = None,
        viewport: tuple[int, int] = (1280, 800),
        tsa_url: str | None = None,
    ) -> None:
        self.captures_dir = Path(data_dir) / "captures"
        self.policy = policy or GuardPolicy(allow_private=allow_private)
        self.limits = limits or PageLimits(page_timeout_s=page_timeout_s)
        self.max_queue = max_queue
        self.max_concurrent = max_concurrent
        self.max_transfer_bytes = max_transfer_bytes
        self.vigie_version = vigie_version
        self.viewport = viewport
        self.tsa_url = tsa_url
        self._tsa_session: aiohttp.ClientSession | None = None
        self.browser = SharedBrowser(chromium_path)
        self.contexts = ContextPool(
            self.browser, self.policy, viewport=viewport, max_transfer_bytes=max_transfer_bytes
        )
        self._slots = asyncio.Semaphore(max_concurrent)
        self._pending = 0

    async def start(self) -> None:
        """Create the captures folder and launch the browser (a failure is reported per capture)."""
        self.captures_dir.mkdir(parents=True, exist_ok=True)
        await self.browser.start()
        self.contexts.start()

    async def close(self) -> None:
        """Close the spare context and stop the browser."""
        await self.contexts.close()
        await self.browser.close()
        if self._tsa_session is not None:
            await self._tsa_session.close()
            self._tsa_session = None

    def _tsa(self) -> aiohttp.ClientSession:
        """One HTTP session for the authority, kept between captures (TLS set up once)."""
        if self._tsa_session is None or self._tsa_session.closed:
            self._tsa_session = aiohttp.ClientSession()
        return self._tsa_session

    @property
    def pending(self) -> int:
        """Captures running or waiting."""
        return self._pending

    async def capture(
        self,
        url: str | None,
        *,
        mention: Mapping[str, object] | None = None,
        requested_by: str,
        operator: Mapping[str, object] | None = None,
        on_progress: Progress | None = None,
    ) -> CaptureResult:
        """Capture `url` (documenting `mention` if given) and return the bundle.

        `url` may be None for a mention without an address: the bundle then holds its record.
        An unsafe address gives a result with status "refused", never an exception. Raises
        `CaptureBusyError` only when `max_concurrent` captures run and `max_queue` wait.
        """
        if self._pending >= self.max_queue + self.max_concurrent:
            raise CaptureBusyError(
                f"{self._pending} captures sont déjà en cours ou en attente : réessayez dans "
                "une minute."
            )
        ahead = self._pending
        self._pending += 1
        try:
            if ahead >= self.max_concurrent:
                await _tell(on_progress, f"Capture en attente ({ahead} avant la vôtre)…")
            async with self._slots:
                await _tell(on_progress, "Capture en cours…")
                return await self._run(url, mention, requested_by, operator)
        finally:
            self._pending -= 1

    async def _run(
        self,
        url: str | None,
        mention: Mapping[str, object] | None,
        requested_by: str,
        operator: Mapping[str, object] | None = None,
    ) -> CaptureResult:
        """One capture from start to bundle; every failure ends as a status and a note."""
        started = utcnow()
        target = normalize_url(url) if url else ""
        folder = self._new_folder(started, target)
        mention_summary = (
            write_mention_record(folder, mention, recorded_at=started) if mention else None
        )
        find_text = str(mention.get("text") or "") if mention else ""
        guard = GuardState(self.policy)
        attempt = await self._attempt(target, folder, guard, find_text)
        shot = attempt.page.screenshot if attempt.page else None
        captured_at = shot.taken_at if shot else started
        pdf_note = await self._stamp_pdf(folder)
        finished = utcnow()
        manifest = build_manifest(
            capture_id=folder.name,
            vigie_version=self.vigie_version,
            requested_text=url,
            requested_url=target,
            requested_by=requested_by,
            status=attempt.status,
            reason=attempt.reason,
            page=attempt.page,
            proxy=attempt.proxy,
            guard=guard,
            browser=self.browser.info,
            viewport=self.viewport,
            started_at=started,
            finished_at=finished,
            mention=mention_summary,
            limits=self.limits,
            max_transfer_bytes=self.max_transfer_bytes,
            operator=operator,
            captured_at=captured_at,
            timestamp=self._timestamp_plan(),
        )
        if pdf_note:
            manifest["notes"].append(pdf_note)
        verdict = self._verdict(manifest, attempt, target, captured_at, mention is not None)
        _apply_verdict(manifest, verdict)
        return await self._seal(
            folder,
            manifest,
            attempt,
            verdict,
            target=target,
            started=started,
            finished=finished,
            captured_at=captured_at,
            requested_by=requested_by,
        )

    def _new_folder(self, started: datetime, target: str) -> Path:
        """Create the capture's own folder, named by time, address and a random tail."""
        capture_id = f"{started:%Y%m%dT%H%M%SZ}-{_slug(target)}-{secrets.token_hex(3)}"
        self.captures_dir.mkdir(parents=True, exist_ok=True)
        folder = self.captures_dir / capture_id
        folder.mkdir()
        return folder

    async def _attempt(
        self, target: str, folder: Path, guard: GuardState, find_text: str
    ) -> _Attempt:
        """Browse `target` if it is safe; each failure becomes a status and a reason."""
        try:
            if not target:
                return _Attempt("no_url", "cette mention n'a pas d'adresse web à capturer")
            await guard.check_url(target)
            return await self._browse(target, folder, guard, find_text)
        except HostNotFoundError as exc:
            return _Attempt("unreachable", str(exc))
        except UnsafeURLError as exc:
            return _Attempt("refused", str(exc))
        except BrowserUnavailableError as exc:
            return _Attempt("no_browser", str(exc))
        except Exception as exc:  # the team must get a bundle and a sentence, never a traceback
            log.exception("Capture de %s : erreur inattendue", target)
            return _Attempt("error", f"erreur inattendue ({type(exc).__name__})")

    async def _stamp_pdf(self, folder: Path) -> str:
        """Add a document timestamp to the PDF when a TSA is set; a note if that failed."""
        if self.tsa_url and (folder / PDF).is_file():
            try:
                await stamp_pdf(self.tsa_url, folder / PDF, session=self._tsa())
            except TimestampError as exc:
                return f"Le PDF n'a pas reçu d'horodatage de document : {exc}."
        return ""

    async def _seal(
        self,
        folder: Path,
        manifest: dict[str, Any],
        attempt: _Attempt,
        verdict: Verdict,
        *,
        target: str,
        started: datetime,
        finished: datetime,
        captured_at: datetime,
        requested_by: str,
    ) -> CaptureResult:
        """Write the hash list, stamp it, zip the folder and describe the bundle."""
        shot = attempt.page.screenshot if attempt.page else None
        hashes, written = await asyncio.to_thread(
            seal_folder,
            folder,
            manifest,
            exchanges=warc_exchanges(attempt.page, attempt.proxy) if attempt.page else [],
            captured_at=captured_at,
        )
        stamp, stamp_note = await self._stamp_sums(folder)
        zip_path = self.captures_dir / f"{folder.name}.zip"
        zip_sha256 = await asyncio.to_thread(make_zip, folder, zip_path)
        excerpt = folder / EXCERPT
        return CaptureResult(
            ok=verdict.solid,
            status=verdict.status,
            url=target,
            folder=folder,
            zip_path=zip_path,
            bundle_sha256=zip_sha256,
            manifest=written,
            started_at=started,
            finished_at=finished,
            note=str(written["note"]),
            screenshot_path=shot.path if shot else None,
            screenshot_sha256=hashes.get(shot.path.name) if shot else None,
            screenshot_size=(shot.width, shot.height) if shot else None,
            preview_path=shot.preview_path if shot else None,
            captured_at=captured_at,
            verdict=verdict,
            excerpt_path=excerpt if excerpt.is_file() else None,
            pdf_path=folder / PDF if (folder / PDF).is_file() else None,
            stamp=stamp,
            timestamp_note=stamp_note,
            operator=str((written.get("operator") or {}).get("label") or requested_by),
        )

    def _timestamp_plan(self) -> dict[str, object]:
        """What the manifest says about trusted time, decided before the hash list exists."""
        if not self.tsa_url:
            return {
                "authority_url": None,
                "statement": "ce lot n'est pas horodaté par une autorité de confiance "
                "(VIGIE_TSA_URL n'est pas réglé) : seule l'heure du serveur Vigie le date.",
            }
        return {
            "authority_url": self.tsa_url,
            "token": TOKEN,
            "covers": SUMS,
            "chain": CHAIN,
            "pdf": "horodatage de document PAdES ajouté à page.pdf",
            "statement": f"jeton RFC 3161 de l'autorité {self.tsa_url} sur {SUMS} "
            f"(fichier {TOKEN}, certificats dans {CHAIN}).",
        }

    async def _stamp_sums(self, folder: Path) -> tuple[Stamp | None, str]:
        """Timestamp SHA256SUMS; on failure, say so in a file outside the hash list."""
        if not self.tsa_url:
            return None, (
                "Non horodaté : aucune autorité d'horodatage n'est réglée (VIGIE_TSA_URL) ; "
                "seule l'heure du serveur date ce lot."
            )
        try:
            stamp = await stamp_file_digest(self.tsa_url, folder / SUMS, session=self._tsa())
        except TimestampError as exc:
            text = f"Non horodaté : {exc}. Le lot reste daté par l'heure du serveur seulement."
            (folder / FAILED).write_text(text + "\n", encoding="utf-8")
            return None, text
        (folder / TOKEN).write_bytes(stamp.token)
        (folder / CHAIN).write_text(stamp.chain_pem, encoding="utf-8")
        when = format_capture_time(stamp.gen_time)
        return stamp, f"Horodaté par une autorité tierce ({stamp.authority}) : {when}."

    @staticmethod
    def _verdict(
        manifest: Mapping[str, Any],
        attempt: _Attempt,
        target: str,
        captured_at: datetime,
        has_mention: bool,
    ) -> Verdict:
        """What this bundle proves, from what the manifest records."""
        found = bool((manifest.get("text_on_page") or {}).get("found"))
        retry = f"/capture {target}" if target else "/capture #N"
        return judge(
            attempt.status,
            url=target,
            moment=format_capture_time(captured_at),
            reason=failure_reason(attempt.status, attempt.reason) if attempt.status != "ok" else "",
            shortfall=shortfalls(manifest) if attempt.status == "ok" else [],
            text_found=found,
            retry=retry,
            has_mention=has_mention,
        )

    async def _browse(
        self, url: str, folder: Path, guard: GuardState, find_text: str = ""
    ) -> _Attempt:
        """Run the page capture, relaunching the browser once if it died on the way."""
        for attempt in (1, 2):
            ready = await self.contexts.take(guard)
            try:
                page = await capture_page(
                    ready.page,
                    url,
                    folder,
                    limits=self.limits,
                    viewport_width=self.viewport[0],
                    band_for=self._band_for(url, ready.proxy, self.browser.info),
                    find_text=find_text,
                )
                return _Attempt("ok", "", page, ready.proxy)
            except PageUnreachableError as exc:
                if attempt == 1 and not ready.browser.is_connected():
                    log.warning("Le navigateur s'est arrêté pendant la capture : nouvel essai.")
                    continue
                return _failed(exc, guard, ready.proxy)
            except PlaywrightError:
                if attempt == 1 and not ready.browser.is_connected():
                    log.warning("Le navigateur s'est arrêté pendant la capture : nouvel essai.")
                    continue
                raise
            finally:
                await ready.close()
                self.contexts.prepare_spare()
        raise BrowserUnavailableError("Le navigateur s'arrête à chaque capture.")

    @staticmethod
    def _band_for(
        url: str, proxy: GuardProxy, info: BrowserInfo | None
    ) -> Callable[[str, datetime], list[BandLine]]:
        """The band's text for this capture, with the server address the proxy used."""
        browser = f"{info.name} {info.version}" if info else "Chromium"

        def lines(current_url: str, moment: datetime) -> list[BandLine]:
            return band_lines(
                requested_url=url,
                final_url=current_url,
                taken_at=moment,
                server_ip=proxy.ip_for_url(current_url),
                browser=browser,
            )

        return lines


def _failed(exc: PageUnreachableError, guard: GuardState, proxy: GuardProxy) -> _Attempt:
    """Why navigation failed, naming the guard's refusal when it caused the failure."""
    if exc.maybe_refused and proxy.cut:
        reason = "la page téléchargeait un volume excessif : le chargement a été coupé"
        return _Attempt("unreachable", reason, None, proxy)
    if exc.maybe_refused and guard.blocked:
        reason = f"la page redirige vers une adresse refusée. {guard.blocked[0].reason}"
        return _Attempt("refused", reason, None, proxy)
    return _Attempt("unreachable", str(exc), None, proxy)


async def _tell(on_progress: Progress | None, text: str) -> None:
    """Report progress; a failing chat must not stop the capture."""
    if on_progress is None:
        return
    try:
        await on_progress(text)
    except Exception:
        log.warning("Message de progression non transmis : %s", text, exc_info=True)


def _apply_verdict(manifest: dict[str, Any], verdict: Verdict) -> None:
    """Write the verdict's status, strength and sentence into the manifest."""
    manifest["status"] = verdict.status
    manifest["ok"] = verdict.solid
    manifest["proof"] = verdict.level
    manifest["note"] = " ".join(
        part for part in (verdict.statement, verdict.next_step, *manifest["notes"]) if part
    )
