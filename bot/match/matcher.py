"""Decides which watched names a text speaks of, from an index of name words, not a fuzzy scan.

A name found in the text is only a candidate: it becomes a match when the words around it
support it (first name, title, specialty, city) and nothing contradicts it (another first
name, another trade, another city, a street named after someone). The parts live in
`bot.match`: vocabularies, the compiled watchlist, the cheap pre-filter, the text under
examination, the context rules, and the person and practice judges.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.match.doc import Doc
from bot.match.index import Person, WatchIndex
from bot.match.normalize import flat_words, fold_flat, split_handles, tokenize, tokens
from bot.match.persons import (
    HOMONYM,
    INITIALS_RE,
    Occurrence,
    initial_matches,
    judge_person,
    person_occurrences,
    shared_surname_losers,
)
from bot.match.practices import judge_place, place_occurrences
from bot.match.prefilter import fuzzy_hits, plausible
from bot.models import Watch

_TITLE_REVIEWER_RE = re.compile(r"^\s*avis (?:de|d'|d’)\s*[^—–|·]*[—–|·]?", re.IGNORECASE)


@dataclass(frozen=True)
class Match:
    """A watched entry a text concerns, how sure we are, and why in a few French words."""

    watch_id: int
    score: float
    reason: str


class Matcher:
    """Finds the watched entries a text concerns; rebuilt whenever the watchlist changes."""

    def __init__(self, watches: Iterable[Watch]) -> None:
        self._index = WatchIndex(watches)

    def match(
        self, text: str, *, title: str | None = None, scoped_watch_id: int | None = None
    ) -> list[Match]:
        """The watched entries `text` (and its `title`) concern, best first."""
        index = self._index
        found: dict[int, Match] = {}
        scoped = index.by_id.get(scoped_watch_id) if scoped_watch_id is not None else None
        if scoped is not None and scoped_watch_id is not None:
            found[scoped_watch_id] = Match(scoped_watch_id, 1.0, "annonce rattachée à la fiche")
        head = _TITLE_REVIEWER_RE.sub("", title).strip() if title else ""
        raw = f"{head}\n{text}" if head else text
        if "@" in raw or "#" in raw:
            raw = split_handles(raw)
            head = split_handles(head)
        flat = fold_flat(raw)
        words = flat.split() if flat is not None else tokens(raw)
        anchors = index.anchors.intersection(words)
        present = frozenset(words) if anchors else None
        hit = present is not None and plausible(index, anchors, present, raw, scoped)
        fuzzy = fuzzy_hits(index, words) if index.fuzzy else []
        initials = (
            index.initials
            and not index.lex.titles.isdisjoint(words)
            and INITIALS_RE.search(raw) is not None
        )
        if hit or fuzzy or initials:
            if flat is not None:
                doc = Doc((raw, *flat_words(flat)), len(head), index, scoped, present)
            else:
                tk = tokenize(raw)
                doc = Doc((raw, tk.words, tk.starts, tk.ends), len(head), index, scoped)
            for wid, (points, reason) in _evaluate(doc, fuzzy, bool(initials)).items():
                m = Match(wid, round(min(points / 4.0, 0.99), 2), reason)
                old = found.get(wid)
                if old is None or old.score < m.score:
                    found[wid] = m
        if len(found) < 2:
            return list(found.values())
        return sorted(found.values(), key=lambda m: (-m.score, m.watch_id))


def _evaluate(
    doc: Doc, fuzzy: list[tuple[int, int]], initials: bool
) -> dict[int, tuple[float, str]]:
    """Best (points, reason) per watch id; a person shown to be a homonym is dropped.

    `initials` is False when the text cannot name anyone by initials (no « Dr C. M. »)."""
    index = doc.index
    best: dict[int, tuple[float, str]] = {}
    homonyms: set[int] = set()
    hits: list[tuple[Person, Occurrence, str]] = []
    for idx, occ in person_occurrences(doc, fuzzy):
        person = index.persons[idx]
        res = judge_person(doc, person, occ)
        if res is HOMONYM:
            homonyms.add(person.watch_id)
        elif res:
            hits.append((person, occ, res[1]))
            if person.watch_id not in best or best[person.watch_id][0] < res[0]:
                best[person.watch_id] = res
    if len(hits) > 1:
        homonyms |= shared_surname_losers(doc, hits)
    for wid in homonyms:
        best.pop(wid, None)
    for idx, start, end, full in place_occurrences(doc):
        place = index.places[idx]
        res = judge_place(doc, place, start, end, full)
        if res and (place.watch_id not in best or best[place.watch_id][0] < res[0]):
            best[place.watch_id] = res
    for idx, res in initial_matches(doc) if initials else ():
        wid = index.persons[idx].watch_id
        if wid not in best or best[wid][0] < res[0]:
            best[wid] = res
    return best
