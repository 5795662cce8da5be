"""Dates for people (Europe/Paris, written the French way) and for evidence (UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def format_date(value: date | datetime, lang: str = "fr", tz: ZoneInfo | None = None) -> str:
    """« 3 mars 2026 » (or « 1er mars 2026 »); "March 3, 2026" in English."""
    if isinstance(value, datetime) and tz is not None:
        value = value.astimezone(tz)
    if lang == "en":
        return f"{MONTHS_EN[value.month - 1]} {value.day}, {value.year}"
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS_FR[value.month - 1]} {value.year}"


def format_datetime(value: datetime, tz: ZoneInfo, lang: str = "fr") -> str:
    """« 3 mars 2026 à 14 h 05 » in the team's time zone."""
    local = value.astimezone(tz)
    if lang == "en":
        return f"{format_date(local, 'en')} at {local:%H:%M}"
    return f"{format_date(local, 'fr')} à {local.hour} h {local.minute:02d}"


def format_utc(value: datetime) -> str:
    """Evidence time: « 2026-03-03 13:05:09 UTC »."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
