"""What the social and video sources share: the search for a watched name, and typed targets."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

from bot.models import Watch
from bot.sources.base import InvalidTargetError
from bot.sources.text import cap, one_line

MAX_QUERY_CHARS = 300
SOCIAL_KINDS = ("reddit", "youtube", "bluesky", "mastodon")
LABELS = {"reddit": "Reddit", "youtube": "YouTube", "bluesky": "Bluesky", "mastodon": "Mastodon"}


def _quoted(name: str) -> str:
    return '"' + one_line(name.replace('"', " "), 120) + '"'


def names_of(watch: Watch) -> list[str]:
    """The watched name and its aliases, each once, without quotes."""
    names: list[str] = []
    for name in (watch.name, *watch.aliases):
        clean = one_line(name.replace('"', " "), 120)
        if clean and clean not in names:
            names.append(clean)
    return names


def search_query(watch: Watch, *, joiner: str = " OR ") -> str:
    """Every spelling of a watched name quoted, joined (« "Marie Dupont" OR "Dr Dupont" »).

    No city: a post on a social network rarely names it, and requiring it would miss most.
    """
    quoted = [_quoted(n) for n in names_of(watch)]
    return cap(joiner.join(quoted), MAX_QUERY_CHARS)


def hashtag_for(watch: Watch) -> str:
    """The usual hashtag for a name: its words capitalised and joined (« MarieDupont »)."""
    folded = unicodedata.normalize("NFKD", watch.name)
    ascii_name = "".join(c for c in folded if not unicodedata.combining(c))
    words = re.findall(r"[A-Za-z0-9]+", ascii_name)
    return "".join(w[:1].upper() + w[1:] for w in words)[:100]


def check_query(target: str, example: str) -> str:
    """A search text typed or built for a source: one line, not empty, not too long."""
    query = one_line(target, MAX_QUERY_CHARS + 1)
    if not query.strip('" '):
        raise InvalidTargetError(f"La recherche est vide. Exemple : {example}")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidTargetError(
            f"Cette recherche est trop longue (plus de {MAX_QUERY_CHARS} caractères)."
        )
    return query


def from_epoch(value: object) -> datetime | None:
    """A Unix time in seconds (Reddit's `created_utc`) as an aware UTC datetime."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (OverflowError, OSError, ValueError):
        return None


def dig(data: object, *keys: str) -> object:
    """`data[k1][k2]…`, or None as soon as a level is missing or not an object."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def text_of(value: object) -> str:
    """A string value, or "" for anything else."""
    return value if isinstance(value, str) else ""
