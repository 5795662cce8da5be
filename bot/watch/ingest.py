"""One poll's items turned into events to store: dedupe → match → triage, pure (no I/O)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from bot.models import Mention, Triage
from bot.triage.classify import triage


def content_hash(m: Mention) -> str:
    """What makes two versions of a review different: text, title and rating."""
    material = f"{m.rating}\x1f{m.title or ''}\x1f{m.text}".encode()
    return hashlib.sha256(material).hexdigest()


@dataclass(frozen=True, slots=True)
class NewItem:
    """A mention never seen on this source that concerns at least one of the team's watches."""

    mention: Mention
    digest: str
    watch_ids: tuple[int, ...]
    verdict: Triage


@dataclass(frozen=True, slots=True)
class EditedItem:
    """A known mention whose content changed (`watch_ids` empty: keep the stored ones)."""

    mention_id: int
    mention: Mention
    digest: str
    watch_ids: tuple[int, ...]
    verdict: Triage


@dataclass
class IngestPlan:
    """What one poll brought, in the order it came: the events the monitor will store."""

    items: list[NewItem | EditedItem] = field(default_factory=list)
    vanished: list[int] = field(default_factory=list)
    baseline: bool = False

    @property
    def new(self) -> list[NewItem]:
        """The new mentions."""
        return [i for i in self.items if isinstance(i, NewItem)]

    @property
    def edited(self) -> list[EditedItem]:
        """The edited mentions."""
        return [i for i in self.items if isinstance(i, EditedItem)]

    def baseline_tally(self) -> tuple[int, int, float | None]:
        """For a new source's first poll: how many items, how many risky, their mean rating."""
        new = self.new
        ratings = [i.mention.rating for i in new if i.mention.rating]
        risky = sum(1 for i in new if i.verdict.flags)
        average = sum(ratings) / len(ratings) if ratings else None
        return len(new), risky, average


Concerned = Callable[[Mention], list[int]]


def ingest(
    mentions: Iterable[Mention],
    *,
    known: Mapping[str, tuple[int, str]],
    concerned: Concerned,
    complete: bool,
    baseline: bool,
) -> IngestPlan:
    """Sort a poll's items into new, edited and vanished ones; match and triage the changed ones.

    `known` maps each external id already stored for this source to (mention id, content hash);
    `concerned` says which of the team's watches a mention concerns; `complete` means the
    source returned its whole listing, so a known item missing from it has vanished (never
    decided on a source's first poll, its `baseline`).
    """
    plan = IngestPlan(baseline=baseline)
    seen: set[str] = set()
    for mention in mentions:
        seen.add(mention.external_id)
        digest = content_hash(mention)
        previous = known.get(mention.external_id)
        if previous is not None and previous[1] == digest:
            continue
        watch_ids = concerned(mention)
        if previous is None and not watch_ids:
            continue
        verdict = triage(mention.text, title=mention.title, rating=mention.rating)
        if previous is None:
            plan.items.append(NewItem(mention, digest, tuple(watch_ids), verdict))
        else:
            plan.items.append(EditedItem(previous[0], mention, digest, tuple(watch_ids), verdict))
    if complete and not baseline:
        plan.vanished = [mid for ext, (mid, _) in known.items() if ext not in seen]
    return plan
