"""The weekly digest: when it is due (day, time, DST, downtime) and what it says."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.chat.types import Urgency
from bot.models import Flag, Severity, StoredMention, TeamSettings
from bot.report import digest_due, digest_inputs, weekly_digest
from tests.test_report_synth import NOW, WATCHES, synthetic_team, team_settings

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=PARIS)


def settings(day: int = 0, at: str = "08:00") -> TeamSettings:
    return dataclasses.replace(team_settings(), digest_day=day, digest_time=at)


def test_due_on_its_day_and_time_once() -> None:
    monday = settings(0, "08:00")
    last = paris(2026, 3, 2, 8, 0, 20)  # sent last Monday
    assert not digest_due(monday, paris(2026, 3, 9, 7, 59), last, PARIS)
    assert digest_due(monday, paris(2026, 3, 9, 8, 0), last, PARIS)
    sent = paris(2026, 3, 9, 8, 0, 30)
    assert not digest_due(monday, paris(2026, 3, 9, 9, 0), sent, PARIS)
    assert not digest_due(monday, paris(2026, 3, 15, 23, 59), sent, PARIS)
    assert digest_due(monday, paris(2026, 3, 16, 8, 1), sent, PARIS)


def test_other_day_and_naive_utc_now() -> None:
    friday = settings(4, "17:30")
    last = datetime(2026, 3, 6, 16, 31, tzinfo=UTC)  # Friday 17:31 Paris (UTC+1)
    assert not digest_due(friday, datetime(2026, 3, 13, 16, 29), last, PARIS)  # 17:29 Paris
    assert digest_due(friday, datetime(2026, 3, 13, 16, 30), last, PARIS)


def test_after_downtime_it_is_sent_once_late() -> None:
    monday = settings(0, "08:00")
    last = paris(2026, 2, 23, 8, 0)  # two weeks ago
    wednesday = paris(2026, 3, 11, 14, 0)
    assert digest_due(monday, wednesday, last, PARIS)
    assert not digest_due(monday, wednesday + timedelta(hours=1), wednesday, PARIS)


def test_a_new_team_waits_for_its_slot() -> None:
    monday = settings(0, "08:00")
    assert digest_due(monday, paris(2026, 3, 9, 8, 5), None, PARIS)
    assert not digest_due(monday, paris(2026, 3, 11, 10, 0), None, PARIS)  # Wednesday
    assert not digest_due(monday, paris(2026, 3, 9, 7, 0), None, PARIS)


def test_daylight_saving_time_moves_with_the_wall_clock() -> None:
    monday = settings(0, "08:00")
    last = paris(2026, 3, 23, 8, 0)
    # 30 March 2026 is the first Monday of summer time: 08:00 in Paris is 06:00 UTC.
    assert not digest_due(monday, datetime(2026, 3, 30, 5, 59, tzinfo=UTC), last, PARIS)
    assert digest_due(monday, datetime(2026, 3, 30, 6, 0, tzinfo=UTC), last, PARIS)
    # A time that does not exist that night (02:30 on Sunday 29 March) still fires once.
    sunday = settings(6, "02:30")
    before = paris(2026, 3, 22, 2, 30)
    assert digest_due(sunday, datetime(2026, 3, 29, 2, 0, tzinfo=UTC), before, PARIS)


def test_malformed_settings_fall_back_to_monday_eight() -> None:
    broken = settings(9, "25:99")
    last = paris(2026, 3, 2, 8, 0)
    assert not digest_due(broken, paris(2026, 3, 9, 7, 59), last, PARIS)
    assert digest_due(broken, paris(2026, 3, 9, 8, 0), last, PARIS)


def test_inputs_pick_the_week_and_the_averages() -> None:
    team = synthetic_team(400)
    inputs = digest_inputs(team.mentions, NOW)
    week = {m.id for m in team.mentions if NOW - timedelta(days=7) < m.detected_at <= NOW}
    assert week and {m.id for m in inputs.mentions_this_week} == week
    assert {m.id for m in inputs.open_risky} == {
        m.id for m in team.mentions if m.flags and m.handled_at is None
    }
    now_ratings = [m.rating for m in team.mentions if m.rating is not None]
    assert inputs.current_avg == sum(now_ratings) / len(now_ratings)
    before = [
        m.rating
        for m in team.mentions
        if m.rating is not None and (m.published_at or m.detected_at) <= NOW - timedelta(days=7)
    ]
    assert inputs.previous_avg == sum(before) / len(before)


def _mention(k: int, **changes: Any) -> StoredMention:
    base = StoredMention(
        id=k,
        team_id=1,
        source_id=13,
        source_kind="places",
        source_label="ChIJ",
        external_id=f"d{k}",
        url=None,
        title=None,
        text=f"Texte de l'avis {k}.",
        author=None,
        rating=5,
        published_at=NOW - timedelta(days=1),
        detected_at=NOW - timedelta(days=1),
        content_hash=str(k),
        severity=Severity.POSITIVE,
        flags=frozenset(),
        cues=(),
        watch_ids=(3,),
    )
    return dataclasses.replace(base, **changes)


def test_digest_says_the_week_the_trend_and_the_deadlines() -> None:
    week = [
        _mention(30),
        _mention(31, rating=1, severity=Severity.NEGATIVE, watch_ids=(1,)),
        _mention(32, rating=1, severity=Severity.NEGATIVE, flags=frozenset({Flag.INSULT})),
    ]
    older_risk = _mention(
        12,
        rating=2,
        severity=Severity.NEGATIVE,
        flags=frozenset({Flag.DEFAMATION}),
        published_at=datetime(2026, 1, 5, 10, tzinfo=UTC),
    )
    reply = weekly_digest(
        team=team_settings(),
        watches=WATCHES,
        mentions_this_week=week,
        open_risky=[week[2], older_risk],
        previous_avg=4.26,
        current_avg=4.04,
        now=NOW,
        tz=PARIS,
        language="fr",
    )
    assert reply.urgency is Urgency.SILENT
    text = reply.plain_text
    assert text.startswith("🗓 Résumé de la semaine — Cabinet des Lilas")
    assert "du 3 mars 2026 au 10 mars 2026" in text
    assert "3 nouvelles mentions : 1 positive, 0 neutre, 2 négatives" in text
    assert "Dr Marie Dupont : 1 · Cabinet des Lilas : 2" in text
    assert "Note moyenne : 4,0/5 (↘ −0,3 en une semaine ; 4,3/5 il y a 7 jours)" in text
    assert "Avis à risque juridique à traiter : 2" in text
    # The soonest deadline first: #12 (5 January + 3 months) before #32 (9 March + 3 months).
    first, second = text.index("#12 · Cabinet des Lilas · diffamation"), text.index("#32 · Cab")
    assert first < second
    assert "délai : 5 avril 2026 (dans 26 jours)" in text
    assert "délai : 9 juin 2026" in text
    # The week's mentions, the legal-risk one first.
    assert text.index("#32 · Google (fiche)") < text.index("#31 · Google (fiche)")
    assert text.index("#31 · Google (fiche)") < text.index("#30 · Google (fiche)")


def test_quiet_week_and_english() -> None:
    quiet = weekly_digest(
        team=team_settings(),
        watches=WATCHES,
        mentions_this_week=[],
        open_risky=[],
        previous_avg=None,
        current_avg=None,
        now=NOW,
        tz=PARIS,
        language="fr",
    )
    assert "Aucune nouvelle mention cette semaine." in quiet.plain_text
    assert "Aucun avis à risque juridique en attente." in quiet.plain_text
    assert "Note moyenne" not in quiet.plain_text
    english = weekly_digest(
        team=dataclasses.replace(team_settings(), language="en"),
        watches=WATCHES,
        mentions_this_week=[_mention(30)],
        open_risky=[],
        previous_avg=4.0,
        current_avg=4.04,
        now=NOW,
        tz=PARIS,
        language="en",
    )
    text = english.plain_text
    assert text.startswith("🗓 Weekly digest — Cabinet des Lilas")
    assert "1 new mention: 1 positive, 0 neutral, 0 negative" in text
    assert "Average rating: 4.0/5 (→ stable in a week; 4.0/5 7 days ago)" in text
    assert english.urgency is Urgency.SILENT
