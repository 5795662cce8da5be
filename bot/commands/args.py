"""Forgiving argument parsing shared by commands: mention numbers, watch refs, key=value pairs."""

from __future__ import annotations

import re
import shlex
import unicodedata

from bot.commands.base import UsageError

_MENTION_REF = re.compile(r"^\s*(?:#|n°|no\.?|n)?\s*(\d{1,9})\s*$", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower case without accents, for comparing command words typed on a phone."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def mention_ref(text: str) -> int:
    """`#12`, `12` or `n°12` → 12."""
    match = _MENTION_REF.match(text)
    if not match:
        raise UsageError(lambda say: say.need_mention_number())
    return int(match.group(1))


def key_values(text: str) -> dict[str, str]:
    """`nom="Dr Marie Dupont" rpps=10001234567` → {"nom": ..., "rpps": ...}; keys folded."""
    try:
        tokens = shlex.split(
            text.replace("“", '"').replace("”", '"').replace("«", '"').replace("»", '"')
        )
    except ValueError as exc:
        raise UsageError(lambda say: say.unclosed_quote()) from exc
    pairs: dict[str, str] = {}
    last_key: str | None = None
    for token in tokens:
        if "=" in token:
            key, value = token.split("=", 1)
            last_key = fold(key.strip())
            pairs[last_key] = value.strip()
        elif last_key is not None:
            # nom=Dr Marie Dupont without quotes: glue the words to the previous value.
            pairs[last_key] = f"{pairs[last_key]} {token}".strip()
        else:
            raise _not_key_value(token[:40])
    return pairs


def split_first(text: str) -> tuple[str, str]:
    """The first word (folded) and the rest."""
    parts = text.strip().split(None, 1)
    if not parts:
        return "", ""
    return fold(parts[0]), parts[1].strip() if len(parts) > 1 else ""


def _not_key_value(token: str) -> UsageError:
    return UsageError(lambda say: say.not_key_value(token))
