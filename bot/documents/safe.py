"""Makes hostile review text safe to quote in any letter: no control or bidi tricks, bounded size.

A review is written by a stranger. Before it enters a letter it loses what could break or
disguise the output (control characters, invalid code points for XML, every bidi embedding,
override and isolate, unbounded length); right-to-left *letters* are kept. No invisible mark is
added back (isolates U+2066–U+2069 show as boxes or are stripped by some readers, and let a
copied text differ from what is seen): with every directional control gone, a quoted value can
only reorder the neutral characters beside it, so templates print outside text on its own line
(« > » quotes) or at the end of a line.
"""

from __future__ import annotations

import re
import unicodedata

#: First Strong Isolate / Pop Directional Isolate: the Unicode way to quote text of any direction.
FSI = "\u2068"
PDI = "\u2069"

# Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they can reorder
# what follows them, so they are dropped; marks (LRM, RLM, ALM) only affect their neighbours.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85\x0b\x0c]")
_SPACES = re.compile(r"\s+")


class Untrusted(str):
    """Text that came from outside (a review, an author name, a URL): isolated when rendered."""

    __slots__ = ()


def _allowed(char: str) -> bool:
    """Whether a character may appear in a letter (XML 1.0, e-mail and plain text alike)."""
    if char in "\n\t":
        return True
    if char in _BIDI_CONTROLS:
        return False
    category = unicodedata.category(char)
    if category in ("Cc", "Cs", "Co"):
        return False
    code = ord(char)
    return not (0xFDD0 <= code <= 0xFDEF or (code & 0xFFFF) in (0xFFFE, 0xFFFF))


def clean(text: str, *, single_line: bool = False) -> str:
    """The text without control characters or bidi overrides, lines normalised to "\\n"."""
    text = unicodedata.normalize("NFC", _LINE_BREAKS.sub("\n", text))
    text = "".join(char for char in text if _allowed(char))
    if single_line:
        return _SPACES.sub(" ", text).strip()
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def shorten(text: str, limit: int) -> tuple[str, bool]:
    """The text cut at a word boundary near `limit` characters, and whether it was cut."""
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + " […]", True


def untrusted(text: str | None, *, limit: int = 300) -> Untrusted | None:
    """A short outside value (author, label) on one line, cleaned and bounded; None stays None."""
    if text is None:
        return None
    value = shorten(clean(text, single_line=True), limit)[0]
    return Untrusted(value) if value else None


def isolate(text: str) -> str:
    """Outside text as printed: already cleaned of every bidi control; no invisible mark added."""
    return "".join(char for char in text if char not in _BIDI_CONTROLS)


def header_safe(text: str, limit: int = 200) -> str:
    """A value fit for an e-mail header or a file name's neighbour: one line, no isolates."""
    return shorten(clean(text, single_line=True), limit)[0]
