"""Rendering a `Reply` as plain text (console, notifications, logs)."""

from __future__ import annotations

from bot.chat.spantext import neutral
from bot.chat.types import Reply, SpanStyle


def render_plain(reply: Reply) -> str:
    """Text without markup; links show their address, quotes are prefixed, buttons listed.

    Every span loses its bidi and control characters (a terminal obeys them too).
    """
    out: list[str] = []
    for span in reply.spans:
        text = neutral(span.text)
        if span.style is SpanStyle.LINK and span.url:
            out.append(f"{text} <{neutral(span.url)}>")
        elif span.style is SpanStyle.QUOTE:
            out.append("\n".join("> " + line for line in text.split("\n") or [""]))
        else:
            out.append(text)
    text = "".join(out)
    if reply.buttons:
        actions = " · ".join(
            neutral(f"[{button.label} : /{button.action} {button.arg}]".replace(" ]", "]"))
            for button in reply.buttons
        )
        text += "\n" + actions
    for attachment in reply.attachments:
        text += neutral(f"\n📎 {attachment.filename} : {attachment.path}")
    return text
