"""A deterministic year of mentions for the report tests and the benchmark, and checks on it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.models import (
    Coverage,
    Cue,
    Flag,
    Insurer,
    Practitioner,
    Severity,
    StoredMention,
    TeamSettings,
    Watch,
    WatchKind,
)
from bot.store.sources import SourceRow

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
FAILING_ERROR = "HTTP 503 : le site avis.exemple.fr ne répond pas"
REMOVED_SOURCE = 19
REMOVED_WATCH = 99

WORDS = [
    "accueil",
    "chaleureux",
    "ponctuel",
    "rendez-vous",
    "attente",
    "explications",
    "claires",
    "cabinet",
    "propre",
    "secrétariat",
    "douleur",
    "soins",
    "écoute",
    "conseils",
    "tarif",
    "dépassement",
    "parking",
    "ordonnance",
    "suivi",
]


@dataclass(frozen=True, slots=True)
class Team:
    """Everything `build_report` reads for one team."""

    settings: TeamSettings
    watches: list[Watch]
    sources: list[SourceRow]
    mentions: list[StoredMention]


def source_row(
    source_id: int,
    kind: str,
    target: str,
    watch_id: int | None,
    *,
    selector: str | None = None,
    failures: int = 0,
    error: str | None = None,
    ok: bool = True,
) -> SourceRow:
    """A stored source with its health."""
    return SourceRow(
        id=source_id,
        team_id=1,
        kind=kind,
        target=target,
        selector=selector,
        watch_id=watch_id,
        interval_s=3600,
        state="{}",
        baseline_done=ok,
        next_poll_at=NOW + timedelta(hours=1),
        last_poll_at=NOW - timedelta(hours=1),
        last_success_at=NOW - timedelta(days=3 if failures else 0, hours=1) if ok else None,
        last_error=error,
        consecutive_failures=failures,
        failing_notified=failures >= 3,
    )


def team_settings(coverage: Coverage = Coverage.UNKNOWN) -> TeamSettings:
    """The Lilas practice's settings."""
    return TeamSettings(
        team_id=1,
        team_name="Cabinet des Lilas",
        practitioner=Practitioner(name="Dr Marie Dupont", profession="dermatologue"),
        insurer=Insurer(name="MACSF", coverage=coverage),
    )


WATCHES = [
    Watch(1, 1, "Marie Dupont", WatchKind.PRACTITIONER, "Dr", "dermatologue", "Lyon"),
    Watch(2, 1, "Paul Martin", WatchKind.PRACTITIONER, "Dr", "chirurgien-dentiste", "Lyon"),
    Watch(3, 1, "Cabinet des Lilas", WatchKind.PRACTICE, None, None, "Lyon"),
    Watch(4, 1, "Centre dentaire Bellecour", WatchKind.PRACTICE, None, None, "Lyon"),
]

SOURCES = [
    source_row(11, "feed", "https://www.google.com/alerts/feeds/0123/456789", None),
    source_row(12, "news", '"Marie Dupont" Lyon', 1),
    source_row(13, "places", "ChIJN1t_tDeuEmsRUsoyG83frY4", 3),
    source_row(
        14,
        "page",
        "https://avis.exemple.fr/dr-martin",
        2,
        selector=".review",
        failures=4,
        error=FAILING_ERROR,
    ),
    source_row(15, "business", "accounts/1234/locations/5678", 3, ok=False),
]


def _severity(rng: random.Random, rating: int | None) -> Severity:
    if rating is not None:
        return (
            Severity.NEGATIVE
            if rating <= 2
            else Severity.NEUTRAL
            if rating == 3
            else Severity.POSITIVE
        )
    return rng.choice((Severity.POSITIVE, Severity.POSITIVE, Severity.NEUTRAL, Severity.NEGATIVE))


def synthetic_team(count: int = 600, *, seed: int = 7, now: datetime = NOW) -> Team:
    """`count` mentions spread over the year before `now`, the same for the same seed.

    The last two mentions come from a removed source and about a removed name.
    """
    rng = random.Random(seed)
    mentions: list[StoredMention] = []
    scoped = {11: None, 12: 1, 13: 3, 14: 2, 15: 3}
    for k in range(count):
        source_id = rng.choice((11, 12, 13, 13, 14, 15))
        watch_id = scoped[source_id] or rng.choice((1, 2, 3, 4))
        kind = next(s.kind for s in SOURCES if s.id == source_id)
        detected = now - timedelta(days=rng.uniform(0, 365), minutes=rng.randint(0, 600))
        published: datetime | None = detected - timedelta(hours=rng.randint(1, 48))
        if rng.random() < 0.1:
            published = None
        rating = None
        if kind in ("places", "business", "page"):
            rating = rng.choices((1, 2, 3, 4, 5), weights=(2, 1, 1, 3, 6))[0]
        severity = _severity(rng, rating)
        flags: frozenset[Flag] = frozenset()
        if severity is Severity.NEGATIVE and rng.random() < 0.25:
            flags = frozenset(rng.sample(list(Flag), rng.randint(1, 2)))
        handled = None
        if flags and rng.random() < 0.5:
            handled = detected + timedelta(days=2)
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 30)))
        mentions.append(
            StoredMention(
                id=k + 1,
                team_id=1,
                source_id=source_id,
                source_kind=kind,
                source_label=next(s.target for s in SOURCES if s.id == source_id),
                external_id=f"ext-{k}",
                url=f"https://avis.exemple.fr/{k}",
                title=None,
                text=f"Avis {k + 1} : {words}",
                author=f"Patient {k % 37}",
                rating=rating,
                published_at=published,
                detected_at=detected,
                content_hash=f"h{k}",
                severity=severity,
                flags=flags,
                cues=tuple(Cue(f, "mot", "raison") for f in flags),
                watch_ids=(watch_id,),
                handled_at=handled,
            )
        )
    base = len(mentions)
    for k, (source_id, watch_id) in enumerate(((REMOVED_SOURCE, 1), (11, REMOVED_WATCH))):
        mentions.append(
            StoredMention(
                id=base + k + 1,
                team_id=1,
                source_id=source_id,
                source_kind="feed",
                source_label="https://ancien-blog.exemple.fr/feed",
                external_id=f"old-{k}",
                url=None,
                title="Ancien billet",
                text="Un ancien billet de blog.",
                author=None,
                rating=None,
                published_at=now - timedelta(days=200),
                detected_at=now - timedelta(days=199),
                content_hash=f"old{k}",
                severity=Severity.NEUTRAL,
                flags=frozenset(),
                cues=(),
                watch_ids=(watch_id,),
            )
        )
    return Team(team_settings(), list(WATCHES), list(SOURCES), mentions)


def test_same_seed_same_year() -> None:
    first, second = synthetic_team(200), synthetic_team(200)
    assert first.mentions == second.mentions
    assert synthetic_team(200, seed=8).mentions != first.mentions


def test_the_year_has_what_the_report_must_show() -> None:
    team = synthetic_team()
    mentions = team.mentions
    assert len(mentions) == 602
    assert all(
        NOW - timedelta(days=366) < (m.published_at or m.detected_at) <= NOW for m in mentions
    )
    assert any(m.flags and m.handled_at is None for m in mentions)
    assert any(m.flags and m.handled_at is not None for m in mentions)
    assert any(m.published_at is None for m in mentions)
    assert {m.severity for m in mentions} == set(Severity)
    assert {m.rating for m in mentions} >= {1, 2, 3, 4, 5, None}
    assert {w for m in mentions for w in m.watch_ids} >= {1, 2, 3, 4}
