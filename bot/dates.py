"""Dates for people (Europe/Paris, written the French way) and for evidence (UTC), in one place."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime (naive values are taken as UTC, as the store writes them)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def local_date(value: datetime, tz: ZoneInfo = PARIS) -> date:
    """The calendar day a moment falls on for people in the practice's time zone."""
    return as_utc(value).astimezone(tz).date()


def format_date_fr(day: date) -> str:
    """ "3 mars 2026", "1er mai 2026": the date as a French letter writes it."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {_MONTHS_FR[day.month - 1]} {day.year}"


def format_date_en(day: date) -> str:
    """ "3 March 2026": the date as a British letter writes it."""
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def format_date(day: date, language: str) -> str:
    """The date in the team's language (French unless "en")."""
    return format_date_en(day) if language == "en" else format_date_fr(day)


def format_datetime_fr(value: datetime, tz: ZoneInfo = PARIS) -> str:
    """ "3 mars 2026 à 15 h 05": a moment for people, in Paris time."""
    local = as_utc(value).astimezone(tz)
    return f"{format_date_fr(local.date())} à {local.hour} h {local.minute:02d}"


def format_datetime_en(value: datetime, tz: ZoneInfo = PARIS) -> str:
    """ "3 March 2026 at 15:05": a moment for people, in Paris time."""
    local = as_utc(value).astimezone(tz)
    return f"{format_date_en(local.date())} at {local.hour:02d}:{local.minute:02d}"


def format_datetime(value: datetime, language: str, tz: ZoneInfo = PARIS) -> str:
    """A moment for people in the team's language, in Paris time."""
    return format_datetime_en(value, tz) if language == "en" else format_datetime_fr(value, tz)


def format_datetime_utc(value: datetime) -> str:
    """ "2026-03-03 14:05:09 UTC": an evidence time, unambiguous in any country."""
    return as_utc(value).strftime("%Y-%m-%d %H:%M:%S UTC")


def format_capture_time(value: datetime) -> str:
    """ "2026-03-03 14:05:09 UTC (15:05:09 heure de Paris)": the one form of a capture's instant.

    The same text is drawn in the band and written in the manifest, the chat, the letters and
    the case file, so no two documents can disagree about when a capture was taken.
    """
    utc = as_utc(value)
    local = utc.astimezone(PARIS)
    day = "" if local.date() == utc.date() else f"{local:%Y-%m-%d} "
    return f"{utc:%Y-%m-%d %H:%M:%S} UTC ({day}{local:%H:%M:%S} heure de Paris)"
