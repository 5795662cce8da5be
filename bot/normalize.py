"""Text folding shared by matching and triage, so that case, accents and punctuation never decide."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Generic, TypeVar

_SPECIAL = {
    "œ": "oe",
    "Œ": "oe",
    "æ": "ae",
    "Æ": "ae",
    "ß": "ss",
    "ø": "o",
    "Ø": "o",
    "ł": "l",
    "Ł": "l",
    "đ": "d",
    "Đ": "d",
    "’": "'",
    "‘": "'",
    "‛": "'",
    "ʼ": "'",
    "`": "'",
    "´": "'",
    "–": "-",
    "—": "-",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "−": "-",
    "\u00a0": " ",
    "\u202f": " ",
}


def _build_table() -> dict[int, str]:
    """Map every Latin letter with a diacritic to its plain lower-case form."""
    table: dict[int, str] = {}
    for cp in range(0x41, 0x250):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        low = base.lower()
        if low != ch and low.isascii() and low:
            table[cp] = low
    for ch, rep in _SPECIAL.items():
        table[ord(ch)] = rep
    return table


_TABLE = _build_table()
TOKEN_RE = re.compile(r"[a-z0-9]+")
_CAMEL_RE = re.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ][a-zà-ÿ])")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
# Bytes to words: ASCII letters and digits kept (lower-cased), every other byte a space.
_WORD_BYTES = bytes(
    b if (48 <= b <= 57 or 97 <= b <= 122) else (b + 32 if 65 <= b <= 90 else 32)
    for b in range(256)
)
_QUICK = (("’", "'"), ("œ", "oe"), ("Œ", "oe"), ("æ", "ae"), ("Æ", "ae"), ("ß", "ss"))


def _fold_char(m: re.Match[str]) -> str:
    ch = m.group()
    return _TABLE.get(ord(ch), ch)


def fold(text: str) -> str:
    """Lower-case, accent-free form of `text` (ligatures spelt out, apostrophes unified)."""
    low = text.lower()
    if low.isascii():
        return low
    return _NON_ASCII_RE.sub(_fold_char, low)


def split_camel(text: str) -> str:
    """Cut glued words such as `@DrLeGall` into `@Dr Le Gall`."""
    return _CAMEL_RE.sub(" ", text)


def words_of(folded: str) -> list[str]:
    """The words of an already folded text (letters and digits; anything else separates)."""
    return folded.encode("utf-8").translate(_WORD_BYTES).decode("ascii").split()


def quick_words(text: str) -> list[str]:
    """The folded words of `text`, computed the fastest way (no positions)."""
    if not text.isascii():
        for a, b in _QUICK:
            if a in text:
                text = text.replace(a, b)
        data = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
        return data.translate(_WORD_BYTES).decode("ascii").split()
    return text.encode("ascii").translate(_WORD_BYTES).decode("ascii").split()


def tokens(text: str) -> list[str]:
    """The folded words of `text`: apostrophes, hyphens and punctuation separate words."""
    return words_of(fold(text))


@dataclass(frozen=True, slots=True)
class Tokenized:
    """Folded words with where each sits in the raw text, for cues and context."""

    raw: str
    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def raw_span(self, first: int, last: int) -> str:
        """The raw text from word `first` to word `last` (inclusive)."""
        return self.raw[self.starts[first] : self.ends[last]]

    def sep_before(self, i: int) -> str:
        """The raw characters between word `i - 1` and word `i`."""
        return self.raw[self.ends[i - 1] : self.starts[i]] if i > 0 else self.raw[: self.starts[0]]

    def capitalized(self, i: int) -> bool:
        """True when word `i` starts with a capital letter in the raw text."""
        return self.raw[self.starts[i]].isupper()

    def all_caps(self, i: int) -> bool:
        """True when word `i` is written in capitals (at least two letters)."""
        w = self.raw[self.starts[i] : self.ends[i]]
        return len(w) > 1 and w.isupper()


def tokenize(raw: str) -> Tokenized:
    """Split `raw` into folded words, keeping their raw offsets."""
    folded = fold(raw)
    if len(folded) == len(raw):
        words = words_of(folded)
        starts: list[int] = []
        pos = 0
        find = folded.find
        for w in words:
            pos = find(w, pos)
            starts.append(pos)
            pos += len(w)
        return Tokenized(
            raw=raw,
            words=tuple(words),
            starts=tuple(starts),
            ends=tuple([s + len(w) for s, w in zip(starts, words, strict=True)]),
        )
    spans = _tokenize_slow(raw)
    return Tokenized(
        raw=raw,
        words=tuple(s[0] for s in spans),
        starts=tuple(s[1] for s in spans),
        ends=tuple(s[2] for s in spans),
    )


def _tokenize_slow(raw: str) -> list[tuple[str, int, int]]:
    """Tokenize char by char when folding changed the text's length (ligatures)."""
    out: list[tuple[str, int, int]] = []
    cur: list[str] = []
    start = 0
    for i, ch in enumerate(raw):
        piece = fold(ch)
        if piece and all(c.isascii() and c.isalnum() for c in piece):
            if not cur:
                start = i
            cur.append(piece)
        elif cur:
            out.append(("".join(cur), start, i))
            cur = []
    if cur:
        out.append(("".join(cur), start, len(raw)))
    return out


@cache
def lexicon_text(name: str) -> str:
    """The text of a data file shipped in `bot/lexicons/`."""
    return resources.files("bot").joinpath("lexicons", name).read_text(encoding="utf-8")


def lexicon_lines(name: str) -> list[str]:
    """The non-empty, non-comment lines of a lexicon text file."""
    out = []
    for line in lexicon_text(name).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def lexicon_words(name: str) -> frozenset[str]:
    """A lexicon of single words or phrases, folded and space-joined."""
    return frozenset(" ".join(tokens(line)) for line in lexicon_lines(name))


V = TypeVar("V")


class PhraseIndex(Generic[V]):
    """Finds known phrases (tuples of folded words) in a word list, longest first."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], V]]] = {}
        self._values: dict[tuple[str, ...], V] = {}

    @property
    def first_words(self) -> frozenset[str]:
        """The words some phrase starts with, for a quick « anything here? » test."""
        return frozenset(self._by_first)

    def add(self, phrase: tuple[str, ...], value: V) -> None:
        """Registers `phrase`; a later value for the same phrase is ignored."""
        if not phrase or phrase in self._values:
            return
        self._values[phrase] = value
        bucket = self._by_first.setdefault(phrase[0], [])
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

    def find(self, words: tuple[str, ...]) -> list[tuple[int, int, V]]:
        """Non-overlapping (first, last, value) hits, scanning left to right."""
        out: list[tuple[int, int, V]] = []
        by_first = self._by_first
        if by_first.keys().isdisjoint(words):
            return out
        after = -1
        for i in [i for i, w in enumerate(words) if w in by_first]:
            if i <= after:
                continue
            for phrase, value in by_first[words[i]]:
                k = len(phrase)
                if k == 1 or words[i : i + k] == phrase:
                    out.append((i, i + k - 1, value))
                    after = i + k - 1
                    break
        return out
