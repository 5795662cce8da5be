"""Near-duplicate texts (a review copied, quoted, trimmed or lightly edited) found by MinHash/LSH.

A text becomes the set of its 3-word shingles over folded words (case, accents and
punctuation ignored, so quotes and typography do not matter). Its MinHash signature (64
values) estimates the Jaccard similarity of two such sets; LSH with 32 bands of 2 rows
finds the candidates (a pair at Jaccard 0.3 is found 95 % of the time, an unrelated pair
almost never), which are then kept when the estimated Jaccard similarity is high (small
edits) or when one text is mostly contained in the other (a truncated copy, or a copy
quoted inside a longer post): containment is estimated from the Jaccard estimate and the
two set sizes.

Band keys live in one sorted NumPy array (plus a small unsorted tail merged every 4,096 adds),
so 100,000 stored texts take about 60 MB and a lookup is one vectorised binary search.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.match.normalize import fold

NUM_PERM = 64
ROWS = 2
BANDS = NUM_PERM // ROWS
SHINGLE_WORDS = 3
MIN_SHINGLES = 8
JACCARD_MATCH = 0.5
CONTAINMENT_MATCH = 0.75
_SHIFT = np.uint64(32)
_WORD = re.compile(r"[a-z0-9]+")
_rng = np.random.default_rng(0x56494749)
# Multiply-shift hashing: (a·x + b) mod 2**64, high 32 bits; `a` odd. NumPy wraps uint64.
_A = _rng.integers(1, 1 << 63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 1 << 63, size=NUM_PERM, dtype=np.uint64)
_MIX = _rng.integers(1, 1 << 62, size=ROWS + 2, dtype=np.uint64) | np.uint64(1)

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
TAIL_ITEMS = 4096


@dataclass(frozen=True, slots=True)
class Signature:
    """The MinHash of a text (64 values of 32 bits) and the number of distinct shingles."""

    values: U32
    size: int


@dataclass(frozen=True, slots=True)
class Match:
    """A stored text found near a new one, with the two similarity estimates."""

    item_id: int
    jaccard: float
    containment: float


def shingles(text: str) -> set[int]:
    """The 3-word shingles of a text, hashed to 32 bits."""
    words = _WORD.findall(fold(text))
    return {
        zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode())
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def signature(text: str) -> Signature | None:
    """The MinHash signature of a text, or None when it is too short to compare reliably."""
    hashed = shingles(text)
    if len(hashed) < MIN_SHINGLES:
        return None
    x = np.fromiter(hashed, dtype=np.uint64, count=len(hashed))
    values = ((_A[:, None] * x[None, :] + _B[:, None]) >> _SHIFT).min(axis=1)
    return Signature(values.astype(np.uint32), len(hashed))


def _band_keys_many(values: U32, scopes: U64) -> U64:
    """Band keys of many signatures at once: shape (n, BANDS), mixing rows, band and scope."""
    rows = values.astype(np.uint64).reshape(len(values), BANDS, ROWS)
    keys = np.zeros((len(values), BANDS), dtype=np.uint64)
    for r in range(ROWS):
        keys = keys * _MIX[r] + rows[:, :, r]  # wraps modulo 2**64, as a hash should
    bands = np.arange(BANDS, dtype=np.uint64)[None, :]
    mixed: U64 = (
        keys * _MIX[ROWS] + bands * _MIX[ROWS + 1] + (scopes & np.uint64(0xFFFFFFFF))[:, None]
    )
    return mixed


def _band_keys(values: U32, scope: int) -> U64:
    """One 64-bit key per band of one signature."""
    keys: U64 = _band_keys_many(values[None, :], np.array([scope], dtype=np.uint64))[0]
    return keys


def _containment(jaccard: float, size_a: int, size_b: int) -> float:
    union = (size_a + size_b) / (1.0 + jaccard)
    return min(jaccard * union / min(size_a, size_b), 1.0)


def similarity(a: Signature, b: Signature) -> tuple[float, float]:
    """Estimated Jaccard similarity and containment (of the smaller set in the larger)."""
    jaccard = float(np.count_nonzero(a.values == b.values)) / NUM_PERM
    return jaccard, _containment(jaccard, a.size, b.size)


def is_near(jaccard: float, containment: float) -> bool:
    """The rule for « the same text »: close overall, or one mostly inside the other."""
    return jaccard >= JACCARD_MATCH or (containment >= CONTAINMENT_MATCH and jaccard >= 0.1)


class NearDupIndex:
    """Signatures of stored texts, searchable by scope (a team) for near duplicates."""

    def __init__(self) -> None:
        self._n = 0
        self._ids = np.zeros(1024, dtype=np.int64)
        self._sizes = np.zeros(1024, dtype=np.int32)
        self._sigs = np.zeros((1024, NUM_PERM), dtype=np.uint32)
        self._row_of: dict[int, int] = {}
        self._keys = np.zeros(0, dtype=np.uint64)
        self._rows = np.zeros(0, dtype=np.int32)
        self._tail: dict[int, list[int]] = {}
        self._tail_items = 0

    def __len__(self) -> int:
        return self._n

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._row_of

    def _grow(self) -> None:
        capacity = len(self._ids) * 2
        self._ids = np.resize(self._ids, capacity)
        self._sizes = np.resize(self._sizes, capacity)
        sigs = np.zeros((capacity, NUM_PERM), dtype=np.uint32)
        sigs[: self._n] = self._sigs[: self._n]
        self._sigs = sigs

    def add(self, item_id: int, scope: int, sig: Signature) -> None:
        """Store a text's signature under an id (a mention id) and a scope (a team id)."""
        if item_id in self._row_of:
            return
        if self._n == len(self._ids):
            self._grow()
        row = self._n
        self._n += 1
        self._row_of[item_id] = row
        self._ids[row] = item_id
        self._sizes[row] = sig.size
        self._sigs[row] = sig.values
        for key in _band_keys(sig.values, scope).tolist():
            self._tail.setdefault(key, []).append(row)
        self._tail_items += 1
        if self._tail_items >= TAIL_ITEMS:
            self._merge()

    def add_many(self, items: list[tuple[int, int, Signature]]) -> None:
        """Store many (id, scope, signature) at once, as when loading a store: one sort."""
        items = [i for i in dict((i[0], i) for i in items).values() if i[0] not in self._row_of]
        if not items:
            return
        self._merge()
        while self._n + len(items) > len(self._ids):
            self._grow()
        first = self._n
        rows = np.arange(first, first + len(items), dtype=np.int32)
        sigs = np.stack([sig.values for _, _, sig in items])
        self._ids[first : first + len(items)] = [item_id for item_id, _, _ in items]
        self._sizes[first : first + len(items)] = [sig.size for _, _, sig in items]
        self._sigs[first : first + len(items)] = sigs
        for offset, (item_id, _, _) in enumerate(items):
            self._row_of[item_id] = first + offset
        self._n += len(items)
        scopes = np.array([scope for _, scope, _ in items], dtype=np.uint64)
        keys = _band_keys_many(sigs, scopes).ravel()
        all_keys = np.concatenate([self._keys, keys])
        all_rows = np.concatenate([self._rows, np.repeat(rows, BANDS)])
        order = np.argsort(all_keys, kind="stable")
        self._keys, self._rows = all_keys[order], all_rows[order]

    def _merge(self) -> None:
        """Move the tail into the sorted arrays (one sort of the tail, one linear insert)."""
        if not self._tail:
            return
        keys = np.fromiter((k for k, rs in self._tail.items() for _ in rs), dtype=np.uint64)
        rows = np.fromiter((r for rs in self._tail.values() for r in rs), dtype=np.int32)
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], rows[order]
        at = np.searchsorted(self._keys, keys, side="right")
        self._keys = np.insert(self._keys, at, keys)
        self._rows = np.insert(self._rows, at, rows)
        self._tail.clear()
        self._tail_items = 0

    def candidates(self, scope: int, sig: Signature) -> set[int]:
        """Rows sharing at least one band with the signature, in the same scope."""
        keys = _band_keys(sig.values, scope)
        found: set[int] = set()
        if len(self._keys):
            lo = np.searchsorted(self._keys, keys, side="left")
            hi = np.searchsorted(self._keys, keys, side="right")
            for start, stop in zip(lo.tolist(), hi.tolist(), strict=True):
                if stop > start:
                    found.update(self._rows[start:stop].tolist())
        for key in keys.tolist():
            found.update(self._tail.get(key, ()))
        return found

    def query(self, scope: int, sig: Signature) -> list[Match]:
        """Stored texts of the scope that are near duplicates of `sig`, closest first."""
        rows = np.fromiter(self.candidates(scope, sig), dtype=np.int64)
        if not len(rows):
            return []
        same = np.count_nonzero(self._sigs[rows] == sig.values[None, :], axis=1)
        matches: list[Match] = []
        for row, agree in zip(rows.tolist(), same.tolist(), strict=True):
            jaccard = agree / NUM_PERM
            if jaccard < 0.1:
                continue
            containment = _containment(jaccard, sig.size, int(self._sizes[row]))
            if is_near(jaccard, containment):
                matches.append(Match(int(self._ids[row]), jaccard, containment))
        matches.sort(key=lambda m: (-max(m.jaccard, m.containment), m.item_id))
        return matches
