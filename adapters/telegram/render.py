"""A `Reply` as Telegram HTML: every text escaped here, long replies cut on line boundaries.

Telegram accepts 4,096 characters per message and 1,024 per caption, counted in UTF-16 code
units after its HTML is parsed; the cut is measured on the HTML itself (always longer), so a
chunk is never refused. Each chunk opens and closes its own tags, so a cut never breaks one.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.chat.types import Reply, Span, SpanStyle

MESSAGE_LIMIT = 4_096
CAPTION_LIMIT = 1_024
MAX_URL = 2_048
_QUOTE_TAGS = len("<blockquote></blockquote>")
_LINE_BUDGET = MESSAGE_LIMIT - 2 * _QUOTE_TAGS
_TOKENS = re.compile(r"\S+\s*|\s+")
_INLINE = {
    SpanStyle.BOLD: ("<b>", "</b>"),
    SpanStyle.ITALIC: ("<i>", "</i>"),
    SpanStyle.CODE: ("<code>", "</code>"),
}


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji may count for two)."""
    return len(text.encode("utf-16-le")) // 2


def esc(text: str) -> str:
    """Text content: `<`, `>` and `&` escaped."""
    return html.escape(text, quote=False)


def safe_url(url: str | None) -> str | None:
    """The URL when it may become a link: http(s), with a host, of a sane length."""
    if not url or len(url) > MAX_URL or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


@dataclass(frozen=True, slots=True)
class _Piece:
    """A run of text without line breaks, in one style."""

    text: str
    style: SpanStyle
    url: str | None = None

    def html(self) -> str:
        if self.style is SpanStyle.LINK:
            url = safe_url(self.url)
            label = self.text or self.url or ""
            if url is None:
                shown = label if not self.url or self.url == label else f"{label} ({self.url})"
                return esc(shown)
            return f'<a href="{html.escape(url, quote=True)}">{esc(label)}</a>'
        opening, closing = _INLINE.get(self.style, ("", ""))
        return f"{opening}{esc(self.text)}{closing}" if self.text else ""

    @property
    def quoted(self) -> bool:
        return self.style is SpanStyle.QUOTE


@dataclass(slots=True)
class _Line:
    """A line of the message; `hard` when a real line break precedes it (not a cut)."""

    pieces: list[_Piece]
    hard: bool = True

    def html(self) -> str:
        return "".join(p.html() for p in self.pieces)

    @property
    def blank(self) -> bool:
        return not "".join(p.text for p in self.pieces).strip()


def _lines(spans: tuple[Span, ...]) -> list[_Line]:
    """Spans cut at their line breaks; a link keeps its label on one line."""
    lines = [_Line([], hard=False)]
    for span in spans:
        if span.style is SpanStyle.LINK:
            label = " ".join((span.text or span.url or "").split())
            lines[-1].pieces.append(_Piece(label, span.style, span.url))
            continue
        if span.style is SpanStyle.QUOTE and not span.text.strip():
            continue
        for index, part in enumerate(span.text.split("\n")):
            if index:
                lines.append(_Line([]))
            if part or span.style is SpanStyle.QUOTE:
                lines[-1].pieces.append(_Piece(part, span.style))
    return lines


def _cut_long(line: _Line) -> list[_Line]:
    """A line too long for one message, cut between words (within a word if it must)."""
    if units(line.html()) <= _LINE_BUDGET:
        return [line]
    out = [_Line([], hard=line.hard)]
    used = 0
    for piece in line.pieces:
        if piece.style is SpanStyle.LINK:
            rendered = units(piece.html())
            if rendered > _LINE_BUDGET:
                piece = _Piece(piece.text, SpanStyle.PLAIN)
            elif used + rendered > _LINE_BUDGET:
                out.append(_Line([piece], hard=False))
                used = rendered
                continue
            else:
                out[-1].pieces.append(piece)
                used += rendered
                continue
        for token in _TOKENS.findall(piece.text):
            for part in _hard_cut(token, piece.style):
                size = units(_Piece(part, piece.style).html())
                if used + size > _LINE_BUDGET and out[-1].pieces:
                    out.append(_Line([], hard=False))
                    used = 0
                out[-1].pieces.append(_Piece(part, piece.style))
                used += size
    return [_merge(line) for line in out if line.pieces]


def _hard_cut(token: str, style: SpanStyle) -> list[str]:
    """A single word longer than a message, in slices that each fit (escaping included)."""
    if units(_Piece(token, style).html()) <= _LINE_BUDGET:
        return [token]
    step = _LINE_BUDGET // 6  # "&" becomes "&amp;", and an emoji counts for two
    return [token[i : i + step] for i in range(0, len(token), step)]


def _merge(line: _Line) -> _Line:
    """Adjacent pieces of one style joined again (fewer tags)."""
    merged: list[_Piece] = []
    for piece in line.pieces:
        last = merged[-1] if merged else None
        if last and last.style is piece.style and piece.style is not SpanStyle.LINK:
            merged[-1] = _Piece(last.text + piece.text, piece.style)
        else:
            merged.append(piece)
    return _Line(merged, hard=line.hard)


def _render(lines: list[_Line]) -> str:
    """Lines as one HTML message; block quotes open and close inside it."""
    out: list[str] = []
    quoting = False
    for index, line in enumerate(lines):
        if index and line.hard:
            first_quoted = bool(line.pieces) and line.pieces[0].quoted
            if quoting and not first_quoted:
                out.append("</blockquote>")
                quoting = False
            out.append("\n")
        for piece in line.pieces:
            if piece.quoted and not quoting:
                out.append("<blockquote>")
                quoting = True
            elif not piece.quoted and quoting:
                out.append("</blockquote>")
                quoting = False
            out.append(piece.html())
    if quoting:
        out.append("</blockquote>")
    return "".join(out).strip("\n")


def _trim(lines: list[_Line]) -> list[_Line]:
    """No blank lines at either end of a chunk."""
    start, end = 0, len(lines)
    while start < end and lines[start].blank and not any(p.quoted for p in lines[start].pieces):
        start += 1
    while end > start and lines[end - 1].blank:
        end -= 1
    return lines[start:end]


def render_chunks(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The reply's text as one or more HTML messages, each within `limit`; none when empty."""
    lines = [part for line in _lines(reply.spans) for part in _cut_long(line)]
    chunks: list[list[_Line]] = []
    current: list[_Line] = []
    for line in lines:
        candidate = _trim([*current, line])
        if units(_render(candidate)) <= limit:
            current.append(line)
            continue
        keep, carry = _paragraph_cut(current)
        chunks.append(keep)
        current = [*carry, line]
        if units(_render(_trim(current))) > limit:
            chunks.append(carry)
            current = [line]
    chunks.append(current)
    rendered = (_render(_trim(chunk)) for chunk in chunks)
    return [text for text in rendered if _visible(text).strip()]


def _paragraph_cut(lines: list[_Line]) -> tuple[list[_Line], list[_Line]]:
    """Cut at the last blank line of the second half, so a paragraph stays whole."""
    for index in range(len(lines) - 1, len(lines) // 2, -1):
        if lines[index].blank and lines[index].hard:
            return lines[:index], lines[index + 1 :]
    return lines, []


def _visible(fragment: str) -> str:
    """The text a reader sees (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]*>", "", fragment))


def render_caption(text: str) -> tuple[str, bool]:
    """A file caption within 1,024 characters; True when it had to be shortened."""
    flat = text.strip()
    if units(flat) <= CAPTION_LIMIT:
        return esc(flat), False
    cut = flat
    while (excess := units(cut) - (CAPTION_LIMIT - 2)) > 0:
        cut = cut[: len(cut) - excess]  # each code point removed frees one unit or two
    head = cut.rsplit(" ", 1)[0] if " " in cut[-80:] else cut
    return esc(head) + " …", True
