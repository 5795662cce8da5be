"""Replies as JSON, so the outbox keeps exactly what will be sent, across restarts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.chat.types import Attachment, Button, Reply, Span, SpanStyle, Urgency


def encode_reply(reply: Reply) -> str:
    """Serialise a reply for the outbox."""
    data: dict[str, Any] = {
        "spans": [[s.text, s.style.value, s.url] for s in reply.spans],
        "buttons": [[b.label, b.action, b.arg] for b in reply.buttons],
        "attachments": [
            [str(a.path), a.filename, a.mime_type, a.caption, a.is_image] for a in reply.attachments
        ],
        "urgency": reply.urgency.value,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def decode_reply(payload: str) -> Reply:
    """Read back what `encode_reply` wrote."""
    data = json.loads(payload)
    return Reply(
        spans=tuple(Span(text, SpanStyle(style), url) for text, style, url in data["spans"]),
        buttons=tuple(Button(label, action, arg) for label, action, arg in data["buttons"]),
        attachments=tuple(
            Attachment(Path(path), name, mime, caption, bool(image))
            for path, name, mime, caption, image in data["attachments"]
        ),
        urgency=Urgency(data["urgency"]),
    )
