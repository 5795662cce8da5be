"""How a watched person's name is written: first name, surname, and the surname's variants."""

from __future__ import annotations

import re

from bot.match.lexicon import Lex
from bot.match.normalize import fold

# How much a surname occurrence says on its own.
FULL, PARTIAL = 1.0, 0.0
FUZZY = 0.5
DROPPED = 0.55  # the surname without its particle: « Gall » for « Le Gall »
LABELS = {
    FULL: "nom",
    PARTIAL: "nom partiel",
    FUZZY: "nom approché",
    DROPPED: "nom sans particule",
}
PROFESSOR = frozenset({"pr", "professeur", "professeure"})


def split_name(name: str, lex: Lex) -> tuple[list[str], list[str]]:
    """First-name words and surname words of a practitioner's name."""
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    while len(words) > 1 and fold(words[0]).strip(".") in lex.titles:
        words.pop(0)
    if len(words) <= 1:
        return [], words
    upper = [i for i, w in enumerate(words) if len(w) > 1 and w.isupper()]
    if upper and len(upper) < len(words):
        return [w for i, w in enumerate(words) if i not in upper], [words[i] for i in upper]
    for i in range(1, len(words) - 1):
        if fold(words[i]).strip(".") in lex.particles:
            return words[:i], words[i:]
    return words[:-1], words[-1:]


def surname_variants(sur: tuple[str, ...], lex: Lex) -> list[tuple[tuple[str, ...], float]]:
    """The ways a surname is written, each with how much it says on its own."""
    core = tuple(t for t in sur if t not in lex.particles) or sur
    lead = 0
    while lead < len(sur) and sur[lead] in lex.particles:
        lead += 1
    out: list[tuple[tuple[str, ...], float]] = []
    for k in range(lead + 1):
        tail = sur[k:]
        if k < lead or tail == sur:
            out.append((tail, FULL))
            if len(tail) > 1:
                out.append((("".join(tail),), FULL))
    if lead and len(core) == len(sur) - lead:
        out.append((core, DROPPED))
    if len(core) > 1:
        out.append((core, FULL))
        out.append((("".join(core),), FULL))
        out.extend(((c,), PARTIAL) for c in core)
    seen: dict[tuple[str, ...], float] = {}
    for variant, quality in out:
        seen[variant] = max(quality, seen.get(variant, PARTIAL))
    return list(seen.items())
