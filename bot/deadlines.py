"""The press-law limit (3 months, 1 year if discriminatory) and its reminders, so no case expires.

Dates are formatted by `bot.dates` (re-exported here for the documents).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.dates import (
    PARIS,
    as_utc,
    format_date,
    format_date_en,
    format_date_fr,
    format_datetime,
    format_datetime_en,
    format_datetime_fr,
    format_datetime_utc,
    local_date,
)
from bot.messages import messages
from bot.models import StoredMention
from bot.triage.classify import is_discriminatory

__all__ = [
    "PARIS",
    "REMINDER_MARKS",
    "Deadline",
    "add_months",
    "as_utc",
    "deadline_sentence",
    "discriminatory_for",
    "format_date",
    "format_date_en",
    "format_date_fr",
    "format_datetime",
    "format_datetime_en",
    "format_datetime_fr",
    "format_datetime_utc",
    "local_date",
    "mention_reminders_due",
    "press_deadline",
    "reminders_due",
]

#: Reminders are pushed when this many days (or fewer) are left before the limit.
REMINDER_MARKS: tuple[int, ...] = (30, 7)

#: Loi du 29 juillet 1881, art. 65: three months; art. 65-3: one year for discriminatory speech.
PRESS_MONTHS = 3
DISCRIMINATORY_MONTHS = 12


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 mai + 3 = 31 août)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


@dataclass(frozen=True, slots=True)
class Deadline:
    """The last day to act under the press law, and what it was counted from."""

    expires_on: date
    start: date
    estimated: bool
    months: int = PRESS_MONTHS

    @property
    def basis(self) -> str:
        """What the limit is counted from, in French (estimates say so)."""
        return self.basis_in("fr")

    def basis_in(self, language: str) -> str:
        """What the limit is counted from, in the team's language."""
        if language == "en":
            if self.estimated:
                return "publication date unknown: estimated from detection on " + format_date_en(
                    self.start
                )
            return "published on " + format_date_en(self.start)
        if self.estimated:
            return (
                "date de publication inconnue : estimation depuis la détection le "
                + format_date_fr(self.start)
            )
        return "publication le " + format_date_fr(self.start)

    def days_left(self, now: datetime, tz: ZoneInfo = PARIS) -> int:
        """Whole days from today (Paris) to the last day; 0 on the day itself, negative after."""
        return (self.expires_on - local_date(now, tz)).days


def discriminatory_for(mention: StoredMention, value: bool | None = None) -> bool:
    """An explicit choice, or else what triage found in the mention (discriminatory words)."""
    return is_discriminatory(mention.cues) if value is None else value


def press_deadline(
    mention: StoredMention, *, discriminatory: bool | None = None, tz: ZoneInfo = PARIS
) -> Deadline:
    """The press-law limit for a mention, counted from publication, or from detection if unknown.

    One year instead of three months when the statements are discriminatory (art. 65-3); by
    default that is read from the triage cues.
    """
    months = DISCRIMINATORY_MONTHS if discriminatory_for(mention, discriminatory) else PRESS_MONTHS
    estimated = mention.published_at is None
    moment = mention.detected_at if mention.published_at is None else mention.published_at
    start = local_date(moment, tz)
    return Deadline(
        expires_on=add_months(start, months), start=start, estimated=estimated, months=months
    )


def reminders_due(
    deadline: Deadline, now: datetime, already_sent: Iterable[int], tz: ZoneInfo = PARIS
) -> list[int]:
    """The reminder marks (30, 7) reached and not yet sent, largest first; none once expired.

    When several are due at once (a mention detected late), send one reminder for the
    smallest mark and record all of them as sent, so the larger one never fires afterwards.
    """
    left = deadline.days_left(now, tz)
    if left < 0:
        return []
    sent = set(already_sent)
    return [mark for mark in REMINDER_MARKS if left <= mark and mark not in sent]


def mention_reminders_due(
    mention: StoredMention,
    now: datetime,
    already_sent: Iterable[int],
    *,
    discriminatory: bool | None = None,
    tz: ZoneInfo = PARIS,
) -> list[int]:
    """`reminders_due` for a stored mention: none unless legal-risk and not yet handled."""
    if not mention.flags or mention.handled_at is not None:
        return []
    deadline = press_deadline(mention, discriminatory=discriminatory, tz=tz)
    return reminders_due(deadline, now, already_sent, tz)


def deadline_sentence(deadline: Deadline, now: datetime, language: str = "fr") -> str:
    """One line for alerts and reminders: the last day, how far it is, and what it counts from."""
    return messages(language).deadline_line(
        deadline.expires_on,
        deadline.days_left(now),
        deadline.estimated,
        deadline.basis_in(language),
    )
