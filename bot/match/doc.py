"""One text under examination: its words, sentence ends, cities and specialties, found once."""

from __future__ import annotations

import bisect
import re

from bot.match.index import Person, Place, WatchIndex

_BOUNDARY_RE = re.compile(r"[!?;\n]|\.(?:\s|$)")
_NOWHERE: frozenset[str] = frozenset()

# The raw text, its folded words, and where each word starts and ends in the raw text.
Folded = tuple[str, tuple[str, ...], tuple[int, ...], tuple[int, ...]]


class Doc:
    """A text being matched: its words, and its cities and specialties found once."""

    __slots__ = (
        "_bounds",
        "_cities",
        "_city_depts",
        "_roles",
        "_specs",
        "city_cache",
        "ends",
        "flat_case",
        "has_title",
        "index",
        "lex",
        "n",
        "n_title",
        "present",
        "raw",
        "scoped_depts",
        "spans",
        "spec_cache",
        "starts",
        "w",
    )

    def __init__(
        self,
        folded: Folded,
        head_len: int,
        index: WatchIndex,
        scoped: Person | Place | None,
        present: frozenset[str] | None = None,
    ) -> None:
        """`folded` is the text with its folded words and their offsets (from `flat_words`
        or `tokenize`); `present`, when given, is the set of those words, already computed."""
        self.raw, self.w, self.starts, self.ends = folded
        self.present = frozenset(self.w) if present is None else present
        self.n = len(self.w)
        self.index = index
        self.lex = index.lex
        self.n_title = bisect.bisect_left(self.starts, head_len) if head_len else 0
        raw = self.raw
        self.flat_case = raw == raw.lower() or raw == raw.upper()
        self.has_title = not self.lex.titles.isdisjoint(self.present)
        self._bounds: dict[int, bool] = {}
        self._cities: list[tuple[int, int, str]] | None = None
        self._city_depts: frozenset[str] | None = None
        self._specs: list[tuple[int, int, frozenset[str]]] | None = None
        self._roles: list[tuple[int, int]] | None = None
        self.spans: dict[tuple[int, int], object] = {}
        self.spec_cache: dict[tuple[frozenset[str], int, int], tuple[float, bool] | None] = {}
        self.city_cache: dict[tuple[frozenset[str], int, int], float | None] = {}
        self.scoped_depts = scoped.depts if scoped is not None else _NOWHERE

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

    @property
    def homonym_cues(self) -> bool:
        """False when no words can show a name to be someone else's (a trade, an age)."""
        return bool(self.roles) or "ans" in self.present

    def sep(self, i: int) -> str:
        """The raw characters between word i-1 and word i (0 < i < n)."""
        return self.raw[self.ends[i - 1] : self.starts[i]]

    def bare(self, i: int) -> bool:
        """True when only spaces separate word i-1 from word i (0 < i < n)."""
        return not self.raw[self.ends[i - 1] : self.starts[i]].strip()

    def capitalized(self, i: int) -> bool:
        """True when word i starts with a capital letter in the raw text."""
        return self.raw[self.starts[i]].isupper()

    def all_caps(self, i: int) -> bool:
        """True when word i is written in capitals (at least two letters)."""
        word = self.raw[self.starts[i] : self.ends[i]]
        return len(word) > 1 and word.isupper()

    def cap(self, i: int) -> bool:
        """True when word i reads as capitalised (always so in an all-lower or all-caps text)."""
        return self.flat_case or self.raw[self.starts[i]].isupper()

    def boundary(self, i: int) -> bool:
        """True when a sentence ends between word i-1 and word i."""
        if i <= 0 or i >= self.n:
            return True
        known = self._bounds.get(i)
        if known is None:
            known = self._bounds[i] = self._boundary(i)
        return known

    def _boundary(self, i: int) -> bool:
        sep = self.raw[self.ends[i - 1] : self.starts[i]]
        if not _BOUNDARY_RE.search(sep):
            return False
        prev = self.w[i - 1]
        return not (sep.startswith(".") and (len(prev) == 1 or prev in self.lex.titles))

    def _find_cities(self) -> list[tuple[int, int, str]]:
        out = []
        lex = self.lex
        for s, e, dept in self.index.cities.find(self.w, self.present):
            phrase = self.w[s : e + 1]
            if phrase in lex.ambiguous_cities and not self.capitalized(s):
                continue
            if s > 0 and not self.boundary(s):
                prev = self.w[s - 1]
                if prev in lex.titles and prev != "a":
                    continue
                if len(prev) == 1 and prev.isalpha() and self.capitalized(s - 1):
                    continue
                if prev in lex.first_names and self.capitalized(s - 1) and not self.flat_case:
                    continue
            out.append((s, e, dept))
        return out

    def compatible(self, depts: frozenset[str], dept: str) -> bool:
        """True when `dept` is one of `depts` or lies in the same zone as one of them."""
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
        if not named.isdisjoint(depts):
            return 1.0
        if any(self.compatible(depts, d) for d in named):
            # a neighbouring commune written right after the name (« … Jean-Jaurès de
            # Villejuif ») places it there, not in the watched commune of the same area
            # (or in the headline that names it)
            if any(
                (0 < s - end <= 2 and self.gap_ok(end + 1, s)) or s < self.n_title > start
                for s, _, _ in cities
            ):
                return None
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
        """True when word i belongs to a named place."""
        return any(s <= i <= e for s, e, _ in self.cities)

    def attached(self, start: int, end: int, s: int, e: int) -> bool:
        """True when the phrase s..e stands right beside the name start..end."""
        if e < start:
            return self.gap_ok(e + 1, start)
        if s > end:
            return self.gap_ok(end + 1, s)
        return False
