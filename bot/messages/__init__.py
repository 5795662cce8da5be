"""Chat strings per language: one method per sentence, `messages(lang).sentence(...)`."""

from __future__ import annotations

from bot.messages.catalogue import Messages, Parts
from bot.messages.en import English
from bot.messages.fr import French

_FRENCH: Messages = French()
_ENGLISH: Messages = English()


def messages(lang: str | None) -> Messages:
    """The catalogue of a team's language (French unless English was chosen)."""
    return _ENGLISH if lang == "en" else _FRENCH


__all__ = ["Messages", "Parts", "messages"]
