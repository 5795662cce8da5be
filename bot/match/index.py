"""The watchlist compiled once into word-keyed lookups, so a text is never scanned per watch."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.match.lexicon import city_index, lexicon, sing
from bot.match.names import FULL, PROFESSOR, split_name, surname_variants
from bot.match.normalize import fold, tokens
from bot.match.phrases import PhraseIndex
from bot.models import Watch, WatchKind

_ARRONDISSEMENT = re.compile(
    r"\s+[0-9]{1,2}\s*(?:e|er|eme|ème|è)?(?:\s+arr(?:ondissement|\.)?)?\s*$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Person:
    """A watched practitioner as the matcher needs them."""

    watch_id: int
    first: tuple[str, ...]
    first_word: str  # first[0], or "" without a first name
    initial: str
    common: bool
    groups: frozenset[str]
    depts: frozenset[str]
    support: frozenset[str]  # words one of which must be in a text for this person to match
    title: str
    spec_words: frozenset[str]  # first words of the phrases naming one of their specialties
    city_words: frozenset[str]  # first words of the places compatible with their city


@dataclass(frozen=True, slots=True)
class Phrase:
    """One way of writing a practice's name: generic words around a distinctive core."""

    before: tuple[str, ...]
    core: tuple[str, ...]
    after: tuple[str, ...]
    weak: bool
    distinctive: bool


@dataclass(frozen=True, slots=True)
class Place:
    """A watched practice as the matcher needs it."""

    watch_id: int
    phrases: tuple[Phrase, ...]
    generic: frozenset[str]
    depts: frozenset[str]


class WatchIndex:
    """Persons and places of a watchlist, reachable from the last word of their names."""

    def __init__(self, watches: Iterable[Watch]) -> None:
        self.lex = lex = lexicon()
        self.cities: PhraseIndex[str] = lex.cities
        self.persons: list[Person] = []
        self.places: list[Place] = []
        self.by_id: dict[int, Person | Place] = {}
        self.person_index: dict[str, list[tuple[int, tuple[str, ...], float]]] = {}
        self.place_index: dict[str, list[tuple[int, int]]] = {}
        self.fuzzy: dict[str, list[tuple[int, str]]] = {}
        self.initials: dict[str, list[int]] = {}
        self.professors: set[str] = set()
        self._extra_cities: dict[tuple[str, ...], str] = {}
        for watch in watches:
            if watch.kind is WatchKind.PRACTICE:
                self._add_place(watch)
            else:
                self._add_person(watch)
        for bucket in self.person_index.values():
            bucket.sort(key=lambda e: (-len(e[1]), -e[2]))
        if self._extra_cities:
            self.cities = city_index(tuple(self._extra_cities.items()))
        self.person_keys = frozenset(self.person_index)
        self.place_keys = frozenset(self.place_index)
        self.anchors = self.person_keys | self.place_keys
        # a watched person's first name is a first name even when no list knows it: beside
        # a shared surname it names that person, not their relative
        self.first_names: frozenset[str] = lex.first_names | frozenset(
            p.first_word for p in self.persons if p.first_word
        )

    def _depts(self, city: str | None) -> frozenset[str]:
        if not city:
            return frozenset()
        phrase = tuple(tokens(city))
        if not phrase:
            return frozenset()
        dept = self.lex.cities.get(phrase)
        bare = tuple(tokens(re.split(r"[(,/]", city, maxsplit=1)[0]))
        if dept is None and bare and bare != phrase:
            # « Saint-Pierre (La Réunion) », « Saint-Denis, 974 »: the commune before the qualifier
            dept = self.lex.cities.get(bare)
            phrase = bare if dept is None else phrase
        commune = _ARRONDISSEMENT.sub("", city).strip()
        if dept is None and commune and commune != city:
            # « Paris 19e », « Lyon 3e arrondissement »: the district lies in its commune
            dept = self.lex.cities.get(tuple(tokens(commune)))
        if dept is None:
            dept = "?" + " ".join(phrase)
            self._extra_cities[phrase] = dept
        return frozenset({dept})

    def _groups(self, specialty: str | None) -> frozenset[str]:
        if not specialty:
            return frozenset()
        words = tuple(tokens(specialty))
        groups: set[str] = set()
        for _, _, g in self.lex.specialties.find(words):
            if len(g) == 1:
                groups |= g
        return frozenset(groups) or frozenset({"?" + " ".join(words)})

    def _add_person(self, watch: Watch) -> None:
        lex = self.lex
        first_words, sur_words = split_name(watch.name, lex)
        first = tuple(tokens(" ".join(first_words)))
        sur = tuple(tokens(" ".join(sur_words)))
        if not sur:
            return
        core = [t for t in sur if t not in lex.particles] or list(sur)
        groups = self._groups(watch.specialty)
        depts = self._depts(watch.city)
        spec_words: set[str] = set()
        for group in groups:
            spec_words |= lex.group_words.get(group, frozenset())
        city_words: set[str] = set()
        for dept in depts:
            city_words |= lex.dept_words.get(dept, frozenset())
            if dept.startswith("?"):
                city_words.add(dept[1:].split()[0])
        support = set(first) | {first[0][0]} if first else set()
        support |= spec_words | city_words
        person = Person(
            watch_id=watch.id,
            first=first,
            first_word=first[0] if first else "",
            initial=first[0][0] if first else "",
            common=len(core) == 1 and core[0] in lex.common_words,
            groups=groups,
            depts=depts,
            support=frozenset(support),
            title=fold(watch.title or "").strip(". "),
            spec_words=frozenset(spec_words),
            city_words=frozenset(city_words),
        )
        idx = len(self.persons)
        self.persons.append(person)
        self.by_id[watch.id] = person
        if person.title in PROFESSOR:
            self.professors.add(sur[-1])
        names = [sur] + [tuple(tokens(a)) for a in watch.aliases]
        for name in names:
            for variant, quality in surname_variants(name, lex):
                self.person_index.setdefault(variant[-1], []).append((idx, variant, quality))
                if quality == FULL and len(variant) == 1 and len(variant[0]) >= 6:
                    self.fuzzy.setdefault(variant[0][:3], []).append((idx, variant[0]))
        if first:
            self.initials.setdefault(first[0][0] + core[0][0], []).append(idx)

    def _add_place(self, watch: Watch) -> None:
        lex = self.lex
        phrases: list[Phrase] = []
        generic: set[str] = set()
        for name in (watch.name, *watch.aliases):
            words = [sing(w) for w in tokens(name) if w not in lex.particles]
            if not words:
                continue
            is_core = [w not in lex.place_generic for w in words]
            if not any(is_core):
                continue
            first = is_core.index(True)
            last = len(is_core) - 1 - is_core[::-1].index(True)
            core = tuple(words[first : last + 1])
            generic.update(w for w in words if w in lex.place_generic)
            city_words = {sing(w) for p, _ in self._city_hits(tuple(tokens(name))) for w in p}
            weak = all(w.isdigit() or w in city_words or sing(w) in city_words for w in core)
            phrases.append(
                Phrase(
                    before=tuple(words[:first]),
                    core=core,
                    after=tuple(words[last + 1 :]),
                    weak=weak,
                    distinctive=first == 0 and last == len(words) - 1,
                )
            )
        if not phrases:
            return
        place = Place(watch.id, tuple(phrases), frozenset(generic), self._depts(watch.city))
        idx = len(self.places)
        self.places.append(place)
        self.by_id[watch.id] = place
        for pi, phrase in enumerate(phrases):
            anchor = phrase.core[-1]
            for key in {anchor, anchor + "s", anchor + "x"}:
                self.place_index.setdefault(key, []).append((idx, pi))

    def _city_hits(self, words: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
        return [(words[s : e + 1], d) for s, e, d in self.lex.cities.find(words)]
