"""Decides which watched names a text speaks of, from an index of name words, not a fuzzy scan.

A name found in the text is only a candidate: it becomes a match when the words around it
support it (first name, title, specialty, city) and nothing contradicts it (another first
name, another trade, another city, a street named after someone).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from bot.models import Watch, WatchKind
from bot.normalize import (
    PhraseIndex,
    Tokenized,
    fold,
    lexicon_lines,
    lexicon_text,
    quick_words,
    split_camel,
    tokenize,
    tokens,
)


@dataclass(frozen=True)
class Match:
    """A watched entry a text concerns, how sure we are, and why in a few French words."""

    watch_id: int
    score: float
    reason: str


# --- Lexicons -------------------------------------------------------------------------------


def _words(items: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for item in items:
        out.update(tokens(item))
    return frozenset(out)


def _phrases(items: Iterable[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(t for t in (tuple(tokens(i)) for i in items) if t)


def _sing(word: str) -> str:
    """A word without its plural mark, so « Tilleul » and « Tilleuls » agree."""
    if len(word) > 3 and word[-1] in "sx" and not word[-2].isdigit():
        return word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class _Lex:
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


def _city_index(extra: tuple[tuple[tuple[str, ...], str], ...] = ()) -> PhraseIndex[str]:
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
def _lexicon() -> _Lex:
    """Loads the data files once per process."""
    m = json.loads(lexicon_text("matching.json"))
    c = json.loads(lexicon_text("cities.json"))
    s = json.loads(lexicon_text("specialties.json"))
    cities = _city_index()
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
    return _Lex(
        titles=titles,
        other_titles=_words(m["titres_autres"]),
        particles=_words(m["particules"]),
        liaison=_words(m["liaison"]),
        streets=_words(m["voies"]),
        place_generic=frozenset(_sing(w) for w in _words(m["etablissements"])),
        place_conflict=frozenset(_sing(w) for w in _words(m["etablissements_autres"])),
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
    )


# --- Compiled watches ------------------------------------------------------------------------

FULL, PARTIAL = 1.0, 0.0
_FUZZY = 0.5
_DROPPED = 0.55  # the surname without its particle: « Gall » for « Le Gall »
_THRESHOLD = 2.0
_STRICT = 3.0
_IMPOSSIBLE = 99.0
_HOMONYM = (-1.0, "homonyme")  # a full name shown to be someone else: the whole text is about them
_LABELS = {
    FULL: "nom",
    PARTIAL: "nom partiel",
    _FUZZY: "nom approché",
    _DROPPED: "nom sans particule",
}
_PROFESSOR = frozenset({"pr", "professeur", "professeure"})
_UNKNOWN, _HOMONYM_SPAN, _TITLED_SPAN, _PLAIN_SPAN = object(), object(), object(), object()
_INITIALS_RE = re.compile(
    r"\b(?:Dr|Pr|Docteure?|Professeure?)\.?\s+([A-Z])\.\s*([A-Z])\.(?![A-Za-z])"
)
_TITLE_REVIEWER_RE = re.compile(r"^\s*avis (?:de|d'|d’)\s*[^—–|·]*[—–|·]?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Person:
    watch_id: int
    first: tuple[str, ...]
    initial: str
    common: bool
    groups: frozenset[str]
    depts: frozenset[str]
    support: frozenset[str]  # words one of which must be in a text for this person to match
    title: str


@dataclass(frozen=True, slots=True)
class _Phrase:
    before: tuple[str, ...]
    core: tuple[str, ...]
    after: tuple[str, ...]
    weak: bool
    distinctive: bool


@dataclass(frozen=True, slots=True)
class _Place:
    watch_id: int
    phrases: tuple[_Phrase, ...]
    generic: frozenset[str]
    depts: frozenset[str]


def _split_name(name: str, lex: _Lex) -> tuple[list[str], list[str]]:
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


def _surname_variants(sur: tuple[str, ...], lex: _Lex) -> list[tuple[tuple[str, ...], float]]:
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
        out.append((core, _DROPPED))
    if len(core) > 1:
        out.append((core, FULL))
        out.append((("".join(core),), FULL))
        out.extend(((c,), PARTIAL) for c in core)
    seen: dict[tuple[str, ...], float] = {}
    for variant, quality in out:
        seen[variant] = max(quality, seen.get(variant, PARTIAL))
    return list(seen.items())


# --- Matcher ----------------------------------------------------------------------------------


class Matcher:
    """Finds the watched entries a text concerns; rebuilt whenever the watchlist changes."""

    def __init__(self, watches: Iterable[Watch]) -> None:
        self._lex = lex = _lexicon()
        self._cities: PhraseIndex[str] = lex.cities
        self._persons: list[_Person] = []
        self._places: list[_Place] = []
        self._by_id: dict[int, _Person | _Place] = {}
        self._person_index: dict[str, list[tuple[int, tuple[str, ...], float]]] = {}
        self._place_index: dict[str, list[tuple[int, int]]] = {}
        self._fuzzy: dict[str, list[tuple[int, str]]] = {}
        self._initials: dict[str, list[int]] = {}
        self._professors: set[str] = set()
        self._extra_cities: dict[tuple[str, ...], str] = {}
        for watch in watches:
            if watch.kind is WatchKind.PRACTICE:
                self._add_place(watch)
            else:
                self._add_person(watch)
        for bucket in self._person_index.values():
            bucket.sort(key=lambda e: (-len(e[1]), -e[2]))
        if self._extra_cities:
            self._cities = _city_index(tuple(self._extra_cities.items()))
        self._place_keys = frozenset(self._place_index)
        self._anchors = frozenset(self._person_index) | self._place_keys

    def _depts(self, city: str | None) -> frozenset[str]:
        if not city:
            return frozenset()
        phrase = tuple(tokens(city))
        if not phrase:
            return frozenset()
        dept = self._lex.cities.get(phrase)
        if dept is None:
            dept = "?" + " ".join(phrase)
            self._extra_cities[phrase] = dept
        return frozenset({dept})

    def _groups(self, specialty: str | None) -> frozenset[str]:
        if not specialty:
            return frozenset()
        words = tuple(tokens(specialty))
        groups: set[str] = set()
        for _, _, g in self._lex.specialties.find(words):
            if len(g) == 1:
                groups |= g
        return frozenset(groups) or frozenset({"?" + " ".join(words)})

    def _add_person(self, watch: Watch) -> None:
        lex = self._lex
        first_words, sur_words = _split_name(watch.name, lex)
        first = tuple(tokens(" ".join(first_words)))
        sur = tuple(tokens(" ".join(sur_words)))
        if not sur:
            return
        core = [t for t in sur if t not in lex.particles] or list(sur)
        groups = self._groups(watch.specialty)
        depts = self._depts(watch.city)
        support = set(first) | {first[0][0]} if first else set()
        for group in groups:
            support |= lex.group_words.get(group, frozenset())
        for dept in depts:
            support |= lex.dept_words.get(dept, frozenset())
            if dept.startswith("?"):
                support.add(dept[1:].split()[0])
        person = _Person(
            watch_id=watch.id,
            first=first,
            initial=first[0][0] if first else "",
            common=len(core) == 1 and core[0] in lex.common_words,
            groups=groups,
            depts=depts,
            support=frozenset(support),
            title=fold(watch.title or "").strip(". "),
        )
        idx = len(self._persons)
        self._persons.append(person)
        self._by_id[watch.id] = person
        if person.title in _PROFESSOR:
            self._professors.add(sur[-1])
        names = [sur] + [tuple(tokens(a)) for a in watch.aliases]
        for name in names:
            for variant, quality in _surname_variants(name, lex):
                self._person_index.setdefault(variant[-1], []).append((idx, variant, quality))
                if quality == FULL and len(variant) == 1 and len(variant[0]) >= 6:
                    self._fuzzy.setdefault(variant[0][:3], []).append((idx, variant[0]))
        if first:
            self._initials.setdefault(first[0][0] + core[0][0], []).append(idx)

    def _add_place(self, watch: Watch) -> None:
        lex = self._lex
        phrases: list[_Phrase] = []
        generic: set[str] = set()
        for name in (watch.name, *watch.aliases):
            words = [_sing(w) for w in tokens(name) if w not in lex.particles]
            if not words:
                continue
            is_core = [w not in lex.place_generic for w in words]
            if not any(is_core):
                continue
            first = is_core.index(True)
            last = len(is_core) - 1 - is_core[::-1].index(True)
            core = tuple(words[first : last + 1])
            generic.update(w for w in words if w in lex.place_generic)
            city_words = {_sing(w) for p, _ in self._city_hits(tuple(tokens(name))) for w in p}
            weak = all(w.isdigit() or w in city_words or _sing(w) in city_words for w in core)
            phrases.append(
                _Phrase(
                    before=tuple(words[:first]),
                    core=core,
                    after=tuple(words[last + 1 :]),
                    weak=weak,
                    distinctive=first == 0 and last == len(words) - 1,
                )
            )
        if not phrases:
            return
        place = _Place(watch.id, tuple(phrases), frozenset(generic), self._depts(watch.city))
        idx = len(self._places)
        self._places.append(place)
        self._by_id[watch.id] = place
        for pi, phrase in enumerate(phrases):
            anchor = phrase.core[-1]
            for key in {anchor, anchor + "s", anchor + "x"}:
                self._place_index.setdefault(key, []).append((idx, pi))

    def _city_hits(self, words: tuple[str, ...]) -> list[tuple[tuple[str, ...], str]]:
        return [(words[s : e + 1], d) for s, e, d in self._lex.cities.find(words)]

    # -- matching --

    def match(
        self, text: str, *, title: str | None = None, scoped_watch_id: int | None = None
    ) -> list[Match]:
        """The watched entries `text` (and its `title`) concern, best first."""
        found: dict[int, Match] = {}
        scoped = self._by_id.get(scoped_watch_id) if scoped_watch_id is not None else None
        if scoped is not None and scoped_watch_id is not None:
            found[scoped_watch_id] = Match(scoped_watch_id, 1.0, "annonce rattachée à la fiche")
        head = _TITLE_REVIEWER_RE.sub("", title).strip() if title else ""
        raw = f"{head}\n{text}" if head else text
        if "@" in raw or "#" in raw:
            raw = split_camel(raw)
            head = split_camel(head)
        words = quick_words(raw)
        hit = self._plausible(words, raw, scoped)
        fuzzy = self._fuzzy_hits(words) if self._fuzzy else []
        initials = (
            self._initials
            and not self._lex.titles.isdisjoint(words)
            and _INITIALS_RE.search(raw) is not None
        )
        if hit or fuzzy or initials:
            doc = _Doc(tokenize(raw), len(head), self, scoped)
            for m in doc.evaluate(fuzzy):
                old = found.get(m.watch_id)
                if old is None or old.score < m.score:
                    found[m.watch_id] = m
        return sorted(found.values(), key=lambda m: (-m.score, m.watch_id))

    def _plausible(self, words: list[str], raw: str, scoped: _Person | _Place | None) -> bool:
        """Cheap test: could any watch whose name appears in `words` pass the full check?

        A bare surname never suffices; a match also needs a first name or initial, a title,
        the specialty or a compatible city, so a text without any of those is skipped whole.
        """
        present = set(words)
        found = self._anchors.intersection(present)
        if not found:
            return False
        if scoped is not None or not found.isdisjoint(self._place_keys):
            return True
        if not self._lex.fuzzy_gate.isdisjoint(present) or "M." in raw:
            return True
        persons = self._persons
        for word in found:
            for idx, _, _ in self._person_index[word]:
                if not persons[idx].support.isdisjoint(present):
                    return True
        return False

    def _fuzzy_hits(self, words: list[str]) -> list[tuple[int, int]]:
        """(word position, person) pairs for a slightly misspelt surname after a title."""
        present = self._lex.fuzzy_gate.intersection(words)
        if not present:
            return []
        out: list[tuple[int, int]] = []
        anchors = self._anchors
        fuzzy = self._fuzzy
        n = len(words)
        for title in present:
            i = -1
            while True:
                try:
                    i = words.index(title, i + 1)
                except ValueError:
                    break
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


# --- One text under examination ---------------------------------------------------------------

_BOUNDARY_RE = re.compile(r"[!?;\n]|\.(?:\s|$)")


class _Occurrence(NamedTuple):
    start: int
    end: int
    quality: float


class _Doc:
    """A text being matched: its words, and its cities and specialties found once."""

    def __init__(
        self, tk: Tokenized, head_len: int, matcher: Matcher, scoped: _Person | _Place | None
    ) -> None:
        self.tk = tk
        self.w = tk.words
        self.present = frozenset(tk.words)
        self.n = len(tk.words)
        self.m = matcher
        self.lex = matcher._lex
        self.n_title = bisect.bisect_left(tk.starts, head_len)
        raw, starts, ends = tk.raw, tk.starts, tk.ends
        self.seps = [raw[: starts[0]]] if starts else []
        self.seps += [raw[ends[i - 1] : starts[i]] for i in range(1, len(starts))]
        self.bare = [not sep.strip() for sep in self.seps]
        self.flat_case = tk.raw == tk.raw.lower() or tk.raw == tk.raw.upper()
        self._bounds: dict[int, bool] = {}
        self._cities: list[tuple[int, int, str]] | None = None
        self._city_depts: frozenset[str] | None = None
        self._specs: list[tuple[int, int, frozenset[str]]] | None = None
        self._roles: list[tuple[int, int]] | None = None
        self._spans: dict[tuple[int, int], object] = {}
        self._spec_cache: dict[tuple[frozenset[str], int, int], tuple[float, bool] | None] = {}
        self._city_cache: dict[tuple[frozenset[str], int, int], float | None] = {}
        self.scoped_depts = scoped.depts if scoped is not None else frozenset()

    @property
    def cities(self) -> list[tuple[int, int, str]]:
        """The places named in the text, with their département (found once)."""
        if self._cities is None:
            self._cities = self._find_cities()
        return self._cities

    @property
    def specs(self) -> list[tuple[int, int, frozenset[str]]]:
        """The specialties named in the text (found once)."""
        if self._specs is None:
            self._specs = self.lex.specialties.find(self.w, self.present)
        return self._specs

    @property
    def roles(self) -> list[tuple[int, int]]:
        """The non-medical trades and roles named in the text (found once)."""
        if self._roles is None:
            self._roles = [(s, e) for s, e, _ in self.lex.roles.find(self.w, self.present)]
        return self._roles

    # -- text facts --

    def cap(self, i: int) -> bool:
        return self.flat_case or self.tk.capitalized(i)

    def boundary(self, i: int) -> bool:
        """True when a sentence ends between word i-1 and word i."""
        if i <= 0 or i >= self.n:
            return True
        known = self._bounds.get(i)
        if known is None:
            known = self._bounds[i] = self._boundary(i)
        return known

    def _boundary(self, i: int) -> bool:
        sep = self.seps[i]
        if not _BOUNDARY_RE.search(sep):
            return False
        prev = self.w[i - 1]
        return not (sep.startswith(".") and (len(prev) == 1 or prev in self.lex.titles))

    def _find_cities(self) -> list[tuple[int, int, str]]:
        out = []
        lex = self.lex
        for s, e, dept in self.m._cities.find(self.w, self.present):
            phrase = self.w[s : e + 1]
            if phrase in lex.ambiguous_cities and not self.tk.capitalized(s):
                continue
            if s > 0 and not self.boundary(s):
                prev = self.w[s - 1]
                if prev in lex.titles and prev != "a":
                    continue
                if len(prev) == 1 and prev.isalpha() and self.tk.capitalized(s - 1):
                    continue
                if prev in lex.first_names and self.tk.capitalized(s - 1) and not self.flat_case:
                    continue
            out.append((s, e, dept))
        return out

    def compatible(self, depts: frozenset[str], dept: str) -> bool:
        if dept in depts:
            return True
        zones = self.lex.zones
        zone = zones.get(dept)
        return zone is not None and any(zones.get(d) == zone for d in depts)

    def city_evidence(self, depts: frozenset[str], start: int, end: int) -> float | None:
        """+1 for a compatible city, None (veto) for only other cities nearby, else 0."""
        if not depts:
            return 0.0
        cities = self.cities
        if not cities and not self.scoped_depts:
            return 0.0
        named = self._city_depts
        if named is None:
            named = self._city_depts = frozenset(d for _, _, d in cities) | self.scoped_depts
        if not named.isdisjoint(depts) or any(self.compatible(depts, d) for d in named):
            return 1.0
        if self.scoped_depts and not cities:
            return None
        for s, e, _ in cities:
            if s < self.n_title or abs(s - end) <= 15 or abs(start - e) <= 15:
                return None
        return 0.0

    def gap_ok(self, a: int, b: int) -> bool:
        """True when words a..b-1 only link a name to its apposition (articles, ages, cities)."""
        if b - a > 3:
            return False
        for i in range(a, b):
            word = self.w[i]
            if word in self.lex.liaison or word.isdigit() or self.in_city(i):
                continue
            return False
        return not any(self.boundary(i) for i in range(a + 1, b + 1))

    def in_city(self, i: int) -> bool:
        return any(s <= i <= e for s, e, _ in self.cities)

    def attached(self, start: int, end: int, s: int, e: int) -> bool:
        """True when the phrase s..e stands right beside the name start..end."""
        if e < start:
            return self.gap_ok(e + 1, start)
        if s > end:
            return self.gap_ok(end + 1, s)
        return False

    # -- evaluation --

    def evaluate(self, fuzzy: list[tuple[int, int]]) -> list[Match]:
        out: list[Match] = []
        best: dict[int, tuple[float, str]] = {}
        homonyms: set[int] = set()
        for idx, occ in self._person_occurrences(fuzzy):
            person = self.m._persons[idx]
            res = self._judge_person(person, occ)
            if res is _HOMONYM:
                homonyms.add(person.watch_id)
            elif res and (person.watch_id not in best or best[person.watch_id][0] < res[0]):
                best[person.watch_id] = res
        for wid in homonyms:
            best.pop(wid, None)
        for idx, start, end, full in self._place_occurrences():
            place = self.m._places[idx]
            res = self._judge_place(place, start, end, full)
            if res and (place.watch_id not in best or best[place.watch_id][0] < res[0]):
                best[place.watch_id] = res
        for idx, res in self._initial_matches():
            wid = self.m._persons[idx].watch_id
            if wid not in best or best[wid][0] < res[0]:
                best[wid] = res
        for wid, (points, reason) in best.items():
            out.append(Match(wid, round(min(points / 4.0, 0.99), 2), reason))
        return out

    def _person_occurrences(self, fuzzy: list[tuple[int, int]]) -> list[tuple[int, _Occurrence]]:
        index = self.m._person_index
        w = self.w
        raw: list[tuple[int, _Occurrence]] = []
        for i in [i for i, word in enumerate(w) if word in index]:
            for idx, variant, quality in index[w[i]]:
                k = len(variant)
                if k > 1 and (i - k + 1 < 0 or w[i - k + 1 : i + 1] != variant):
                    continue
                raw.append((idx, _Occurrence(i - k + 1, i, quality)))
        raw.extend((idx, _Occurrence(i, i, _FUZZY)) for i, idx in fuzzy)
        if len({idx for idx, _ in raw}) == len(raw):
            return raw
        by_person: dict[int, list[_Occurrence]] = {}
        for idx, occ in raw:
            by_person.setdefault(idx, []).append(occ)
        kept: list[tuple[int, _Occurrence]] = []
        for idx, occs in by_person.items():
            for occ in occs:
                if len(occs) == 1 or not any(
                    o is not occ
                    and o.start <= occ.start
                    and occ.end <= o.end
                    and (o.end - o.start > occ.end - occ.start or o.quality > occ.quality)
                    for o in occs
                ):
                    kept.append((idx, occ))
        return kept

    def _judge_person(self, p: _Person, occ: _Occurrence) -> tuple[float, str] | None:
        """Points and reason for `p` at this occurrence; None when it is not them."""
        named = self._name_part(p, occ)
        if named is None:
            return None
        start, end, first_pts, label = named
        span = self._span_facts(start, end)
        if span is None:
            return None
        if span is _HOMONYM_SPAN:
            return _HOMONYM if first_pts >= 1.0 else None
        titled = span is _TITLED_SPAN
        if (
            titled
            and p.title not in _PROFESSOR
            and self.w[occ.end] in self.m._professors
            and self._title_word(start, end) in _PROFESSOR
        ):
            return None
        points = occ.quality + first_pts + (1.0 if titled else 0.0)
        if points + 2.0 < _THRESHOLD:
            return None
        extras = ["titre"] if titled else []
        spec = self._specialty_cached(p.groups, start, end)
        if spec is None:
            return None
        if spec[0]:
            points += spec[0]
            extras.append("spécialité")
            titled = titled or spec[1]
        city = self._city_cached(p.depts, start, end)
        if city is None:
            return None
        if city:
            points += city
            extras.append("ville")
        need = _THRESHOLD
        if occ.quality == PARTIAL:
            need = _STRICT
        elif occ.quality == _FUZZY:
            need = (3.5 if p.common else 2.5) if titled else _IMPOSSIBLE
        elif occ.quality == _DROPPED:
            need = 2.5
        elif p.common and not first_pts:
            need = _STRICT if titled or self._proper(occ.start, extras) else _IMPOSSIBLE
        if points < need:
            return None
        return points, " + ".join([label, *extras])

    def _name_part(self, p: _Person, occ: _Occurrence) -> tuple[int, int, float, str] | None:
        """The whole name's span with first name or initial, or None for someone else's."""
        w = self.w
        s, e = occ.start, occ.end
        start, end = s, e
        first_pts = 0.0
        label = _LABELS[occ.quality]
        k = len(p.first)
        if k and s - k >= 0 and w[s - k : s] == p.first and not self.boundary(s):
            first_pts, start, label = 1.0, s - k, label + " et prénom"
        elif k and e + k < self.n and w[e + 1 : e + 1 + k] == p.first and not self.boundary(e + 1):
            first_pts, end, label = 1.0, e + k, label + " et prénom"
        elif s > 0 and len(w[s - 1]) == 1 and not self.boundary(s) and self.tk.capitalized(s - 1):
            if w[s - 1] == p.initial:
                first_pts, start, label = 0.75, s - 1, label + " et initiale"
            elif w[s - 1] != "m" and self.seps[s].startswith("."):
                return None
        if self._compound(s, e) or (not first_pts and self._other_name(p, s, e)):
            return None
        return start, end, first_pts, label

    def _span_facts(self, start: int, end: int) -> object:
        """What the words around a name say, whoever it is (cached per span)."""
        key = (start, end)
        known = self._spans.get(key, _UNKNOWN)
        if known is _UNKNOWN:
            known = self._spans[key] = self._compute_span(start, end)
        return known

    def _compute_span(self, start: int, end: int) -> object:
        if self._street(start):
            return None
        if self._role(start, end) or self._young(end):
            return _HOMONYM_SPAN
        w = self.w
        if start > 0 and w[start - 1] in self.lex.other_titles and self.tk.capitalized(start - 1):
            return None
        return _TITLED_SPAN if self._titled(start, end) else _PLAIN_SPAN

    def _specialty_cached(
        self, groups: frozenset[str], start: int, end: int
    ) -> tuple[float, bool] | None:
        key = (groups, start, end)
        if key not in self._spec_cache:
            self._spec_cache[key] = self._specialty(groups, start, end)
        return self._spec_cache[key]

    def _city_cached(self, depts: frozenset[str], start: int, end: int) -> float | None:
        key = (depts, start, end)
        if key not in self._city_cache:
            self._city_cache[key] = self.city_evidence(depts, start, end)
        return self._city_cache[key]

    def _proper(self, s: int, extras: list[str]) -> bool:
        """A common-word surname written as a name, with both specialty and city beside it."""
        return (
            not self.flat_case
            and self.tk.capitalized(s)
            and "spécialité" in extras
            and "ville" in extras
        )

    def _other_name(self, p: _Person, s: int, e: int) -> bool:
        """True when the surname belongs to someone else: another first name, a compound."""
        lex = self.lex
        w = self.w
        tk = self.tk
        if s > 0 and not self.boundary(s):
            prev = w[s - 1]
            sep = self.seps[s]
            if (
                sep.strip() == ""
                and prev in lex.first_names
                and prev not in p.first
                and self.cap(s - 1)
                and prev not in lex.titles
            ):
                return True
            if (
                prev in lex.particles
                and tk.capitalized(s - 1)
                and not self.flat_case
                and s > 1
                and not self.boundary(s - 1)
                and (w[s - 2] in lex.first_names or w[s - 2] in lex.titles)
            ):
                return True
        if e + 1 < self.n and not self.boundary(e + 1) and self.bare[e + 1]:
            nxt = w[e + 1]
            if nxt in lex.first_names and nxt not in p.first and self.cap(e + 1):
                return nxt not in lex.titles and not self._name_follows(e + 2)
            if self._name_follows(e + 1) and not tk.all_caps(e):
                return not self._known_word(e + 1)
        return False

    def _known_word(self, i: int) -> bool:
        """True when word i is a title, a place, a specialty or a trade (not a surname)."""
        word = self.w[i]
        lex = self.lex
        return (
            word in lex.titles
            or word in lex.particles
            or word in self.m._cities.first_words
            or word in lex.specialties.first_words
            or word in lex.roles.first_words
        )

    def _name_follows(self, i: int) -> bool:
        """True when word i starts a capitalised word glued to the previous one (a full name)."""
        return (
            i < self.n
            and not self.flat_case
            and self.tk.capitalized(i)
            and not self.boundary(i)
            and self.bare[i]
        )

    def _compound(self, s: int, e: int) -> bool:
        """True when the surname is glued by a hyphen to another name (« Martin-Lacombe »)."""
        if (
            s > 0
            and self.seps[s].strip() == "-"
            and self.cap(s - 1)
            and self.w[s - 1] not in self.lex.titles
        ):
            return True
        return e + 1 < self.n and self.seps[e + 1].strip() == "-" and self.cap(e + 1)

    def _street(self, start: int) -> bool:
        """True for « rue du Docteur-Rigaud », « lycée Jacques-Ménard » and the like."""
        lo = max(0, start - 3)
        for i in range(lo, start):
            if self.w[i] in self.lex.streets and not any(
                self.boundary(j) for j in range(i + 1, start + 1)
            ):
                return True
        return False

    def _role(self, start: int, end: int) -> bool:
        return any(self.attached(start, end, s, e) for s, e in self.roles)

    def _young(self, end: int) -> bool:
        """True for « Camille Rigaud, 17 ans »: too young to practise."""
        w = self.w
        for i in range(end + 1, min(end + 3, self.n - 1)):
            if w[i].isdigit() and w[i + 1] == "ans" and int(w[i]) < 24:
                return True
        return False

    def _titled(self, start: int, end: int) -> bool:
        return self._title_word(start, end) is not None

    def _title_word(self, start: int, end: int) -> str | None:
        """The title written beside the name (« Dr », « Pr », « M. »…), if any."""
        lex = self.lex
        w = self.w
        for i in (start - 1, start - 2):
            if i < 0 or any(self.boundary(j) for j in range(i + 1, start + 1)):
                break
            if w[i] in lex.titles and (w[i] != "m" or self.tk.capitalized(i)):
                return w[i]
            if w[i] not in lex.liaison:
                break
        if end + 1 < self.n and w[end + 1] in ("dr", "pr") and not self.boundary(end + 1):
            return w[end + 1]
        return None

    def _specialty(self, groups: frozenset[str], start: int, end: int) -> tuple[float, bool] | None:
        """(points, attached) for the specialty evidence; None when another one is attached."""
        if not groups:
            return 0.0, False
        nearest: tuple[int, frozenset[str], bool] | None = None
        anywhere = False
        for s, e, named in self.specs:
            dist = start - e if e < start else s - end
            if dist <= 0:
                continue
            attached = self.attached(start, end, s, e)
            if attached and not (named & groups) and self.w[s : e + 1] in self.lex.specific:
                return None
            if named & groups:
                anywhere = True
            if dist <= 8 and (nearest is None or dist < nearest[0]):
                nearest = (dist, named, attached)
        if nearest and nearest[1] & groups:
            return 1.0, nearest[2]
        return (0.5 if anywhere else 0.0), False

    # -- places --

    def _place_occurrences(self) -> list[tuple[int, int, int, bool]]:
        index = self.m._place_index
        if not index or index.keys().isdisjoint(self.w):
            return []
        sw = [_sing(x) for x in self.w]
        out: list[tuple[int, int, int, bool]] = []
        for i, word in enumerate(self.w):
            for idx, pi in index.get(word, ()):
                phrase = self.m._places[idx].phrases[pi]
                s = self._core_start(sw, i, phrase.core)
                if s < 0:
                    continue
                full, first, last = self._phrase_around(sw, s, i, phrase)
                if full:
                    out.append((idx, first, last, True))
                elif not phrase.weak:
                    out.append((idx, s, i, False))
        return out

    def _core_start(self, sw: list[str], i: int, core: tuple[str, ...]) -> int:
        """Where the core name ending at word i starts (particles may sit between its words)."""
        parts = self.lex.particles
        j = i
        for k, word in enumerate(reversed(core)):
            if k:
                while j >= 0 and self.w[j] in parts and sw[j] != word:
                    j -= 1
            if j < 0 or sw[j] != word:
                return -1
            j -= 1
        return j + 1

    def _phrase_around(
        self, sw: list[str], s: int, e: int, phrase: _Phrase
    ) -> tuple[bool, int, int]:
        """Whether the whole name is written around the core s..e, and its span."""
        parts = self.lex.particles
        j = s - 1
        for word in reversed(phrase.before):
            while j >= 0 and self.w[j] in parts:
                j -= 1
            if j < 0 or sw[j] != word:
                return False, s, e
            j -= 1
        first = j + 1
        j = e + 1
        for word in phrase.after:
            while j < self.n and self.w[j] in parts:
                j += 1
            if j >= self.n or sw[j] != word:
                return False, s, e
            j += 1
        return True, first, j - 1

    def _judge_place(self, p: _Place, start: int, end: int, full: bool) -> tuple[float, str] | None:
        lex = self.lex
        if not full:
            head: list[str] = []
            j = start - 1
            while j >= 0 and len(head) < 3 and not self.boundary(j + 1):
                if self.w[j] not in lex.particles:
                    head.append(_sing(self.w[j]))
                j -= 1
            if any(h in lex.place_conflict for h in head):
                return None
            if not any(h in p.generic for h in head):
                return None
        elif self._street(start):
            return None
        points = 2.0
        extras = []
        city = self.city_evidence(p.depts, start, end)
        if city is None:
            return None
        if city:
            points += city
            extras.append("ville")
        return points, " + ".join(["nom de l'établissement", *extras])

    # -- initials only: « le Dr C. M. à Villeurbanne, généraliste » --

    def _initial_matches(self) -> list[tuple[int, tuple[float, str]]]:
        out: list[tuple[int, tuple[float, str]]] = []
        for m in _INITIALS_RE.finditer(self.tk.raw):
            key = (m.group(1) + m.group(2)).lower()
            pos = next((i for i, s in enumerate(self.tk.starts) if s >= m.start(1)), None)
            if pos is None:
                continue
            for idx in self.m._initials.get(key, ()):
                p = self.m._persons[idx]
                spec = self._specialty(p.groups, pos, pos + 1)
                city = self.city_evidence(p.depts, pos, pos + 1)
                if spec and spec[0] >= 0.5 and city:
                    out.append((idx, (3.0, "initiales + titre + spécialité + ville")))
        return out
