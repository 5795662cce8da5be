"""The matching vocabularies (titles, particles, cities, specialties, trades), loaded once."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from bot.match.normalize import lexicon_lines, lexicon_text, tokens
from bot.match.phrases import PhraseIndex


def _words(items: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for item in items:
        out.update(tokens(item))
    return frozenset(out)


def _phrases(items: Iterable[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(t for t in (tuple(tokens(i)) for i in items) if t)


def sing(word: str) -> str:
    """A word without its plural mark, so « Tilleul » and « Tilleuls » agree."""
    if len(word) > 3 and word[-1] in "sx" and not word[-2].isdigit():
        return word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class Lex:
    """Every word list the matcher consults, folded and indexed."""

    titles: frozenset[str]
    other_titles: frozenset[str]
    particles: frozenset[str]
    liaison: frozenset[str]
    streets: frozenset[str]
    place_generic: frozenset[str]
    place_conflict: frozenset[str]
    first_names: frozenset[str]
    common_words: frozenset[str]
    cities: PhraseIndex[str]
    ambiguous_cities: frozenset[tuple[str, ...]]
    zones: dict[str, str]
    specialties: PhraseIndex[frozenset[str]]
    specific: frozenset[tuple[str, ...]]
    roles: PhraseIndex[bool]
    fuzzy_gate: frozenset[str]
    dept_words: dict[str, frozenset[str]]
    group_words: dict[str, frozenset[str]]
    offtopic: frozenset[str]  # sport, show business, advertising: a celebrity namesake's world
    animal: frozenset[str]  # a vet's world: a namesake « Dr » there is not the watched one
    health: frozenset[str]  # care words that keep a name in the practitioner's world
    physician_words: frozenset[str]  # « médecin », « toubib »: a doctor, not a dentist
    non_physicians: frozenset[str]  # specialty groups that are not doctors


def city_index(extra: tuple[tuple[tuple[str, ...], str], ...] = ()) -> PhraseIndex[str]:
    """Communes, demonyms and abbreviations to their département, plus `extra` places."""
    c = json.loads(lexicon_text("cities.json"))
    cities: PhraseIndex[str] = PhraseIndex()
    for dept, names in c["communes"].items():
        for name in names:
            cities.add(tuple(tokens(name)), dept)
    canonical = {tuple(tokens(n)): d for d, ns in c["communes"].items() for n in ns}
    for table in (c["gentiles"], c["abreviations"]):
        for alias, city in table.items():
            dept = canonical.get(tuple(tokens(city)))
            if dept:
                cities.add(tuple(tokens(alias)), dept)
    for phrase, dept in extra:
        cities.add(phrase, dept)
    return cities


def _first_words_by(pairs: Iterable[tuple[tuple[str, ...], str]]) -> dict[str, frozenset[str]]:
    """For each value, the first words of the phrases that lead to it."""
    out: dict[str, set[str]] = {}
    for phrase, value in pairs:
        out.setdefault(value, set()).add(phrase[0])
    return {k: frozenset(v) for k, v in out.items()}


def _zone_words(
    by_dept: dict[str, frozenset[str]], zones: dict[str, str]
) -> dict[str, frozenset[str]]:
    """Each département's place words, with those of the other départements of its zone."""
    out = {}
    for dept, words in by_dept.items():
        zone = zones.get(dept)
        merged = set(words)
        if zone is not None:
            for other, more in by_dept.items():
                if zones.get(other) == zone:
                    merged |= more
        out[dept] = frozenset(merged)
    return out


@cache
def lexicon() -> Lex:
    """Loads the data files once per process."""
    m = json.loads(lexicon_text("matching.json"))
    c = json.loads(lexicon_text("cities.json"))
    s = json.loads(lexicon_text("specialties.json"))
    cities = city_index()
    zones = {dept: str(i) for i, zone in enumerate(c["zones"]) for dept in zone}
    specialties: PhraseIndex[frozenset[str]] = PhraseIndex()
    specific: set[tuple[str, ...]] = set()
    for group, variants in s["groupes"].items():
        for v in variants:
            specialties.add(tuple(tokens(v)), frozenset({group}))
            specific.add(tuple(tokens(v)))
    for word, groups in s["familles"].items():
        specialties.add(tuple(tokens(word)), frozenset(groups))
    roles: PhraseIndex[bool] = PhraseIndex()
    for line in lexicon_lines("roles.txt"):
        roles.add(tuple(tokens(line)), True)
    titles = _words(m["titres"])
    return Lex(
        titles=titles,
        other_titles=_words(m["titres_autres"]),
        particles=_words(m["particules"]),
        liaison=_words(m["liaison"]),
        streets=_words(m["voies"]),
        place_generic=frozenset(sing(w) for w in _words(m["etablissements"])),
        place_conflict=frozenset(sing(w) for w in _words(m["etablissements_autres"])),
        first_names=_words(lexicon_lines("first_names.txt")),
        common_words=_words(lexicon_lines("common_words.txt")),
        cities=cities,
        ambiguous_cities=_phrases(c["ambigus"]),
        zones=zones,
        specialties=specialties,
        specific=frozenset(specific),
        roles=roles,
        fuzzy_gate=titles - {"m"},
        dept_words=_zone_words(_first_words_by(cities.items()), zones),
        group_words=_first_words_by(
            (phrase, group) for phrase, groups in specialties.items() for group in groups
        ),
        offtopic=_words(m["hors_sante"]),
        health=_words(m["sante"]),
        animal=_words(m["animalier"]),
        physician_words=_words(s["mots_medecin"]),
        non_physicians=frozenset(s["non_medecins"]),
    )
