"""Turns the store's models into the facts a template may print: cleaned, formatted, never blank."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit

from bot.dates import format_capture_time
from bot.deadlines import (
    Deadline,
    deadline_sentence,
    format_date,
    format_datetime,
    format_datetime_utc,
    local_date,
)
from bot.documents.safe import Untrusted, clean, shorten, untrusted
from bot.models import CaptureRecord, Flag, StoredMention, TeamSettings

#: How much of a review a letter quotes; the case file keeps the whole text.
QUOTE_LIMIT = 3000
_URL_LIMIT = 2000
_GOOGLE_KINDS = frozenset({"places", "google_places", "business"})
_GOOGLE = re.compile(r"(^|\.)google\.[a-z]{2,3}(\.[a-z]{2})?$")
_GOOGLE_SHORT = frozenset({"maps.app.goo.gl", "g.page"})


def setting(text: str | None) -> str | None:
    """A value the team typed in `/reglages`: cleaned to one line, not isolated (easy to copy)."""
    if text is None:
        return None
    return shorten(clean(text, single_line=True), 300)[0] or None


_URL_SAFE = "".join(map(chr, range(33, 127)))


def ascii_url(url: str) -> str:
    """The exact URL, with spaces, controls and non-ASCII characters percent-encoded.

    Printable ASCII cannot reorder a line or break it, and nothing of the address is lost.
    """
    return quote(url.strip(), safe=_URL_SAFE, errors="replace")


def language_of(language: str | None, settings: TeamSettings) -> str:
    """The document language: the one asked for, else the team's, "fr" unless it is "en"."""
    chosen = language or settings.language
    return "en" if chosen == "en" else "fr"


@dataclass(frozen=True, slots=True)
class PractitionerFacts:
    """Who writes: the identity from `/reglages praticien`."""

    name: str | None
    profession: str | None
    rpps: str | None
    address: str | None
    email: str | None
    place: str | None = None


@dataclass(frozen=True, slots=True)
class InsurerFacts:
    """To whom: the insurer from `/reglages assureur` and what is known of the cover."""

    name: str | None
    email: str | None
    policy: str | None
    coverage: str
    address: str | None = None


@dataclass(frozen=True, slots=True)
class CueFacts:
    """Words the triage relied on for one legal flag."""

    flag: str
    words: Untrusted
    sentence: Untrusted | None = None


@dataclass(frozen=True, slots=True)
class MentionFacts:
    """The publication as a letter describes it (people's dates in Paris, evidence in UTC)."""

    number: int
    platform: str
    google: bool
    source_label: str
    url: str | None
    url_truncated: bool
    title: Untrusted | None
    author: Untrusted | None
    rating: int | None
    published: str | None
    published_utc: str | None
    detected: str
    detected_utc: str
    text_lines: tuple[Untrusted, ...]
    text_truncated: bool
    text_length: int
    flags: tuple[str, ...]
    cues: tuple[CueFacts, ...]
    severity: str
    legal_risk: bool
    handled: str | None
    author_from_page: bool = False


@dataclass(frozen=True, slots=True)
class CaptureFacts:
    """One evidence capture: when (UTC), its fingerprints and whether it completed."""

    number: int
    url: str
    started_utc: str
    finished_utc: str | None
    screenshot_sha256: str | None
    bundle_sha256: str | None
    status: str
    complete: bool
    captured: str = ""
    proof: str = "aucune"
    requested_by: str = ""


@dataclass(frozen=True, slots=True)
class DeadlineFacts:
    """The press-law limit as letters print it."""

    date: str
    estimated: bool
    basis: str
    months: int
    days_left: int
    sentence: str


#: How a host known only by its IP address is named (never a bare IP in a letter).
HOSTED_AT = "site web hébergé à l'adresse"
_POSTCODE_CITY = re.compile(r"\b\d{5}\s+(?:cedex\s+)?([^\d,;]+?)(?:\s+cedex(?:\s+\d+)?)?\s*$", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def place_of(address: str | None) -> str | None:
    """The town a letter is written from, read from the practice address (« 69002 Lyon »)."""
    text = setting(address)
    if not text:
        return None
    last = text.split(",")[-1].strip()
    match = _POSTCODE_CITY.search(last) or _POSTCODE_CITY.search(text)
    town = match.group(1).strip() if match else (last if not any(c.isdigit() for c in last) else "")
    town = re.sub(r"\s+\d+(e|er|ème)?$", "", town).strip()
    return town or None


def sentence_with(text: str, words: str, limit: int = 400) -> str | None:
    """The whole sentence of `text` holding `words` (the triage cue), bounded; None if absent."""
    needle = " ".join(words.lower().split())
    if not needle:
        return None
    for sentence in _SENTENCE_END.split(clean(text)):
        if needle in " ".join(sentence.lower().split()):
            return shorten(" ".join(sentence.split()), limit)[0]
    return None


def practitioner_facts(settings: TeamSettings) -> PractitionerFacts:
    """The practitioner's identity, cleaned."""
    person = settings.practitioner
    return PractitionerFacts(
        name=setting(person.name),
        profession=setting(person.profession),
        rpps=setting(person.rpps),
        address=setting(person.address),
        email=setting(person.email),
        place=place_of(person.address),
    )


def insurer_facts(settings: TeamSettings) -> InsurerFacts:
    """The insurer, cleaned."""
    insurer = settings.insurer
    return InsurerFacts(
        name=setting(insurer.name),
        email=setting(insurer.email),
        policy=setting(insurer.policy),
        coverage=insurer.coverage.value,
        address=setting(insurer.address),
    )


def platform_of(mention: StoredMention) -> tuple[str, bool]:
    """Where the mention was published, and whether it is a Google review (Maps, profile)."""
    host, path = "", ""
    if mention.url:
        try:
            parts = urlsplit(clean(mention.url, single_line=True))
            host, path = (parts.hostname or "").lower(), parts.path
        except ValueError:
            host = ""
    google_maps = host in _GOOGLE_SHORT or (
        _GOOGLE.search(host) is not None and (host.startswith("maps.") or path.startswith("/maps"))
    )
    if mention.source_kind in _GOOGLE_KINDS or google_maps:
        return "Google", True
    if host and _is_ip(host):
        label = clean(mention.source_label, single_line=True)
        if label and not _is_ip(label.split("/")[-1]) and "://" not in label:
            return label, False
        return f"{HOSTED_AT} {host}", False
    if host:
        return host.removeprefix("www."), False
    return clean(mention.source_label, single_line=True) or mention.source_kind, False


def _is_ip(host: str) -> bool:
    """Whether a host is an IP address literal rather than a name."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _platform_text(name: str) -> str:
    """A platform name; a non-ASCII one (an IDN host) is isolated like any outside text."""
    short = shorten(name, 200)[0]
    return short if short.isascii() else Untrusted(short)


def mention_facts(mention: StoredMention, language: str) -> MentionFacts:
    """The publication's facts for a letter: text quoted (bounded), dates formatted."""
    full = clean(mention.text)
    quoted, truncated = shorten(full, QUOTE_LIMIT)
    url: str | None = None
    url_truncated = False
    if mention.url:
        url_text, url_truncated = shorten(ascii_url(mention.url), _URL_LIMIT)
        url = url_text or None
    platform, google = platform_of(mention)
    flags = tuple(flag.value for flag in Flag if flag in mention.flags)
    cues = tuple(
        CueFacts(cue.flag.value, words, untrusted(sentence_with(mention.text, cue.words)))
        for cue in mention.cues
        if cue.flag is not None and (words := untrusted(cue.words, limit=120)) is not None
    )
    published = mention.published_at
    return MentionFacts(
        number=mention.id,
        platform=_platform_text(platform),
        google=google,
        source_label=setting(mention.source_label) or mention.source_kind,
        url=url,
        url_truncated=url_truncated,
        title=untrusted(mention.title),
        author=untrusted(mention.author, limit=200),
        rating=mention.rating,
        published=format_date(local_date(published), language) if published else None,
        published_utc=format_datetime_utc(published) if published else None,
        detected=format_datetime(mention.detected_at, language),
        detected_utc=format_datetime_utc(mention.detected_at),
        text_lines=tuple(Untrusted(line) for line in quoted.split("\n")),
        text_truncated=truncated,
        text_length=len(full),
        flags=flags,
        cues=cues,
        severity=mention.severity.value,
        legal_risk=bool(flags),
        handled=format_datetime(mention.handled_at, language) if mention.handled_at else None,
    )


def capture_facts(captures: Sequence[CaptureRecord]) -> tuple[CaptureFacts, ...]:
    """The captures in the order they were taken."""
    ordered = sorted(captures, key=lambda c: (c.started_at, c.id))
    return tuple(
        CaptureFacts(
            number=c.id,
            url=shorten(ascii_url(c.url), _URL_LIMIT)[0],
            started_utc=format_datetime_utc(c.started_at),
            finished_utc=format_datetime_utc(c.finished_at) if c.finished_at else None,
            screenshot_sha256=c.screenshot_sha256,
            bundle_sha256=c.bundle_sha256,
            status=c.status,
            complete=c.status == "ok" and c.finished_at is not None and bool(c.bundle_sha256),
            captured=format_capture_time(c.started_at),
            proof="solide"
            if c.status == "ok" and c.bundle_sha256
            else "partielle"
            if c.status == "partial"
            else "aucune",
            requested_by=clean(c.requested_by, single_line=True),
        )
        for c in ordered
    )


def deadline_facts(deadline: Deadline, now: datetime, language: str) -> DeadlineFacts:
    """The limit's date, basis and distance, formatted for the letter's language."""
    return DeadlineFacts(
        date=format_date(deadline.expires_on, language),
        estimated=deadline.estimated,
        basis=deadline.basis_in(language),
        months=deadline.months,
        days_left=deadline.days_left(now),
        sentence=deadline_sentence(deadline, now, language),
    )
