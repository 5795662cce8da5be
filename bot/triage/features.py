"""Turns a mention into hashed n-gram and rule-cue features, identical in training and at run time.

Words, word pairs and character n-grams of the folded text (so SMS spellings, missing accents
and typos share most of their features with the clean form) are hashed with CRC-32 into a
fixed space, with the star rating. The rules' own verdict is NOT an input:
measured leave-one-corpus-out, a model fed the rules' flags learns to echo rules that were
tuned on its training corpora and adds almost nothing on unseen text (docs/evaluation.md);
the two are combined afterwards instead (a flag from either). Needs numpy only.
"""

from __future__ import annotations

import itertools
import math
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.match.normalize import Tokenized

#: Bumped whenever the features change: a model trained on other features is refused at load.
FEATURES_VERSION = 3
HASH_BITS = 17
HASHED = 1 << HASH_BITS
# Only the stars: a « no rating » or a length feature let the model learn that short unrated
# texts (the outside tweets) are insults, and flag « Bonjour ».
_DENSE_NAMES = tuple(f"rating:{r}" for r in ("1", "2", "3", "4", "5"))
DENSE = len(_DENSE_NAMES)
DIM = HASHED + DENSE
_CHAR_SIZES = (3, 4, 5)
_MAX_CHARS = 4000
_DENSE_WEIGHT = 1.0


@dataclass(frozen=True, slots=True)
class Features:
    """A sparse feature vector: column indices and their values."""

    index: npt.NDArray[np.int64]
    value: npt.NDArray[np.float32]


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (HASHED - 1)


def text_counts(words: tuple[str, ...]) -> dict[int, float]:
    """Hashed counts of the words, word pairs and character 3–5-grams of the folded text."""
    counts: dict[int, float] = {}
    for w in words:
        h = _hash("w " + w)
        counts[h] = counts.get(h, 0.0) + 1.0
    for a, b in itertools.pairwise(words):
        h = _hash(f"b {a} {b}")
        counts[h] = counts.get(h, 0.0) + 1.0
    joined = (" " + " ".join(words) + " ")[:_MAX_CHARS]
    for n in _CHAR_SIZES:
        for i in range(len(joined) - n + 1):
            h = _hash("c" + joined[i : i + n])
            counts[h] = counts.get(h, 0.0) + 1.0
    return counts


def _normalized(counts: dict[int, float]) -> tuple[list[int], list[float]]:
    """Sublinear counts scaled to unit length, so long articles weigh like short reviews."""
    index = list(counts)
    value = [1.0 + math.log(c) for c in counts.values()]
    norm = math.sqrt(sum(v * v for v in value)) or 1.0
    return index, [v / norm for v in value]


def _dense(rating: int | None) -> list[float]:
    return [_DENSE_WEIGHT if rating == r else 0.0 for r in (1, 2, 3, 4, 5)]


def features(tk: Tokenized, rating: int | None) -> Features:
    """The model's input for one mention: its folded words, its rating, its length."""
    index, value = _normalized(text_counts(tk.words))
    dense = _dense(rating)
    index += [HASHED + i for i, v in enumerate(dense) if v]
    value += [v for v in dense if v]
    return Features(np.asarray(index, dtype=np.int64), np.asarray(value, dtype=np.float32))


def sentence_features(words: tuple[str, ...]) -> Features:
    """The text-only features of one sentence, to find the one that tells most."""
    index, value = _normalized(text_counts(words))
    return Features(np.asarray(index, dtype=np.int64), np.asarray(value, dtype=np.float32))
