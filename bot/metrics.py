"""Counters the process keeps for the metrics endpoint (what the database cannot tell)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

CAPTURES_KEPT = 1000
CAPTURE_BUCKETS = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0)


@dataclass
class Metrics:
    """Polls by outcome since start; the rest of the figures are read from the store."""

    polls: Counter[str] = field(default_factory=Counter)  # ok, not_modified, failed
    capture_seconds: list[float] = field(default_factory=list)  # the last CAPTURES_KEPT
    capture_count: int = 0
    capture_sum: float = 0.0
    capture_buckets: list[int] = field(default_factory=lambda: [0] * len(CAPTURE_BUCKETS))

    def poll_done(self, *, error: str | None, not_modified: bool) -> None:
        """Count one poll of one source."""
        self.polls["failed" if error else "not_modified" if not_modified else "ok"] += 1

    def capture_done(self, seconds: float) -> None:
        """Count one capture and how long it took (queue excluded)."""
        self.capture_count += 1
        self.capture_sum += seconds
        self.capture_seconds.append(seconds)
        del self.capture_seconds[:-CAPTURES_KEPT]
        for i, bound in enumerate(CAPTURE_BUCKETS):
            if seconds <= bound:
                self.capture_buckets[i] += 1
