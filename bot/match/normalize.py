"""Text folding shared by matching and triage, so case, accents and punctuation never decide."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import accumulate

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
_FLAT_SPLIT_RE = re.compile(r"([a-z0-9]+)")
_CAMEL_RE = re.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ][a-zà-ÿ])")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_BEYOND_LATIN1_RE = re.compile(r"[^\x00-\xff]")


def _latin1_table() -> tuple[bytes, str]:
    """Latin-1 byte to folded ASCII letter or digit (anything else a space), and the
    characters that fold to two letters (æ, ß), which need the slow path."""
    table = bytearray(b" " * 256)
    wide = ""
    for b in range(256):
        ch = chr(b)
        folded = ch.lower().translate(_TABLE)
        if len(folded) == 1 and folded.isascii() and folded.isalnum():
            table[b] = ord(folded)
        elif len(folded) > 1 and folded.isalpha():
            wide += ch
    return bytes(table), wide


_LATIN1, _WIDE = _latin1_table()
_WIDE_RE = re.compile("[" + re.escape(_WIDE) + "]")


def _fast_bytes(text: str) -> bytes | None:
    """`text` folded to one byte per character (separators as spaces), when that is exact."""
    if text.isascii():
        return text.encode("ascii").translate(_LATIN1)
    if _WIDE_RE.search(text):
        return None
    for ch in _BEYOND_LATIN1_RE.findall(text):
        if ch.isalnum():
            return None
    return text.encode("latin-1", "replace").translate(_LATIN1)


def fold_flat(text: str) -> str | None:
    """`text` folded to ASCII letters and digits, every other character a space, one character
    for one (so offsets carry over to `text`); None when folding would change the length."""
    data = _fast_bytes(text)
    return data.decode("ascii") if data is not None else None


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


_HANDLE_RE = re.compile(r"[@#][^\s@#]+")


def split_handles(text: str) -> str:
    """Cut glued words inside @handles and #hashtags only (« @DrLeGall », « #BioMarne » stays
    whole in running text, where a capital inside a word is part of a brand name)."""
    return _HANDLE_RE.sub(lambda m: split_camel(m.group(0)), text)


def words_of(folded: str) -> list[str]:
    """The words of an already folded text (letters and digits; anything else separates)."""
    return TOKEN_RE.findall(folded)


def quick_words(text: str) -> list[str]:
    """The folded words of `text`, computed the fastest way (no positions)."""
    flat = fold_flat(text)
    if flat is not None:
        return flat.split()
    return words_of(fold(text))


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
    flat = fold_flat(raw)
    if flat is not None:
        return Tokenized(raw, *flat_words(flat))
    spans = _tokenize_slow(raw)
    return Tokenized(
        raw=raw,
        words=tuple(s[0] for s in spans),
        starts=tuple(s[1] for s in spans),
        ends=tuple(s[2] for s in spans),
    )


def flat_words(flat: str) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
    """The words of a `fold_flat` text, with where each starts and ends."""
    parts = _FLAT_SPLIT_RE.split(flat)  # separator, word, separator, …, word, separator
    bounds = list(accumulate(map(len, parts)))  # start, end, start, …, end, length
    return tuple(parts[1::2]), tuple(bounds[0:-1:2]), tuple(bounds[1::2])


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


_LEET = str.maketrans("013457@", "oieasta")
_LEET_RE = re.compile(r"(?<=[^\W\d_])[013457@]+(?=[^\W\d_])")
_MASK_RE = re.compile(r"(?<![^\W\d_])[^\W\d_]+(?:[*#$%]+[^\W\d_]*)+")


@cache
def _masked_words() -> tuple[str, ...]:
    return tuple(lexicon_lines("masked.txt"))


def _unmask(match: re.Match[str]) -> str:
    """« m*rde » → « merde » when one masked word fits, keeping the length."""
    word = match.group(0)
    shape = re.compile("".join("." if c in "*#$%" else re.escape(c.lower()) for c in word))
    fits = [w for w in _masked_words() if len(w) == len(word) and shape.fullmatch(w)]
    return fits[0] if len(fits) == 1 else word


def undisguise(raw: str) -> str:
    """Undoes the usual disguises of rude words (« c0nnasse », « m*rde »), length kept."""
    raw = _LEET_RE.sub(lambda m: m.group(0).translate(_LEET), raw)
    return _MASK_RE.sub(_unmask, raw)
