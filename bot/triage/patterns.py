"""The pattern language of Vigie's lexicons, kept apart so the rules stay readable and tested.

Each lexicon line is compiled once into a regex over a text's folded words joined by spaces;
hits map back to the raw words, so every cue the team sees quotes the text itself.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from bot.match.normalize import Tokenized, lexicon_lines


# --- The pattern language of the lexicons -----------------------------------------------------
# A pattern is a line of elements separated by spaces, matched word by word on folded text:
# `mot+` (plural allowed), `mot*` (prefix), `a|b` (either), `a/b` (two words as one choice),
# `[a|b]` (optional word, never last), `[!a|b]` (optional word but these), `_` (any word),
# `!a|b` (any word but these), `#` (a number: digits, « 4h », « 1h20 », or spelt up to
# « trente »), `~` / `~N` (up to 3 / N words).
# A line starting with `#` is a comment: start a number pattern with an optional word.
# A file is split in groups by header lines `@<kind> <reason>`.
class PatternError(ValueError):
    """A lexicon line that cannot be read as a pattern."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """One compiled line of a lexicon, with its group's kind and reason."""

    kind: str
    reason: str
    source: str
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Hit:
    """Where a pattern matched: word positions and the raw words."""

    pattern: Pattern
    first: int
    last: int
    words: str


_NUMBER_WORDS = "deux trois quatre cinq six sept huit neuf dix onze douze quinze vingt trente"
_NUMBER = "(?:[0-9]+(?:h[0-9]*|min|mn)?|" + "|".join(_NUMBER_WORDS.split()) + ")"


def _word(word: str) -> str:
    if word.endswith("+") and len(word) > 1:
        return re.escape(word[:-1]) + "(?:s|x)?"
    if word.endswith("*") and len(word) > 1:
        return re.escape(word[:-1]) + "[^ ]*"
    if word == "#":
        return _NUMBER
    if not re.fullmatch(r"[a-z0-9]+", word):
        raise PatternError(f"mot illisible « {word} »")
    return re.escape(word)


def _alternatives(element: str) -> str:
    choices = []
    for alt in element.split("|"):
        if not alt:
            raise PatternError(f"choix vide dans « {element} »")
        choices.append(" ".join(_word(w) for w in alt.split("/")))
    return "(?:" + "|".join(choices) + ")"


def compile_pattern(line: str) -> re.Pattern[str]:
    """The regex (over space-joined folded words) for one pattern line."""
    out: list[str] = []
    pending = ""
    for element in line.split():
        if element.startswith("~"):
            n = int(element[1:]) if element[1:].isdigit() else 3
            pending += f"(?:[^ ]+ ){{0,{n}}}"
            continue
        if element.startswith("[!") and element.endswith("]") and len(element) > 3:
            pending += f"(?:(?!{_alternatives(element[2:-1])}(?![^ ]))[^ ]+ )?"
            continue
        if element.startswith("[") and element.endswith("]"):
            pending += f"(?:{_alternatives(element[1:-1])} )?"
            continue
        if element == "_":
            body = "[^ ]+"
        elif element.startswith("!") and len(element) > 1:
            body = f"(?!{_alternatives(element[1:])}(?![^ ]))[^ ]+"
        else:
            body = _alternatives(element)
        out.append(pending + body)
        pending = ""
    if not out:
        raise PatternError(f"motif vide « {line} »")
    return re.compile("(?<![^ ])" + " ".join(out) + "(?![^ ])")


def load_patterns(name: str) -> list[Pattern]:
    """The patterns of lexicon file `name`, grouped under their `@` headers."""
    kind, reason = "", ""
    out: list[Pattern] = []
    for line in lexicon_lines(name):
        if line.startswith("@"):
            head, _, rest = line.partition(" ")
            kind, reason = head[1:], rest.strip()
            continue
        try:
            out.append(Pattern(kind, reason, line, compile_pattern(line)))
        except PatternError as exc:
            raise PatternError(f"{name} : {exc}") from exc
    return out


class Searchable:
    """A text's folded words joined by spaces, to run patterns and map hits back."""

    def __init__(self, tk: Tokenized) -> None:
        self.tk = tk
        self.joined = " ".join(tk.words)
        self._offsets: list[int] = []
        pos = 0
        for w in tk.words:
            self._offsets.append(pos)
            pos += len(w) + 1

    def find(self, patterns: list[Pattern]) -> list[Hit]:
        """Every match of every pattern, with the raw words it covers."""
        hits: list[Hit] = []
        for p in patterns:
            for m in p.regex.finditer(self.joined):
                first = bisect.bisect_right(self._offsets, m.start()) - 1
                last = bisect.bisect_right(self._offsets, max(m.end() - 1, m.start())) - 1
                hits.append(Hit(p, first, last, self.tk.raw_span(first, last)))
        return hits
