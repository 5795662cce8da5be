"""Every place and time a grouped text appeared (copies, a wave), for case files and letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.chat.mention_view import stars
from bot.chat.places import place_of
from bot.dates import format_datetime
from bot.deadlines import format_datetime_utc
from bot.documents.facts import ascii_url
from bot.documents.safe import Untrusted, shorten, untrusted
from bot.models import StoredMention
from bot.store import Store
from bot.store.cases import when

_URL_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class AppearanceFacts:
    """One appearance as templates print it: Paris time, UTC time, site, address."""

    number: int
    when: str
    utc: str
    place: Untrusted
    url: str | None
    rating: str


async def case_members(store: Store, team_id: int, mention: StoredMention) -> list[StoredMention]:
    """The other mentions grouped with this one (copies of its text, or its wave), oldest first."""
    members: dict[int, StoredMention] = {}
    for link in await store.cases.cases_of(mention.id):
        for m in await store.cases.members(team_id, link.case_id, link.kind):
            members[m.id] = m
    if not members:
        for kind in ("copy", "wave"):  # the first mention of a case has no link of its own
            for m in await store.cases.members(team_id, mention.id, kind):
                members[m.id] = m
    return [] if set(members) <= {mention.id} else sorted(members.values(), key=when)


def appearance_facts(members: list[StoredMention], language: str) -> list[AppearanceFacts]:
    """The appearances formatted for a letter."""
    facts: list[AppearanceFacts] = []
    for m in members:
        url = shorten(ascii_url(m.url), _URL_LIMIT)[0] if m.url else None
        facts.append(
            AppearanceFacts(
                number=m.id,
                when=format_datetime(when(m), language),
                utc=format_datetime_utc(when(m)),
                place=untrusted(place_of(m), limit=120) or Untrusted("?"),
                url=url or None,
                rating=stars(m.rating),
            )
        )
    return facts


def timeline_events(members: list[StoredMention]) -> list[tuple[datetime, str, str]]:
    """One « appeared » event per place and time, for the case file's timeline."""
    events: list[tuple[datetime, str, str]] = []
    for m in members:
        detail = f"#{m.id} · {place_of(m)}"
        if m.rating:
            detail += f" · {stars(m.rating)}"
        if m.url:
            detail += f" · {shorten(ascii_url(m.url), _URL_LIMIT)[0]}"
        events.append((when(m), "appeared", detail))
    return events
