"""Builders for the markup subset of `Reply`: content stays data until an adapter escapes it."""

from __future__ import annotations

from collections.abc import Iterable

from bot.chat.types import Attachment, Button, Reply, Span, SpanStyle, Urgency


def t(text: str) -> Span:
    """Plain text (user content goes here: adapters escape it)."""
    return Span(text)


def b(text: str) -> Span:
    """Bold text."""
    return Span(text, SpanStyle.BOLD)


def i(text: str) -> Span:
    """Italic text."""
    return Span(text, SpanStyle.ITALIC)


def code(text: str) -> Span:
    """Monospace text (commands, codes)."""
    return Span(text, SpanStyle.CODE)


def link(text: str, url: str) -> Span:
    """A link; adapters only render http(s) URLs as links."""
    return Span(text, SpanStyle.LINK, url)


def quote(text: str) -> Span:
    """Quoted third-party content (a review), rendered as a block quote."""
    return Span(text, SpanStyle.QUOTE)


NL = Span("\n")


def parts(items: Iterable[Span | str]) -> list[Span]:
    """Spans from a catalogue sentence's parts (bare strings are plain text)."""
    return [Span(s) if isinstance(s, str) else s for s in items]


def reply(
    *spans: Span | str,
    buttons: Iterable[Button] = (),
    attachments: Iterable[Attachment] = (),
    urgency: Urgency = Urgency.NORMAL,
) -> Reply:
    """A reply from spans; bare strings are plain text."""
    return Reply(
        spans=tuple(Span(s) if isinstance(s, str) else s for s in spans),
        buttons=tuple(buttons),
        attachments=tuple(attachments),
        urgency=urgency,
    )


def lines(*parts: Iterable[Span | str] | Span | str) -> tuple[Span, ...]:
    """Join parts with newlines; each part is a span, a string, or a sequence of them."""
    out: list[Span] = []
    for index, part in enumerate(parts):
        if index:
            out.append(NL)
        if isinstance(part, Span):
            out.append(part)
        elif isinstance(part, str):
            out.append(Span(part))
        else:
            out.extend(Span(s) if isinstance(s, str) else s for s in part)
    return tuple(out)


def excerpt(text: str, limit: int = 280) -> str:
    """A one-paragraph excerpt of third-party text, cut on a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut + " …"
