"""The conversation's vocabulary: what adapters hand to the router and what they get back."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path


class Urgency(enum.StrEnum):
    """How loudly a reply or an alert reaches the team's phones."""

    URGENT = "urgent"
    NORMAL = "normal"
    SILENT = "silent"


class SpanStyle(enum.StrEnum):
    """The small markup subset every adapter can render."""

    PLAIN = "plain"
    BOLD = "bold"
    ITALIC = "italic"
    CODE = "code"
    LINK = "link"
    QUOTE = "quote"


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with one style; adapters escape `text` (and `url`) when rendering."""

    text: str
    style: SpanStyle = SpanStyle.PLAIN
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Button:
    """An action button: `action` is a command name, `arg` its short argument (a mention id)."""

    label: str
    action: str
    arg: str = ""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply (a capture, a letter, a report)."""

    path: Path
    filename: str
    mime_type: str
    caption: str = ""
    is_image: bool = False


@dataclass(frozen=True, slots=True)
class Reply:
    """What the router answers: rich text, buttons, files and how loudly it rings."""

    spans: tuple[Span, ...]
    buttons: tuple[Button, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    urgency: Urgency = Urgency.NORMAL

    @property
    def plain_text(self) -> str:
        """The text without markup (console, notifications, tests)."""
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True, slots=True)
class Incoming:
    """A command typed or a button pressed in a chat, in neutral form."""

    platform: str
    chat_id: str
    user_id: str
    user_name: str = ""
    text: str = ""
    button: Button | None = None
    workspace_id: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ChatRef:
    """A chat bound to a team, as the delivery task addresses it."""

    id: int
    team_id: int
    platform: str
    chat_id: str
