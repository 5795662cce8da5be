"""Rendering a `Reply` as plain text (console, notifications, logs)."""

from __future__ import annotations

from bot.chat.types import Reply, SpanStyle


def render_plain(reply: Reply) -> str:
    """Text without markup; links show their address, quotes are prefixed, buttons listed."""
    out: list[str] = []
    for span in reply.spans:
        if span.style is SpanStyle.LINK and span.url:
            out.append(f"{span.text} <{span.url}>")
        elif span.style is SpanStyle.QUOTE:
            out.append("\n".join("> " + line for line in span.text.splitlines() or [""]))
        else:
            out.append(span.text)
    text = "".join(out)
    if reply.buttons:
        actions = " · ".join(
            f"[{button.label} : /{button.action} {button.arg}]".replace(" ]", "]")
            for button in reply.buttons
        )
        text += "\n" + actions
    for attachment in reply.attachments:
        text += f"\n📎 {attachment.filename} : {attachment.path}"
    return text
