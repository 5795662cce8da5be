"""Which mentions a retention purge must keep: open cases, so no evidence is lost by accident.

A case is open while its legal risk has not been marked handled, or while the press-law limit
to act (3 months, 1 year if discriminatory) has not passed: the practice may still need the
mention, its captures and its timeline before an insurer or a court.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.deadlines import format_date_fr, press_deadline
from bot.models import StoredMention


def open_case_reason(mention: StoredMention, now: datetime, tz: ZoneInfo) -> str | None:
    """Why a purge keeps this mention (French, one phrase), or None when it may go."""
    if not mention.flags:
        return None
    if mention.handled_at is None:
        return "risque juridique non traité"
    deadline = press_deadline(mention, tz=tz)
    if deadline.days_left(now, tz) >= 0:
        return f"délai pour agir non écoulé (jusqu'au {format_date_fr(deadline.expires_on)})"
    return None
