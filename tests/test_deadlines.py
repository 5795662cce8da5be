"""The press-law deadline: month arithmetic, Paris dates, estimates and the 30/7-day reminders."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.deadlines import (
    Deadline,
    add_months,
    deadline_sentence,
    format_date_en,
    format_date_fr,
    format_datetime_en,
    format_datetime_fr,
    format_datetime_utc,
    mention_reminders_due,
    press_deadline,
    reminders_due,
)
from bot.models import Flag, Severity, StoredMention

PARIS = ZoneInfo("Europe/Paris")


def mention(
    published: datetime | None,
    detected: datetime = datetime(2026, 3, 4, 8, 12, 30, tzinfo=UTC),
    *,
    flags: frozenset[Flag] = frozenset({Flag.INSULT}),
    handled: datetime | None = None,
) -> StoredMention:
    """A legal-risk mention with the given dates."""
    return StoredMention(
        id=12,
        team_id=1,
        source_id=1,
        source_kind="places",
        source_label="Google",
        external_id="x",
        url="https://example.test/r/1",
        title=None,
        text="texte",
        author=None,
        rating=1,
        published_at=published,
        detected_at=detected,
        content_hash="h",
        severity=Severity.NEGATIVE,
        flags=flags,
        cues=(),
        watch_ids=(1,),
        handled_at=handled,
    )


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 5, 31), 3, date(2026, 8, 31)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 10, 15), 3, date(2027, 1, 15)),
        (date(2026, 12, 31), 3, date(2027, 3, 31)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 4, 30), 3, date(2026, 7, 30)),
    ],
)
def test_add_months_clamps_to_the_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_deadline_counts_three_months_from_publication() -> None:
    deadline = press_deadline(mention(datetime(2026, 3, 3, 13, 5, 9, tzinfo=UTC)))
    assert deadline.expires_on == date(2026, 6, 3)
    assert not deadline.estimated
    assert deadline.months == 3
    assert deadline.basis == "publication le 3 mars 2026"
    assert deadline.basis_in("en") == "published on 3 March 2026"


def test_publication_day_is_the_paris_day_not_the_utc_day() -> None:
    # 23:30 UTC on 31 March is 01:30 on 1 April in Paris (summer time).
    deadline = press_deadline(mention(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)))
    assert deadline.start == date(2026, 4, 1)
    assert deadline.expires_on == date(2026, 7, 1)
    assert deadline.basis == "publication le 1er avril 2026"


def test_naive_datetimes_are_taken_as_utc() -> None:
    deadline = press_deadline(mention(datetime(2026, 3, 31, 23, 30)))
    assert deadline.start == date(2026, 4, 1)


def test_unknown_publication_counts_from_detection_and_says_it_is_an_estimate() -> None:
    deadline = press_deadline(mention(None, datetime(2026, 3, 4, 8, 12, tzinfo=UTC)))
    assert deadline.estimated
    assert deadline.expires_on == date(2026, 6, 4)
    assert deadline.basis == (
        "date de publication inconnue : estimation depuis la détection le 4 mars 2026"
    )
    assert "estimated from detection on 4 March 2026" in deadline.basis_in("en")


def test_discriminatory_statements_get_one_year() -> None:
    deadline = press_deadline(mention(datetime(2026, 3, 3, 12, tzinfo=UTC)), discriminatory=True)
    assert deadline.expires_on == date(2027, 3, 3)
    assert deadline.months == 12


def at_paris(day: date, hour: int = 9) -> datetime:
    """A moment on a Paris calendar day."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


DEADLINE = Deadline(expires_on=date(2026, 6, 3), start=date(2026, 3, 3), estimated=False)


def test_no_reminder_before_thirty_days() -> None:
    assert reminders_due(DEADLINE, at_paris(date(2026, 5, 3)), set()) == []  # 31 days left


def test_thirty_day_reminder_then_seven_day_reminder() -> None:
    assert reminders_due(DEADLINE, at_paris(date(2026, 5, 4)), set()) == [30]
    assert reminders_due(DEADLINE, at_paris(date(2026, 5, 4)), {30}) == []
    assert reminders_due(DEADLINE, at_paris(date(2026, 5, 26)), {30}) == []  # 8 days left
    assert reminders_due(DEADLINE, at_paris(date(2026, 5, 27)), {30}) == [7]
    assert reminders_due(DEADLINE, at_paris(date(2026, 6, 3)), {30}) == [7]  # last day
    assert reminders_due(DEADLINE, at_paris(date(2026, 6, 3)), {30, 7}) == []


def test_late_detection_returns_both_marks_so_both_are_recorded() -> None:
    assert reminders_due(DEADLINE, at_paris(date(2026, 5, 29)), []) == [30, 7]


def test_no_reminder_once_expired() -> None:
    assert reminders_due(DEADLINE, at_paris(date(2026, 6, 4)), set()) == []


def test_paris_midnight_decides_the_day_left() -> None:
    # 22:30 UTC on 26 May is already 27 May in Paris: 7 days left.
    assert reminders_due(DEADLINE, datetime(2026, 5, 26, 22, 30, tzinfo=UTC), {30}) == [7]
    assert reminders_due(DEADLINE, datetime(2026, 5, 26, 21, 30, tzinfo=UTC), {30}) == []


def test_a_daily_scheduler_sends_exactly_two_reminders_on_the_right_days() -> None:
    sent: set[int] = set()
    pushed: list[tuple[date, int]] = []
    day = date(2026, 3, 3)
    while day <= date(2026, 6, 10):
        for hour in (0, 9, 18, 23):
            due = reminders_due(DEADLINE, at_paris(day, hour), sent)
            if due:
                pushed.append((day, min(due)))
                sent.update(due)
        day += timedelta(days=1)
    assert pushed == [(date(2026, 5, 4), 30), (date(2026, 5, 27), 7)]


def test_mention_reminders_stop_when_handled_or_without_legal_risk() -> None:
    published = datetime(2026, 3, 3, 12, tzinfo=UTC)
    now = at_paris(date(2026, 5, 28))
    assert mention_reminders_due(mention(published), now, {30}) == [7]
    handled = mention(published, handled=datetime(2026, 5, 1, tzinfo=UTC))
    assert mention_reminders_due(handled, now, set()) == []
    lawful = mention(published, flags=frozenset())
    assert mention_reminders_due(lawful, now, set()) == []
    assert mention_reminders_due(
        dataclasses.replace(lawful, flags=frozenset({Flag.THREAT})), now, {30}
    ) == [7]


def test_french_and_english_dates() -> None:
    assert format_date_fr(date(2026, 3, 3)) == "3 mars 2026"
    assert format_date_fr(date(2026, 5, 1)) == "1er mai 2026"
    assert format_date_fr(date(2026, 8, 15)) == "15 août 2026"
    assert format_date_fr(date(2026, 12, 25)) == "25 décembre 2026"
    assert format_date_en(date(2026, 2, 1)) == "1 February 2026"


def test_people_times_are_paris_and_evidence_times_are_utc() -> None:
    summer = datetime(2026, 7, 14, 12, 5, 9, tzinfo=UTC)
    winter = datetime(2026, 1, 14, 12, 5, 9, tzinfo=UTC)
    assert format_datetime_fr(summer) == "14 juillet 2026 à 14 h 05"
    assert format_datetime_fr(winter) == "14 janvier 2026 à 13 h 05"
    assert format_datetime_en(winter) == "14 January 2026 at 13:05"
    assert format_datetime_utc(summer) == "2026-07-14 12:05:09 UTC"
    assert format_datetime_utc(summer.astimezone(PARIS)) == "2026-07-14 12:05:09 UTC"
    assert format_datetime_utc(datetime(2026, 7, 14, 12, 5, 9)) == "2026-07-14 12:05:09 UTC"


@pytest.mark.parametrize(
    ("today", "fr", "en"),
    [
        (date(2026, 5, 4), "dans 30 jours", "in 30 days"),
        (date(2026, 6, 2), "demain", "tomorrow"),
        (date(2026, 6, 3), "aujourd'hui", "today"),
        (date(2026, 6, 4), "dépassé depuis 1 jour", "expired 1 day ago"),
        (date(2026, 6, 6), "dépassé depuis 3 jours", "expired 3 days ago"),
    ],
)
def test_deadline_sentence_says_how_far_the_limit_is(today: date, fr: str, en: str) -> None:
    sentence = deadline_sentence(DEADLINE, at_paris(today))
    assert sentence == (
        f"Délai pour agir (loi du 29 juillet 1881) : 3 juin 2026 ({fr} ; "
        "publication le 3 mars 2026)."
    )
    assert f"3 June 2026 ({en}; published on 3 March 2026)" in deadline_sentence(
        DEADLINE, at_paris(today), "en"
    )


def test_deadline_sentence_labels_estimates() -> None:
    estimate = dataclasses.replace(DEADLINE, estimated=True)
    sentence = deadline_sentence(estimate, at_paris(date(2026, 5, 4)))
    assert "(dans 30 jours, estimation ; date de publication inconnue" in sentence
