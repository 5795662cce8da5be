"""Plain, bounded text out of whatever a site sends, so alerts and triage read clean words."""

from __future__ import annotations

import html as html_module
import re
import unicodedata
from html.parser import HTMLParser

MAX_TEXT_CHARS = 20_000
MAX_TITLE_CHARS = 500
MAX_RAW_CHARS = 200_000
ELLIPSIS = "…"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u2028\u2029\ufeff]")
_HSPACE = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_ANY_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>?")

# Elements whose content is never text for a reader.
_SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "svg", "math"})
# Elements that end a line when rendered.
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
        "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip


def cap(text: str, limit: int) -> str:
    """Cut text to `limit` characters, ending with an ellipsis when something was cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def clean_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """Normalise a plain text: NFC, no control characters, single spaces, at most one blank line.

    Markup-looking characters are kept as typed: adapters escape them when rendering.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    text = _HSPACE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return cap(text, limit)


def one_line(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    """Normalise a text to a single line (titles, authors)."""
    text = unicodedata.normalize("NFC", _CONTROL.sub("", text))
    return cap(_ANY_SPACE.sub(" ", text).strip(), limit)


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML fragment, one line per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip_depth += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip_depth = max(self._skip_depth - 1, 0)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def html_to_text(html: str, limit: int = MAX_TEXT_CHARS) -> str:
    """The readable text of an HTML fragment: tags dropped, entities decoded, whitespace tidied."""
    if "<" not in html and "&" not in html:
        return clean_text(html, limit)
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except AssertionError:
        # html.parser gives up on some malformed declarations (`<![…`): strip tags bluntly.
        return clean_text(html_module.unescape(_TAG.sub(" ", html)), limit)
    return clean_text("".join(extractor.parts), limit)


def html_to_line(html: str, limit: int = MAX_TITLE_CHARS) -> str:
    """The text of an HTML title on one line (Google Alerts wraps names in `<b>`)."""
    return one_line(html_to_text(html, limit=limit * 4), limit)
