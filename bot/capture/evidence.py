"""Captures as the team sees them: taken, recorded in the store, and answered with the files."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot import __version__
from bot.capture import CaptureBusyError, CaptureResult, CaptureService, mention_fields
from bot.capture.verdict import shortfall_codes
from bot.chat.markup import NL, b, code, reply, t
from bot.chat.types import Attachment, Reply, Urgency
from bot.dates import format_capture_time
from bot.messages import Messages, messages
from bot.messages.catalogue import CaptureOutcome
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


def capture_reply(
    result: CaptureResult, capture_id: int, mention: StoredMention | None, lang: str | None = None
) -> Reply:
    """The answer in the team's language: what the bundle proves, when, the hashes, the files."""
    say = messages(lang)
    spans = [
        b(say.capture_title(_headline(result, say), capture_id, mention.id if mention else None)),
        NL,
        t(say.capture_address(result.url)),
        NL,
        t(say.capture_time(result.captured_at or result.started_at)),
        NL,
        t(say.capture_requested_by(result.manifest.get("operator") or {}, result.operator)),
        NL,
        t(say.capture_bundle_sha(result.bundle_sha256)),
    ]
    if result.screenshot_sha256:
        spans += [NL, t(say.capture_image_sha(result.screenshot_sha256))]
    if result.timestamp_note:
        stamp = result.stamp
        when = format_capture_time(stamp.gen_time) if stamp else None
        authority = stamp.authority if stamp else None
        spans += [NL, t(say.capture_timestamp(authority, when, result.timestamp_note))]
    if result.note:
        spans += [NL, t(say.capture_note(_outcome(result, mention), result.note))]
    spans += [NL, t(say.capture_verify()), code("vigie verify " + result.zip_path.name)]
    return reply(*spans, attachments=_attachments(result, say))


def _headline(result: CaptureResult, say: Messages) -> str:
    """The first words of the answer: plain « Capture » only for solid proof."""
    return say.capture_headline(result.verdict.level) if result.verdict else "📸 Capture"


def _outcome(result: CaptureResult, mention: StoredMention | None) -> CaptureOutcome:
    """The facts the chat note states, read from the result and its manifest."""
    manifest = result.manifest
    target = result.url
    return CaptureOutcome(
        level=result.verdict.level if result.verdict else "",
        status=result.status,
        url=target,
        moment=result.captured_at or result.started_at,
        text_found=bool((manifest.get("text_on_page") or {}).get("found")),
        has_mention=mention is not None,
        shortfalls=tuple(shortfall_codes(manifest)) if result.status in ("ok", "partial") else (),
        retry=f"/capture {target}" if target else "/capture #N",
    )


def _attachments(result: CaptureResult, say: Messages) -> list[Attachment]:
    """The files sent with the answer: preview, framed review, whole page, the bundle."""
    attachments: list[Attachment] = []
    if result.preview_path is not None:
        attachments.append(
            Attachment(
                result.preview_path,
                result.preview_path.name,
                "image/jpeg",
                say.capture_caption("preview"),
                True,
            )
        )
    if result.excerpt_path is not None:
        attachments.append(
            Attachment(
                result.excerpt_path, "extrait.png", "image/png", say.capture_caption("excerpt")
            )
        )
    if result.screenshot_path is not None:
        attachments.append(
            Attachment(
                result.screenshot_path, "capture.png", "image/png", say.capture_caption("page")
            )
        )
    attachments.append(
        Attachment(
            result.zip_path, result.zip_path.name, "application/zip", say.capture_caption("bundle")
        )
    )
    return attachments


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
    lang = (await services.store.teams.settings(mention.team_id)).language
    message = capture_reply(result, capture_id, mention, lang)
    message = reply(
        b(messages(lang).capture_automatic()), NL, *message.spans,
        attachments=message.attachments, urgency=Urgency.SILENT,
    )  # fmt: skip
    await services.outbox.post(mention.team_id, "capture", message, mention_id=mention.id)
