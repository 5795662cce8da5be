"""Known phrases (cities, specialties, trades) found in a text's words, longest first."""

from __future__ import annotations

from typing import Generic, TypeVar

V = TypeVar("V")


class PhraseIndex(Generic[V]):
    """Finds known phrases (tuples of folded words) in a word list, longest first.

    Phrases of several words are filed under their first two words, so a frequent first word
    (« le », « saint ») costs one look-up, not one comparison per phrase it starts."""

    def __init__(self) -> None:
        self._values: dict[tuple[str, ...], V] = {}
        self._single: dict[str, V] = {}
        self._longer: dict[tuple[str, ...], list[tuple[tuple[str, ...], V]]] = {}
        self._first_set: set[str] = set()
        self._firsts: frozenset[str] = frozenset()
        self._stale = False

    @property
    def first_words(self) -> frozenset[str]:
        """The words some phrase starts with, for a quick « anything here? » test."""
        if self._stale:
            self._firsts, self._stale = frozenset(self._first_set), False
        return self._firsts

    def add(self, phrase: tuple[str, ...], value: V) -> None:
        """Registers `phrase`; a later value for the same phrase is ignored."""
        if not phrase or phrase in self._values:
            return
        self._values[phrase] = value
        self._stale = True
        self._first_set.add(phrase[0])
        if len(phrase) == 1:
            self._single[phrase[0]] = value
            return
        bucket = self._longer.setdefault(phrase[:2], [])
        bucket.append((phrase, value))
        if len(bucket) > 1 and len(bucket[-2][0]) < len(phrase):
            bucket.sort(key=lambda pv: -len(pv[0]))

    def __contains__(self, phrase: object) -> bool:
        return phrase in self._values

    def items(self) -> list[tuple[tuple[str, ...], V]]:
        """Every registered phrase with its value."""
        return list(self._values.items())

    def get(self, phrase: tuple[str, ...]) -> V | None:
        """The value registered for exactly `phrase`, if any."""
        return self._values.get(phrase)

    def find(
        self, words: tuple[str, ...], present: frozenset[str] | None = None
    ) -> list[tuple[int, int, V]]:
        """Non-overlapping (first, last, value) hits, scanning left to right.

        `present` (the set of `words`) makes the « nothing here » case cheaper."""
        out: list[tuple[int, int, V]] = []
        hits = (present if present is not None else frozenset(words)).intersection(self._first_set)
        if not hits:
            return out
        single, longer = self._single, self._longer
        last = len(words) - 1
        after = -1
        for i in positions(words, hits):
            if i <= after:
                continue
            if i < last:
                bucket = longer.get(words[i : i + 2])
                if bucket is not None:
                    hit = next((pv for pv in bucket if _starts_at(words, i, pv[0])), None)
                    if hit is not None:
                        after = i + len(hit[0]) - 1
                        out.append((i, after, hit[1]))
                        continue
            word = words[i]
            if word in single:
                out.append((i, i, single[word]))
                after = i
        return out


def positions(words: tuple[str, ...], hits: frozenset[str]) -> list[int]:
    """Where the words of `hits` stand in `words`, in order (one C-level scan for one word)."""
    if len(hits) == 1:
        (hit,) = hits
        if words.count(hit) == 1:
            return [words.index(hit)]
    return [i for i, w in enumerate(words) if w in hits]


def _starts_at(words: tuple[str, ...], i: int, phrase: tuple[str, ...]) -> bool:
    """True when `phrase`, whose first two words are `words[i : i + 2]`, is written at `i`."""
    k = len(phrase)
    return k == 2 or words[i : i + k] == phrase
