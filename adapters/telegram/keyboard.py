"""Buttons as an inline keyboard, and button presses read back strictly (they come from clients).

`callback_data` is `action:arg` (at most 64 bytes): a command name and a short id. Anything
else a client sends back is refused before it reaches the router.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.chat.types import Button

log = logging.getLogger(__name__)

MAX_CALLBACK_BYTES = 64
MAX_LABEL = 64
PER_ROW = 2
_CALLBACK = re.compile(r"([a-z][a-z0-9_]{0,31}):([A-Za-z0-9_#.-]{0,30})")


def callback_data(button: Button) -> str | None:
    """`action:arg`, or None when the button cannot be encoded within Telegram's 64 bytes."""
    data = f"{button.action}:{button.arg}"
    if len(data.encode()) > MAX_CALLBACK_BYTES or not _CALLBACK.fullmatch(data):
        return None
    return data


def build_keyboard(
    buttons: Iterable[Button], per_row: int = PER_ROW
) -> InlineKeyboardMarkup | None:
    """Buttons two by two; a button that cannot be encoded is left out (and logged)."""
    keys: list[InlineKeyboardButton] = []
    for button in buttons:
        data = callback_data(button)
        if data is None:
            log.warning("button %r left out: its callback data is not encodable", button.action)
            continue
        label = " ".join(button.label.split())[:MAX_LABEL] or button.action
        keys.append(InlineKeyboardButton(label, callback_data=data))
    if not keys:
        return None
    rows = [keys[i : i + per_row] for i in range(0, len(keys), per_row)]
    return InlineKeyboardMarkup(rows)


def parse_callback(data: str | None, actions: Collection[str], label: str = "") -> Button | None:
    """The pressed button, or None when the data is malformed or names no known action."""
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        return None
    match = _CALLBACK.fullmatch(data)
    if match is None or match.group(1) not in actions:
        return None
    return Button(label, match.group(1), match.group(2))


def label_of(markup: InlineKeyboardMarkup | None, data: str | None) -> str:
    """The label of the button that carried `data` in a message's keyboard ("" if absent)."""
    if markup is None or data is None:
        return ""
    for row in markup.inline_keyboard:
        for key in row:
            if key.callback_data == data:
                return key.text
    return ""
