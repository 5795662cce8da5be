"""Captures as the team sees them: taken, recorded in the store, and answered with the files."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot import __version__
from bot.capture import CaptureBusyError, CaptureResult, CaptureService, mention_fields
from bot.chat.markup import NL, b, code, reply, t
from bot.chat.types import Attachment, Reply, Urgency
from bot.dates import format_capture_time
from bot.models import StoredMention
from bot.services import Services

log = logging.getLogger(__name__)

Progress = Callable[[str], Awaitable[None]]

#: Who the bundle names as operator when nobody asked (a legal-risk mention was detected).
AUTOMATIC = "capture automatique (risque juridique)"


def operator_of(platform: str, user_id: str, display_name: str) -> dict[str, object]:
    """The person who asked, as the manifest records it (platform, id, display name)."""
    name = display_name.strip() or user_id
    return {
        "platform": platform,
        "user_id": user_id,
        "display_name": name,
        "label": f"{name} ({platform}, identifiant {user_id})",
    }


def capture_service(services: Services) -> CaptureService:
    """The process's capture engine, created on first use (one browser for all captures)."""
    engine = services.capture
    if isinstance(engine, CaptureService):
        return engine
    settings = services.settings
    engine = CaptureService(
        data_dir=settings.data_dir,
        chromium_path=settings.chromium_path,
        allow_private=settings.allow_private_urls,
        vigie_version=__version__,
        tsa_url=settings.tsa_url,
    )
    services.capture = engine
    return engine


async def take_capture(
    services: Services,
    team_id: int,
    url: str | None,
    *,
    mention: StoredMention | None,
    requested_by: str,
    operator: dict[str, object] | None = None,
    on_progress: Progress | None = None,
) -> tuple[CaptureResult, int]:
    """Capture a page (or record a mention without one) and record it; return it and its id.

    The store's `started_at` is the capture's one instant (the moment of the shot), the same
    as in the band, the manifest, the chat message, the letters and the case file.
    """
    engine = capture_service(services)
    who = operator or {"label": requested_by}
    result = await engine.capture(
        url,
        mention=mention_fields(mention) if mention else None,
        requested_by=str(who["label"]),
        operator=who,
        on_progress=on_progress,
    )
    # ops: capture time for the metrics endpoint
    services.metrics.capture_done((result.finished_at - result.started_at).total_seconds())
    capture_id = await services.store.captures.record(
        team_id,
        mention_id=mention.id if mention else None,
        url=result.url or (mention.url if mention else "") or "",
        requested_by=str(who["label"]),
        started_at=result.captured_at or result.started_at,
        finished_at=result.finished_at,
        bundle_path=str(result.zip_path),
        screenshot_sha256=result.screenshot_sha256,
        bundle_sha256=result.bundle_sha256,
        status=result.status,
        note=result.note,
    )
    return result, capture_id


def capture_reply(result: CaptureResult, capture_id: int, mention: StoredMention | None) -> Reply:
    """The answer: what the bundle proves, when (UTC and Paris), the hashes and the files."""
    about = f" de l'avis #{mention.id}" if mention else ""
    verdict = result.verdict
    attachments: list[Attachment] = []
    if result.preview_path is not None:
        attachments.append(
            Attachment(result.preview_path, result.preview_path.name, "image/jpeg", "Aperçu", True)
        )
    if result.excerpt_path is not None:
        attachments.append(
            Attachment(result.excerpt_path, "extrait.png", "image/png", "L'avis, encadré")
        )
    if result.screenshot_path is not None:
        attachments.append(
            Attachment(result.screenshot_path, "capture.png", "image/png", "Page entière")
        )
    attachments.append(
        Attachment(result.zip_path, result.zip_path.name, "application/zip", "Lot de preuve")
    )
    headline = verdict.headline if verdict else "📸 Capture"
    moment = result.captured_at or result.started_at
    spans = [
        b(f"{headline} n° {capture_id}{about}"),
        NL,
        t(f"Adresse : {result.url or '—'}"),
        NL,
        t(f"Heure de la capture : {format_capture_time(moment)}"),
        NL,
        t(f"Demandée par : {result.operator}"),
        NL,
        t(f"SHA-256 du lot : {result.bundle_sha256}"),
    ]
    if result.screenshot_sha256:
        spans += [NL, t(f"SHA-256 de l'image : {result.screenshot_sha256}")]
    if result.timestamp_note:
        spans += [NL, t(result.timestamp_note)]
    if result.note:
        spans += [NL, t(result.note)]
    spans += [NL, t("Vérifier le lot : "), code("vigie verify " + result.zip_path.name)]
    return reply(*spans, attachments=attachments)


async def auto_capture(services: Services, mention: StoredMention) -> None:
    """Capture a legal-risk mention as soon as it is detected, before its author deletes it."""
    try:
        result, capture_id = await take_capture(
            services,
            mention.team_id,
            mention.url,
            mention=mention,
            requested_by=AUTOMATIC,
            operator={"automatic": True, "label": AUTOMATIC},
        )
    except CaptureBusyError:
        log.warning("automatic capture of mention %s skipped: queue full", mention.id)
        return
    except Exception:
        log.exception("automatic capture of mention %s failed", mention.id)
        return
    message = capture_reply(result, capture_id, mention)
    message = reply(
        b("Capture automatique (avis à risque)"), NL, *message.spans,
        attachments=message.attachments, urgency=Urgency.SILENT,
    )  # fmt: skip
    await services.outbox.post(mention.team_id, "capture", message, mention_id=mention.id)
