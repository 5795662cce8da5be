"""One case for one story: a text copied across sites, or a wave of negative reviews on a listing.

The monitor asks here, before storing new mentions, whether they continue a case: a near
duplicate of a text the team already has (MinHash index, `bot/neardup.py`) becomes a short
« repris sur N sites » alert instead of a new full one; negative reviews on one listing that
reach the team's threshold (3 in 48 h by default) become one grouped « vague » alert.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

from bot.chat.places import place_of
from bot.clock import utcnow
from bot.match.neardup import NearDupIndex, Signature, signature
from bot.models import Mention, Severity, StoredMention, Triage
from bot.store import Store
from bot.store.cases import WaveSettings

#: Kinds of source whose items are reviews of one listing or page (where a wave can happen).
WAVE_KINDS = frozenset({"places", "business", "page"})


def text_signature(title: str | None, text: str) -> Signature | None:
    """The signature of a mention's text (a title alone is too generic to call a copy)."""
    return signature(text)


def is_negative(verdict: Triage, rating: int | None) -> bool:
    """A review that counts towards a wave: 1–2★, a negative tone, or a legal risk."""
    low = rating is not None and rating <= 2
    return low or verdict.severity is Severity.NEGATIVE or bool(verdict.flags)


@dataclass
class CopyPlan:
    """A new mention that repeats a text the team already has."""

    case_id: int
    similarity: float
    announced: bool  # a full alert already went out for this text


@dataclass
class WavePlan:
    """New negative reviews of one listing that make (or extend) a wave."""

    wave: WaveSettings
    earlier: list[StoredMention]
    case_id: int | None  # an announced wave still open, or None for a new one
    new_indexes: set[int] = field(default_factory=set)


class Grouping:
    """The near-duplicate index of every team's mentions and the case decisions."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.index = NearDupIndex()
        self.lock = asyncio.Lock()
        self._loaded = False

    async def load(self) -> None:
        """Index every stored mention once (in a worker thread: 100k texts take seconds)."""
        if self._loaded:
            return
        rows = await self.store.cases.texts()

        def build() -> None:
            items = []
            for mention_id, team_id, title, text in rows:
                sig = text_signature(title, text)
                if sig is not None:
                    items.append((mention_id, team_id, sig))
            self.index.add_many(items)

        await asyncio.to_thread(build)
        self._loaded = True

    async def copy_plan(self, team_id: int, sig: Signature | None, where: str) -> CopyPlan | None:
        """Whether a new text repeats one the team has on another site: its case, and whether
        it was announced. A near duplicate on the original's own site is a different item (a
        template, a second review), not the text spreading: it is left alone here."""
        if sig is None:
            return None
        await self.load()
        matches = self.index.query(team_id, sig)
        if not matches:
            return None
        roots: list[tuple[int, float]] = []
        for match in matches:
            case_id = await self.store.cases.case_of(match.item_id, "copy")
            roots.append((case_id or match.item_id, max(match.jaccard, match.containment)))
        case_id, score = min(roots)
        members = await self.store.cases.members(team_id, case_id, "copy")
        if not members or place_of(members[0]) == where:
            return None  # purged since the index was loaded, or on the original's own site
        announced = await self.store.cases.alerted([m.id for m in members])
        return CopyPlan(case_id, score, announced)

    def remember(self, mention_id: int, team_id: int, sig: Signature | None) -> None:
        """Add a stored mention to the index."""
        if sig is not None:
            self.index.add(mention_id, team_id, sig)

    async def wave_plan(
        self, team_id: int, source_id: int, kind: str, fresh: list[tuple[Mention, Triage]]
    ) -> WavePlan | None:
        """Negative reviews of a listing reaching the team's threshold, with the earlier ones."""
        if kind not in WAVE_KINDS:
            return None
        wave = await self.store.cases.wave_settings(team_id)
        since = utcnow() - timedelta(hours=wave.window_hours)
        negatives = {
            i
            for i, (m, v) in enumerate(fresh)
            if is_negative(v, m.rating) and (m.published_at is None or m.published_at >= since)
        }
        if not negatives:
            return None
        earlier = await self.store.cases.recent_negatives(source_id, since)
        open_case = None
        for m in earlier:
            open_case = open_case or await self.store.cases.case_of(m.id, "wave")
        if open_case is None and len(earlier) + len(negatives) < wave.min_reviews:
            return None
        return WavePlan(wave, earlier, open_case, negatives)
