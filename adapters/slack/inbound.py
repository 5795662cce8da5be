"""Slash commands, button presses and mentions read into one shape, with Slack's markup undone."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

from adapters.slack.render import clean, parse_button
from bot.chat.types import Button

_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


class Kind(enum.StrEnum):
    """Where a request came from."""

    COMMAND = "command"
    BUTTON = "button"
    MENTION = "mention"


@dataclass(frozen=True, slots=True)
class SlackRequest:
    """One request from Slack, whatever its shape; `button_invalid` marks a tampered press."""

    kind: Kind
    workspace: str
    channel: str
    user_id: str
    user_name: str = ""
    text: str = ""
    button: Button | None = None
    button_invalid: bool = False
    response_url: str | None = None
    event_id: str | None = None

    @property
    def what(self) -> str:
        """What was asked, as the user would type it."""
        if self.button is not None:
            return f"/vigie {self.button.action} {self.button.arg}".strip()
        return f"/vigie {self.text}".strip()


def _unlink(match: re.Match[str]) -> str:
    """`<https://x|x>` → the URL; `<@U1|alice>` → `@alice`; `<#C1|general>` → `#general`."""
    target, label = match.group(1), match.group(2)
    if target.startswith(("@", "#")):
        return target[0] + (label or target[1:])
    if target.startswith("!"):
        return "@" + (label or target[1:].split("^")[0])
    if target.startswith("mailto:"):
        return label or target[len("mailto:") :]
    return target


def from_slack(text: str) -> str:
    """Slack's escaped, linkified text back to what the user typed."""
    text = _LINK.sub(_unlink, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return clean(text).replace("\u00a0", " ").strip()


def _str(data: dict[str, Any], *keys: str) -> str:
    """A nested string field, or "" when absent."""
    value: Any = data
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, str) else ""


def command_request(body: dict[str, Any]) -> SlackRequest:
    """A `/vigie …` slash command."""
    return SlackRequest(
        kind=Kind.COMMAND,
        workspace=_str(body, "team_id"),
        channel=_str(body, "channel_id"),
        user_id=_str(body, "user_id"),
        user_name=_str(body, "user_name"),
        text=from_slack(_str(body, "text")),
        response_url=_str(body, "response_url") or None,
    )


def action_request(body: dict[str, Any]) -> SlackRequest:
    """A press on one of Vigie's buttons (`block_actions`)."""
    actions = body.get("actions")
    action: dict[str, Any] = actions[0] if isinstance(actions, list) and actions else {}
    if not isinstance(action, dict):
        action = {}
    button = parse_button(
        _str(action, "action_id"), _str(action, "value"), _str(action, "text", "text")
    )
    channel = _str(body, "channel", "id") or _str(body, "container", "channel_id")
    return SlackRequest(
        kind=Kind.BUTTON,
        workspace=_str(body, "team", "id") or _str(body, "user", "team_id"),
        channel=channel,
        user_id=_str(body, "user", "id"),
        user_name=_str(body, "user", "username") or _str(body, "user", "name"),
        button=button,
        button_invalid=button is None,
        response_url=_str(body, "response_url") or None,
    )


def mention_request(body: dict[str, Any], bot_user_id: str | None) -> SlackRequest:
    """An `app_mention` event: the text after the bot's own mention is the command."""
    event = body.get("event")
    event = event if isinstance(event, dict) else {}
    raw = _str(event, "text")
    if bot_user_id:
        raw = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", raw)
    else:
        raw = re.sub(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>", " ", raw)
    return SlackRequest(
        kind=Kind.MENTION,
        workspace=_str(body, "team_id") or _str(event, "team"),
        channel=_str(event, "channel"),
        user_id=_str(event, "user"),
        text=from_slack(raw),
        event_id=_str(body, "event_id") or None,
    )
