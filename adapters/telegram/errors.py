"""Telegram's errors as the delivery task understands them: retry later, or give up on a chat."""

from __future__ import annotations

import datetime as dtm
import warnings

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from bot.chat.transport import SendError


def retry_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds, whatever PTB's time-period setting."""
    with warnings.catch_warnings():
        # PTB warns that `retry_after` will become a timedelta; both forms are handled here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: int | float | dtm.timedelta = exc.retry_after
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    return float(value)


def to_send_error(exc: TelegramError) -> SendError:
    """A `SendError` that says whether (and when) a retry can succeed."""
    if isinstance(exc, RetryAfter):
        wait = retry_seconds(exc)
        return SendError(f"Telegram limite le débit : réessayer dans {wait:g} s", retry_after=wait)
    if isinstance(exc, ChatMigrated):
        return SendError(
            "Ce groupe est devenu un supergroupe (nouvel identifiant "
            f"{exc.new_chat_id}) : tapez /rejoindre avec un nouveau code dans le groupe.",
            permanent=True,
        )
    if isinstance(exc, Forbidden):
        return SendError(
            f"Telegram refuse l'envoi (robot bloqué ou retiré de la conversation) : {exc.message}",
            permanent=True,
        )
    if isinstance(exc, BadRequest):
        return SendError(f"Telegram a refusé le message : {exc.message}", permanent=True)
    if isinstance(exc, NetworkError):
        return SendError(f"Telegram injoignable pour l'instant : {exc.message}")
    return SendError(f"Erreur Telegram : {exc.message}")
