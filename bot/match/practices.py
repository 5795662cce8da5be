"""Practice names (« Cabinet des Tilleuls »): where they are written, and what precedes them."""

from __future__ import annotations

from bot.match.doc import Doc
from bot.match.index import Phrase, Place
from bot.match.lexicon import sing
from bot.match.support import street


def place_occurrences(doc: Doc) -> list[tuple[int, int, int, bool]]:
    """(place, first word, last word, whole name written) for each practice name in the text."""
    index = doc.index.place_index
    if not index or index.keys().isdisjoint(doc.w):
        return []
    sw = [sing(x) for x in doc.w]
    out: list[tuple[int, int, int, bool]] = []
    for i, word in enumerate(doc.w):
        for idx, pi in index.get(word, ()):
            phrase = doc.index.places[idx].phrases[pi]
            s = _core_start(doc, sw, i, phrase.core)
            if s < 0:
                continue
            full, first, last = _phrase_around(doc, sw, s, i, phrase)
            if full:
                out.append((idx, first, last, True))
            elif not phrase.weak:
                out.append((idx, s, i, False))
    return out


def _core_start(doc: Doc, sw: list[str], i: int, core: tuple[str, ...]) -> int:
    """Where the core name ending at word i starts (particles may sit between its words)."""
    parts = doc.lex.particles
    j = i
    for k, word in enumerate(reversed(core)):
        if k:
            while j >= 0 and doc.w[j] in parts and sw[j] != word:
                j -= 1
        if j < 0 or sw[j] != word:
            return -1
        j -= 1
    return j + 1


def _phrase_around(
    doc: Doc, sw: list[str], s: int, e: int, phrase: Phrase
) -> tuple[bool, int, int]:
    """Whether the whole name is written around the core s..e, and its span."""
    parts = doc.lex.particles
    j = s - 1
    for word in reversed(phrase.before):
        while j >= 0 and doc.w[j] in parts:
            j -= 1
        if j < 0 or sw[j] != word:
            return False, s, e
        j -= 1
    first = j + 1
    j = e + 1
    for word in phrase.after:
        while j < doc.n and doc.w[j] in parts:
            j += 1
        if j >= doc.n or sw[j] != word:
            return False, s, e
        j += 1
    return True, first, j - 1


def judge_place(doc: Doc, p: Place, start: int, end: int, full: bool) -> tuple[float, str] | None:
    """Points and reason for practice `p` named at start..end; None when it is not theirs."""
    lex = doc.lex
    if not full:
        head: list[str] = []
        j = start - 1
        while j >= 0 and len(head) < 3 and not doc.boundary(j + 1):
            if doc.w[j] not in lex.particles:
                head.append(sing(doc.w[j]))
            j -= 1
        if any(h in lex.place_conflict for h in head):
            return None
        if not any(h in p.generic for h in head):
            return None
    elif street(doc, start):
        return None
    points = 2.0
    extras = []
    city = doc.city_evidence(p.depts, start, end)
    if city is None:
        return None
    if city:
        points += city
        extras.append("ville")
    return points, " + ".join(["nom de l'établissement", *extras])
