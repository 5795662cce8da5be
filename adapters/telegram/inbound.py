"""Which Telegram messages reach the router, and as what: the adapter's only decision on input.

Commands go through (unless addressed to another bot); in a private chat anything else gets
the router's short welcome; in a group, plain talk, channels and other bots are ignored; an
edited command is not run again, the sender is told to send it anew.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from telegram import Message
from telegram.constants import ChatType

from bot.chat.types import Incoming

PLATFORM = "telegram"


class Action(enum.Enum):
    """What to do with one message."""

    ROUTE = "route"
    EDITED = "edited"
    IGNORE = "ignore"


@dataclass(frozen=True, slots=True)
class Decision:
    """The action, and the neutral message when there is one to route."""

    action: Action
    incoming: Incoming | None = None


IGNORE = Decision(Action.IGNORE)


def addressed_elsewhere(text: str, bot_username: str) -> bool:
    """`/liste@AutreBot`: a command meant for another bot of the group."""
    word = text.split(None, 1)[0] if text.strip() else ""
    if "@" not in word:
        return False
    target = word.split("@", 1)[1]
    return target.lower() != bot_username.lower()


def sender_of(message: Message) -> tuple[str, str] | None:
    """The sender's id and name; None for channels and other bots."""
    chat = message.chat
    if message.sender_chat is not None:
        if message.sender_chat.id != chat.id:
            return None  # posted as a channel (or forwarded from a linked channel)
        return str(chat.id), f"{chat.title or 'groupe'} (administrateur anonyme)"
    user = message.from_user
    if user is None or user.is_bot:
        return None
    return str(user.id), user.full_name


def read_message(message: Message, bot_username: str, *, edited: bool = False) -> Decision:
    """Decide what one incoming (or edited) message is for the router."""
    chat = message.chat
    if chat.type == ChatType.CHANNEL:
        return IGNORE
    sender = sender_of(message)
    if sender is None:
        return IGNORE
    text = message.text or ""
    command = text.startswith("/")
    if command and addressed_elsewhere(text, bot_username):
        return IGNORE
    private = chat.type == ChatType.PRIVATE
    if not command and (not private or edited):
        return IGNORE
    if not command and not text and message.effective_attachment is None:
        return IGNORE  # a service message (pinned, member joined…): nothing was said
    user_id, user_name = sender
    incoming = Incoming(
        platform=PLATFORM,
        chat_id=str(chat.id),
        user_id=user_id,
        user_name=user_name,
        text=text if command else "",
        metadata={"chat_type": str(chat.type)},
    )
    return Decision(Action.EDITED if edited else Action.ROUTE, incoming)


def thread_of(message: Message) -> int | None:
    """The forum topic to answer in, if the message was posted in one."""
    return message.message_thread_id if message.is_topic_message else None
