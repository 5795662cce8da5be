"""UTC time for evidence and storage; one place to read the clock, (de)serialise it and add
bounded delays to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def to_iso(value: datetime) -> str:
    """Serialise an aware datetime as ISO 8601 in UTC (naive values are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(value: str | None) -> datetime | None:
    """Parse what `to_iso` wrote (None stays None)."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


#: The longest delay Vigie ever schedules (a poll, a retry, a platform's « retry after »).
MAX_DELAY = timedelta(days=30)


def bounded_seconds(seconds: float) -> float:
    """A delay in seconds within [0, MAX_DELAY]; NaN counts as 0, infinity as the maximum."""
    if seconds != seconds or seconds <= 0:  # NaN or negative
        return 0.0
    longest = MAX_DELAY.total_seconds()
    return longest if seconds >= longest else float(seconds)


def later(seconds: float) -> datetime:
    """Now plus a delay, bounded so that no outside value can overflow a date."""
    return utcnow() + timedelta(seconds=bounded_seconds(seconds))
