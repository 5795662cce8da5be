"""Evidence captures: full-page picture, PDF, HTML and WARC of a page, hashed and zipped."""

from bot.capture.guard import GuardPolicy
from bot.capture.record import mention_fields
from bot.capture.service import CaptureBusyError, CaptureResult, CaptureService, normalize_url
from bot.capture.verify import VerifyReport, verify_bundle

__all__ = [
    "CaptureBusyError",
    "CaptureResult",
    "CaptureService",
    "GuardPolicy",
    "VerifyReport",
    "mention_fields",
    "normalize_url",
    "verify_bundle",
]
