"""Cheap tests on a text's bare words, so most texts are dismissed before any full reading."""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from bot.match.index import Person, Place, WatchIndex
from bot.match.scoring import could_match

_NOWHERE: frozenset[str] = frozenset()  # no page scoping here: scoped texts always pass


def plausible(
    index: WatchIndex,
    found: frozenset[str],
    present: frozenset[str],
    raw: str,
    scoped: Person | Place | None,
) -> bool:
    """Cheap test: could any watch whose name is among `found` pass the full check?

    `found` are the text's words that end a watched name, `present` all its words. A bare
    surname never suffices; a match also needs a first name or initial, a title, the
    specialty or a compatible city, so a text without any of those is skipped whole, and so
    is one where no candidate could reach its threshold (`could_match`).
    """
    if scoped is not None or not found.isdisjoint(index.place_keys):
        return True
    if not index.lex.fuzzy_gate.isdisjoint(present) or "M." in raw:
        return True
    persons = index.persons
    if all(
        persons[idx].support.isdisjoint(present)
        for word in found
        for idx, _, _ in index.person_index[word]
    ):
        return False
    has_title = not index.lex.titles.isdisjoint(present)
    return any(
        could_match(persons[idx], quality, present, has_title, _NOWHERE)
        for word in found
        for idx, _, quality in index.person_index[word]
    )


def fuzzy_hits(index: WatchIndex, words: list[str]) -> list[tuple[int, int]]:
    """(word position, person) pairs for a slightly misspelt surname after a title."""
    present = index.lex.fuzzy_gate.intersection(words)
    if not present:
        return []
    out: list[tuple[int, int]] = []
    anchors = index.anchors
    fuzzy = index.fuzzy
    n = len(words)
    for title in present:
        for i in [i for i, word in enumerate(words) if word == title]:
            j = i + 1
            if j < n and len(words[j]) == 1:
                j += 1
            if j >= n:
                continue
            w = words[j]
            if len(w) < 5 or w in anchors:
                continue
            for idx, name in fuzzy.get(w[:3], ()):
                if (
                    abs(len(name) - len(w)) <= 1
                    and Levenshtein.distance(w, name, score_cutoff=1) <= 1
                ):
                    out.append((j, idx))
    return out
