"""Where a mention was published, named the same way in alerts, case files and letters."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from bot.chat.mention_view import SOURCE_FR
from bot.models import StoredMention


def site_of(url: str | None) -> str:
    """The lower-case host of a URL without `www.`, or "" when there is none."""
    if not url:
        return ""
    try:
        return (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return ""


def place(url: str | None, source_kind: str) -> str:
    """Where something was published, for counting sites: its host, else its source kind."""
    return site_of(url) or SOURCE_FR.get(source_kind, source_kind)


def place_of(m: StoredMention) -> str:
    """Where a stored mention was published."""
    return place(m.url, m.source_kind)


def places(members: Sequence[StoredMention]) -> list[str]:
    """The distinct sites of a case's mentions, in order of appearance."""
    seen: list[str] = []
    for m in members:
        where = place_of(m)
        if where not in seen:
            seen.append(where)
    return seen
