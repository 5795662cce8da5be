"""The core's neutral vocabulary, shared by the store, the router, the monitor and every adapter."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class WatchKind(enum.StrEnum):
    """Whether a watched name is a person or a place."""

    PRACTITIONER = "practitioner"
    PRACTICE = "practice"


class Severity(enum.StrEnum):
    """How a mention reads for the practice."""

    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class Flag(enum.StrEnum):
    """Legal-risk flags, after the French press law (loi du 29 juillet 1881)."""

    INSULT = "insult"
    DEFAMATION = "defamation"
    PRIVACY = "privacy"
    THREAT = "threat"


@dataclass(frozen=True, slots=True)
class Watch:
    """A watched name: a practitioner or a practice."""

    id: int
    team_id: int
    name: str
    kind: WatchKind
    title: str | None = None
    specialty: str | None = None
    city: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        """The name as people write it, with its title."""
        return f"{self.title} {self.name}" if self.title else self.name


@dataclass(frozen=True, slots=True)
class Mention:
    """A review or a mention as a source produced it, before it is stored."""

    source_id: int
    external_id: str
    url: str | None
    title: str | None
    text: str
    author: str | None = None
    rating: int | None = None
    published_at: datetime | None = None
    scoped_watch_id: int | None = None
    raw: str | None = None


@dataclass(frozen=True, slots=True)
class Cue:
    """One piece of evidence behind a triage decision: the words that led to it."""

    flag: Flag | None
    words: str
    reason: str


@dataclass(frozen=True, slots=True)
class Triage:
    """Severity, legal-risk flags and the reasons for each, with the actions to take."""

    severity: Severity
    flags: frozenset[Flag] = frozenset()
    cues: tuple[Cue, ...] = ()
    actions: tuple[str, ...] = ()

    @property
    def legal_risk(self) -> bool:
        """True when at least one legal-risk flag was raised."""
        return bool(self.flags)


# --- What the store keeps ---


@dataclass(frozen=True, slots=True)
class Practitioner:
    """The identity used in letters (`/reglages praticien`)."""

    name: str | None = None
    profession: str | None = None
    rpps: str | None = None
    address: str | None = None
    email: str | None = None


class Coverage(enum.StrEnum):
    """Whether the RCP contract covers e-reputation, as the team last told us."""

    YES = "oui"
    NO = "non"
    UNKNOWN = "inconnue"


@dataclass(frozen=True, slots=True)
class Insurer:
    """The professional-liability insurer used in letters (`/reglages assureur`)."""

    name: str | None = None
    email: str | None = None
    policy: str | None = None
    coverage: Coverage = Coverage.UNKNOWN
    address: str | None = None


@dataclass(frozen=True, slots=True)
class TeamSettings:
    """Everything a team configures with `/reglages`."""

    team_id: int
    team_name: str
    practitioner: Practitioner = field(default_factory=Practitioner)
    insurer: Insurer = field(default_factory=Insurer)
    quiet_start: str | None = None
    quiet_end: str | None = None
    digest_day: int = 0
    digest_time: str = "08:00"
    language: str = "fr"


@dataclass(frozen=True, slots=True)
class StoredMention:
    """A mention as kept in the store, with its triage and its number for the team (#ID)."""

    id: int
    team_id: int
    source_id: int
    source_kind: str
    source_label: str
    external_id: str
    url: str | None
    title: str | None
    text: str
    author: str | None
    rating: int | None
    published_at: datetime | None
    detected_at: datetime
    content_hash: str
    severity: Severity
    flags: frozenset[Flag]
    cues: tuple[Cue, ...]
    watch_ids: tuple[int, ...]
    handled_at: datetime | None = None
    raw: str | None = None
    disappeared_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CaptureRecord:
    """An evidence capture as recorded in the store."""

    id: int
    team_id: int
    mention_id: int | None
    url: str
    requested_by: str
    started_at: datetime
    finished_at: datetime | None
    bundle_path: str | None
    screenshot_sha256: str | None
    bundle_sha256: str | None
    status: str
    note: str = ""
