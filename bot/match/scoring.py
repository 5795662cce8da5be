"""The points a name earns and needs, and the most it could still earn before its context is read.

`judge_person` adds, to what the surname says on its own, up to 1 for the first name (0.75
for an initial), 1 for a title, 1 for the specialty and 1 for the city, and asks for at
least `need_floor`. Each of those needs a word present in the text (a first name, an
initial, a title, a specialty's or a place's first word), so `could_match` bounds the score
from the text's words alone: a candidate whose best case stays below its floor is dropped
without reading its context. The bound changes no result as long as it stays at or above
what `judge_person` can award: keep the two in step."""

from __future__ import annotations

from bot.match.index import Person
from bot.match.names import DROPPED, FUZZY, PARTIAL

THRESHOLD = 2.0
STRICT = 3.0
LOOSE = 2.5  # a misspelt surname, or one without its particle
IMPOSSIBLE = 99.0
SPEC_MAX = CITY_MAX = 1.0  # what the specialty and the city add at most


def need_floor(p: Person, quality: float, first_pts: float) -> float:
    """The least score `judge_person` can ask of an occurrence of this quality."""
    if quality == PARTIAL:
        return STRICT
    if quality in (FUZZY, DROPPED):
        return LOOSE
    if p.common and not first_pts:
        return STRICT
    return THRESHOLD


def context_max(
    p: Person, present: frozenset[str], scoped_depts: frozenset[str]
) -> tuple[float, float]:
    """The most the specialty and the city can add for `p` in a text made of `present`."""
    spec = SPEC_MAX if not p.spec_words.isdisjoint(present) else 0.0
    city = CITY_MAX if scoped_depts or not p.city_words.isdisjoint(present) else 0.0
    return spec, city


def could_match(
    p: Person,
    quality: float,
    present: frozenset[str],
    has_title: bool,
    scoped_depts: frozenset[str],
) -> bool:
    """False when `p`, at an occurrence of this quality, can neither match nor be a homonym."""
    if p.first_word in present:
        return True  # a whole first name may be beside it: leave it to the full check
    first_max = 0.75 if p.initial in present else 0.0
    best = quality + first_max
    if has_title:
        best += 1.0
    if not p.spec_words.isdisjoint(present):
        best += SPEC_MAX
    if scoped_depts or not p.city_words.isdisjoint(present):
        best += CITY_MAX
    if best < THRESHOLD or best >= STRICT:  # below or above every floor
        return best >= STRICT
    return best >= need_floor(p, quality, first_max)
