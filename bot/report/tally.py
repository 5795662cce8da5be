"""One group's counts and ratings (team, watched name, source), accumulated in a single pass."""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import Severity, StoredMention


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts and ratings of a group of mentions (the team, a watched name, a source)."""

    total: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    risky: int = 0
    open_risky: int = 0
    rated: int = 0
    average: float | None = None
    recent_total: int = 0
    recent_average: float | None = None
    previous_average: float | None = None

    @property
    def negative_share(self) -> float | None:
        """Negative mentions over all mentions; None when there are none."""
        return self.negative / self.total if self.total else None


class Counter:
    """Accumulates one `Tally` in a single pass."""

    __slots__ = (
        "negative",
        "neutral",
        "open_risky",
        "positive",
        "previous_rated",
        "previous_sum",
        "rated",
        "rating_sum",
        "recent_rated",
        "recent_sum",
        "recent_total",
        "risky",
        "total",
    )

    def __init__(self) -> None:
        self.total = self.positive = self.neutral = self.negative = 0
        self.risky = self.open_risky = self.rated = self.rating_sum = 0
        self.recent_total = self.recent_rated = self.recent_sum = 0
        self.previous_rated = self.previous_sum = 0

    def add(self, m: StoredMention, period: int) -> None:
        """Count a mention; `period` is 0 (recent), 1 (the period before) or 2 (older)."""
        self.total += 1
        if m.severity is Severity.POSITIVE:
            self.positive += 1
        elif m.severity is Severity.NEGATIVE:
            self.negative += 1
        else:
            self.neutral += 1
        if m.flags:
            self.risky += 1
            if m.handled_at is None:
                self.open_risky += 1
        if period == 0:
            self.recent_total += 1
        rating = m.rating
        if rating is not None and 1 <= rating <= 5:
            self.rated += 1
            self.rating_sum += rating
            if period == 0:
                self.recent_rated += 1
                self.recent_sum += rating
            elif period == 1:
                self.previous_rated += 1
                self.previous_sum += rating

    def freeze(self) -> Tally:
        """The counted figures."""
        return Tally(
            total=self.total,
            positive=self.positive,
            neutral=self.neutral,
            negative=self.negative,
            risky=self.risky,
            open_risky=self.open_risky,
            rated=self.rated,
            average=self.rating_sum / self.rated if self.rated else None,
            recent_total=self.recent_total,
            recent_average=self.recent_sum / self.recent_rated if self.recent_rated else None,
            previous_average=(
                self.previous_sum / self.previous_rated if self.previous_rated else None
            ),
        )
