"""Listing figures compared poll to poll: reviews Google counts but does not show, and a falling
average — for any source that reports a review count and a rating (Google listings, pages with
schema.org `AggregateRating`). Pure: state in, decisions and new state out.

Places API returns at most five « most relevant » reviews: a new 1★ review Google does not rank
among them is only visible as a count that grows. The figures are kept in the source's state
and replaced at each poll, so each change is told once; a re-ranking of the returned reviews
changes neither the count nor the rating and tells nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

SAMPLES_KEPT = 120


@dataclass(frozen=True, slots=True)
class HiddenReviews:
    """The count grew (or the rating moved) beyond what the returned reviews explain."""

    hidden: int
    count_before: int | None
    count_after: int | None
    rating_before: float | None
    rating_after: float | None


@dataclass(frozen=True, slots=True)
class FallingAverage:
    """The average fell by at least the threshold within the window."""

    high: float
    now: float
    days: int


ListingEvent = HiddenReviews | FallingAverage


def _float(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def compare(
    previous: dict[str, object] | None,
    summary: dict[str, object],
    *,
    new_visible: int,
    today: date,
    window_days: int = 30,
    drop: float = 0.2,
    shows_all: bool = False,
) -> tuple[list[ListingEvent], dict[str, object] | None]:
    """What changed since the last poll, and the figures to keep for the next one.

    `new_visible` counts the reviews of this poll never seen before; `shows_all` says the
    source lists every review (Business Profile), so nothing can be hidden. Nothing is told on
    the first poll (no previous figures) nor when the source reports no figures at all.
    """
    count = _int(summary.get("count"))
    rating = _float(summary.get("rating"))
    if count is None and rating is None:
        return [], previous
    samples = _samples(previous)
    if rating is not None:  # one sample a day: the day's highest rating
        day = today.isoformat()
        best = max([r for d, r in samples if d == day] + [rating])
        samples = [s for s in samples if s[0] != day] + [(day, best)]
    oldest = (today - timedelta(days=window_days)).isoformat()
    samples = [s for s in samples if s[0] >= oldest][-SAMPLES_KEPT:]
    kept: dict[str, object] = {
        "count": count,
        "rating": rating,
        "samples": [[d, r] for d, r in samples],
        "drop_told": previous.get("drop_told") if previous else None,
    }
    events: list[ListingEvent] = []
    if previous is None:
        return events, kept
    count_before = _int(previous.get("count"))
    rating_before = _float(previous.get("rating"))
    grown = count - count_before if count is not None and count_before is not None else 0
    hidden = grown - new_visible
    rating_moved = (
        rating is not None and rating_before is not None and abs(rating - rating_before) >= 0.05
    )
    if not shows_all and (hidden > 0 or (rating_moved and new_visible == 0 and grown >= 0)):
        events.append(HiddenReviews(max(hidden, 0), count_before, count, rating_before, rating))
    if rating is not None and samples:
        high = max(r for _, r in samples)
        told = _float(kept["drop_told"])
        if high - rating >= drop - 1e-9 and (told is None or rating < told - 1e-9):
            events.append(FallingAverage(high, rating, window_days))
            kept["drop_told"] = rating
        elif told is not None and rating >= high - 1e-9:
            kept["drop_told"] = None  # recovered: a new fall will be told again
    return events, kept


def _samples(previous: dict[str, object] | None) -> list[tuple[str, float]]:
    raw = previous.get("samples") if previous else None
    out: list[tuple[str, float]] = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str):
            value = _float(item[1])
            if value is not None:
                out.append((item[0], value))
    return out
