"""manifest.json and the finishing steps: what was captured, where, when, by what; the hashes."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.capture.browser import BrowserInfo
from bot.capture.bundle import MANIFEST, README, make_zip, to_json, utc_iso, write_sums
from bot.capture.bundle import file_entries as hash_files
from bot.capture.guard import GuardState
from bot.capture.page import PageCapture, PageLimits
from bot.capture.proxy import GuardProxy
from bot.capture.readme import readme_text
from bot.capture.warc import Exchange, write_warc
from bot.dates import format_capture_time

FORMAT = "vigie-capture/1"
PROXY_NOTE = (
    "Toutes les connexions du navigateur passent par un relais local de Vigie (127.0.0.1) qui "
    "vérifie chaque adresse avant de s'y connecter ; les en-têtes sont ceux vus par le "
    "navigateur. Pour une page http:// non chiffrée, le relais fixe l'en-tête Connection à "
    "« close »."
)
WARC = "page.warc.gz"


@dataclass(frozen=True, slots=True)
class Bundle:
    """The finished bundle: the ZIP, its hash, and the hash of each file inside."""

    zip_path: Path
    zip_sha256: str
    hashes: dict[str, str]
    manifest: dict[str, Any]


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def page_notes(
    page: PageCapture, guard: GuardState, proxy: GuardProxy | None, max_transfer_bytes: int
) -> list[str]:
    """Everything that limits a successful capture, one sentence each."""
    notes = list(page.notes)
    if proxy is not None and proxy.cut:
        notes.append(
            f"La page a téléchargé plus de {max_transfer_bytes / 1e6:g} Mo : le chargement a "
            "été coupé en volume, la capture montre ce qui était arrivé."
        )
    if guard.blocked:
        notes.append(
            f"{len(guard.blocked)} élément(s) de la page venant d'adresses refusées "
            "(réseau interne) n'ont pas été chargés : voir manifest.json."
        )
    return notes


def failure_reason(status: str, reason: str) -> str:
    """What went wrong, in a few words, for a capture that produced no page."""
    if status == "no_browser":
        return "le navigateur n'est pas disponible sur le serveur. " + _sentence(reason)
    if status == "no_url":
        return "cette mention n'a pas d'adresse web à capturer"
    if status == "error":
        return "erreur inattendue, détaillée dans le journal du serveur"
    if status == "refused":
        return "capture refusée. " + _sentence(reason)
    return _sentence(reason) or "la page n'a pas pu être chargée"


def compose_note(status: str, reason: str, notes: list[str], has_mention: bool) -> str:
    """The French sentence the team reads in the chat about this capture."""
    if status == "ok":
        return " ".join(["Page capturée.", *notes])
    if status == "refused":
        head = "Capture refusée. " + _sentence(reason)
    elif status == "no_browser":
        head = (
            "La capture d'écran est impossible : le navigateur n'est pas disponible sur le "
            "serveur. " + _sentence(reason)
        )
    elif status == "no_url":
        head = "Cette mention n'a pas d'adresse web à capturer."
    elif status == "error":
        head = "La capture a échoué (erreur inattendue, détaillée dans le journal du serveur)."
    else:
        head = "La page n'a pas pu être capturée. " + _sentence(reason)
    if has_mention:
        return head + " Le relevé de la mention telle que Vigie l'a reçue est conservé."
    return head + " Le dossier garde la trace de la tentative."


def _http(page: PageCapture, proxy: GuardProxy | None) -> dict[str, Any]:
    """The main response as the manifest states it."""
    main = page.exchanges[-1]
    ip = proxy.ip_for_url(main.url) if proxy else None
    return {
        "status": main.status,
        "status_text": main.status_text,
        "headers": [{"name": n, "value": v} for n, v in main.response_headers],
        "request_headers": [{"name": n, "value": v} for n, v in main.request_headers],
        "server_ip": ip,
        "tls": page.tls,
        "body_bytes": len(main.body) if main.body is not None else None,
        "body_truncated": main.body_truncated,
    }


def _redirects(page: PageCapture) -> list[dict[str, Any]]:
    """Each redirect hop: URL, status and where it pointed."""
    return [
        {
            "url": hop.url,
            "status": hop.status,
            "location": next((v for k, v in hop.response_headers if k.lower() == "location"), None),
        }
        for hop in page.exchanges[:-1]
    ]


def _page_facts(page: PageCapture | None, proxy: GuardProxy | None) -> dict[str, Any]:
    """Where the page ended up and how it answered; empty values without a page."""
    return {
        "final_url": page.final_url if page else None,
        "site_name": page.site_name if page else None,
        "url_at_capture": page.url_at_capture if page else None,
        "page_loaded": page.loaded if page else None,
        "http": _http(page, proxy) if page else None,
        "redirects": _redirects(page) if page else [],
    }


def _browser(browser: BrowserInfo | None, viewport: tuple[int, int]) -> dict[str, Any]:
    """The browser that took the capture and the window it used."""
    return {
        "name": browser.name if browser else None,
        "version": browser.version if browser else None,
        "user_agent": browser.user_agent if browser else None,
        "viewport": {"width": viewport[0], "height": viewport[1]},
        "locale": "fr-FR",
        "timezone": "Europe/Paris",
    }


def _screenshot(page: PageCapture | None) -> dict[str, Any] | None:
    """The screenshot's size, band and whether it was cut; None without a page."""
    shot = page.screenshot if page else None
    if not shot:
        return None
    return {
        "width": shot.width,
        "height": shot.height,
        "band_height": shot.band_height,
        "page_height_captured": shot.page_height,
        "page_height_measured": shot.measured_height,
        "cut": shot.cut,
        "band_text": list(shot.band_text),
    }


def _resources(page: PageCapture | None) -> dict[str, int]:
    """How many of the page's resources were recorded, and how many skipped."""
    return {
        "recorded": len(page.resources) if page else 0,
        "skipped": page.resources_skipped if page else 0,
    }


def _network(proxy: GuardProxy | None, guard: GuardState) -> dict[str, Any]:
    """Every connection made or refused during the capture, and the bytes received."""
    return {
        "connections": [dataclasses.asdict(c) for c in proxy.connections] if proxy else [],
        "blocked": [dataclasses.asdict(b) for b in guard.blocked],
        "bytes_received": proxy.received if proxy else 0,
        "cut": proxy.cut if proxy else False,
        "note": PROXY_NOTE,
    }


def _limits(limits: PageLimits, max_transfer_bytes: int) -> dict[str, Any]:
    """The limits the capture ran under, so a reader knows what could be cut."""
    return {
        "page_timeout_s": limits.page_timeout_s,
        "max_height_px": limits.shot.max_height,
        "max_body_bytes": limits.max_body_bytes,
        "max_html_bytes": limits.max_html_bytes,
        "pdf_max_pages": limits.pdf_max_pages,
        "max_transfer_bytes": max_transfer_bytes,
    }


def build_manifest(
    *,
    capture_id: str,
    vigie_version: str,
    requested_text: str | None,
    requested_url: str,
    requested_by: str,
    status: str,
    reason: str,
    page: PageCapture | None,
    proxy: GuardProxy | None,
    guard: GuardState,
    browser: BrowserInfo | None,
    viewport: tuple[int, int],
    started_at: datetime,
    finished_at: datetime,
    mention: Mapping[str, object] | None,
    limits: PageLimits,
    max_transfer_bytes: int,
    operator: Mapping[str, object] | None = None,
    captured_at: datetime | None = None,
    timestamp: Mapping[str, object] | None = None,
) -> dict[str, Any]:
    """Every fact about the capture except the file hashes (added by `finish_bundle`)."""
    shot = page.screenshot if page else None
    notes = page_notes(page, guard, proxy, max_transfer_bytes) if page else []
    moment = captured_at or (shot.taken_at if shot else started_at)
    return {
        "format": FORMAT,
        "capture_id": capture_id,
        "vigie_version": vigie_version,
        "status": status,
        "ok": status == "ok",
        "note": compose_note(status, reason, notes, mention is not None),
        "notes": notes if page else ([reason] if reason else []),
        "requested_by": requested_by,
        "operator": dict(operator) if operator else {"label": requested_by},
        "captured_at": utc_iso(moment),
        "captured_at_text": format_capture_time(moment),
        "requested_text": requested_text,
        "requested_url": requested_url,
        **_page_facts(page, proxy),
        "started_at": utc_iso(started_at),
        "screenshot_taken_at": utc_iso(shot.taken_at) if shot else None,
        "finished_at": utc_iso(finished_at),
        "browser": _browser(browser, viewport),
        "screenshot": _screenshot(page),
        "preparation": _preparation(page),
        "text_on_page": _text_on_page(page, mention),
        "excerpt": page.excerpt if page else None,
        "timestamp": dict(timestamp) if timestamp else None,
        "dns": {host: [str(ip) for ip in ips] for host, ips in guard.resolved.items()},
        "tls_chain_pem": page.tls_chain if page else [],
        "resources": _resources(page),
        "network": _network(proxy, guard),
        "limits": _limits(limits, max_transfer_bytes),
        "mention": dict(mention) if mention is not None else None,
        "files": {},
    }


PREPARATION_NOTE = (
    "Avant la capture, la page a été parcourue jusqu'en bas (chargement différé des images), "
    "les éléments fixes ou collants ont été rendus statiques et les bandeaux (cookies, "
    "fenêtres) masqués, pour qu'aucun ne recouvre le contenu. La liste suit."
)


def _preparation(page: PageCapture | None) -> dict[str, Any] | None:
    """What was changed on the page before the shot, and why."""
    if page is None:
        return None
    return {"note": PREPARATION_NOTE, **page.prepared}


def _text_on_page(page: PageCapture | None, mention: Mapping[str, object] | None) -> dict[str, Any]:
    """Whether and where the mention's words were found on the page."""
    if page is None or not page.searched:
        return {"searched": False, "found": False}
    where = page.located
    if where is None:
        return {"searched": True, "found": False}
    shot = page.screenshot
    band = shot.band_height if shot else 0
    return {
        "searched": True,
        "found": True,
        "match": where.how,
        "author_on_page": where.author,
        "matched_chars": where.matched_chars,
        "page_box": {"x": where.x, "y": where.y, "width": where.width, "height": where.height},
        "capture_png_box": {
            "x": where.x,
            "y": where.y + band,
            "width": where.width,
            "height": where.height,
        },
    }


def warc_exchanges(page: PageCapture, proxy: GuardProxy | None) -> list[Exchange]:
    """The page's exchanges with the server address each one used."""
    return [
        dataclasses.replace(ex, ip=proxy.ip_for_url(ex.url) if proxy else None)
        for ex in [*page.exchanges, *page.resources]
    ]


def seal_folder(
    folder: Path,
    manifest: dict[str, Any],
    *,
    exchanges: list[Exchange],
    captured_at: datetime,
) -> tuple[dict[str, str], dict[str, Any]]:
    """Write the WARC, LISEZMOI, manifest and SHA256SUMS (blocking: use a thread)."""
    if exchanges:
        write_warc(
            folder / WARC,
            exchanges,
            captured_at=captured_at,
            software=f"Vigie {manifest['vigie_version']} ({manifest['browser']['name']} "
            f"{manifest['browser']['version']})",
        )
    evidence = sorted(p.name for p in folder.iterdir() if p.is_file())
    entries = hash_files(folder, evidence)
    hashes = {name: str(entry["sha256"]) for name, entry in entries.items()}
    mention = manifest.get("mention") or {}
    stamp = manifest.get("timestamp") or {}
    (folder / README).write_text(
        readme_text(
            vigie_version=str(manifest["vigie_version"]),
            requested_url=str(manifest["requested_url"] or manifest["requested_text"] or ""),
            final_url=manifest["final_url"],
            captured_at=str(manifest["captured_at_text"]),
            operator=str((manifest.get("operator") or {}).get("label") or ""),
            ok=manifest["status"] in ("ok", "partial"),
            note=str(manifest["note"]),
            notes=[str(n) for n in manifest["notes"]],
            mention_id=mention.get("id"),
            hashes=hashes,
            timestamp=str(stamp.get("statement") or ""),
        ),
        encoding="utf-8",
    )
    manifest["files"] = {**entries, **hash_files(folder, [README])}
    written = to_json(manifest)
    (folder / MANIFEST).write_text(written, encoding="utf-8")
    write_sums(folder)
    return hashes, json.loads(written)


def finish_bundle(
    folder: Path,
    manifest: dict[str, Any],
    zip_path: Path,
    *,
    exchanges: list[Exchange],
    captured_at: datetime,
) -> Bundle:
    """Seal the folder then zip it (blocking: use a thread)."""
    hashes, written = seal_folder(folder, manifest, exchanges=exchanges, captured_at=captured_at)
    zip_sha256 = make_zip(folder, zip_path)
    return Bundle(zip_path, zip_sha256, hashes, written)
