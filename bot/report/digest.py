"""The weekly digest: what the week brought, where the rating goes, what is open; it never rings.

`digest_due` says when to send it, from `/reglages resume JOUR HH:MM`; `digest_inputs` picks
the week's mentions and the averages from the store's rows, so the scheduler stays small.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.chat.markup import NL, b, code, excerpt, i, quote, reply, t
from bot.chat.mention_view import headline
from bot.chat.types import Reply, Span, Urgency
from bot.dates import as_utc, local_date
from bot.messages import messages
from bot.models import Severity, StoredMention, TeamSettings, Watch
from bot.report import fmt
from bot.report.stats import mention_item, moment, outside_text, risk_order
from bot.report.summary import risk_line

WEEK = timedelta(days=7)
#: A team that never had a digest gets its first one only this long after the set time,
#: not days later (a team created on Wednesday does not get a Monday digest at once).
FIRST_DIGEST_GRACE = timedelta(hours=12)
MAX_MENTIONS = 6
MAX_RISKS = 6
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class DigestInputs:
    """What `weekly_digest` needs, picked from the team's mentions."""

    mentions_this_week: list[StoredMention]
    open_risky: list[StoredMention]
    previous_avg: float | None
    current_avg: float | None


def _average(ratings: Iterable[int]) -> float | None:
    values = [r for r in ratings if 1 <= r <= 5]
    return sum(values) / len(values) if values else None


def digest_inputs(mentions: Iterable[StoredMention], now: datetime) -> DigestInputs:
    """The week's mentions (detected in the last 7 days), the open legal-risk ones, and the
    overall average rating now and a week ago (what a patient sees on the listing)."""
    now = as_utc(now)
    week_start = now - WEEK
    this_week: list[StoredMention] = []
    risky: list[StoredMention] = []
    current: list[int] = []
    previous: list[int] = []
    for m in mentions:
        if week_start < as_utc(m.detected_at) <= now:
            this_week.append(m)
        if m.flags and m.handled_at is None:
            risky.append(m)
        if m.rating is not None:
            when = moment(m)
            if when <= now:
                current.append(m.rating)
            if when <= week_start:
                previous.append(m.rating)
    return DigestInputs(this_week, risky, _average(previous), _average(current))


def _schedule(settings: TeamSettings) -> tuple[int, time]:
    """The digest's weekday (0 = lundi) and time, falling back to lundi 08:00 if malformed."""
    day = settings.digest_day if 0 <= settings.digest_day <= 6 else 0
    match = _HHMM.match((settings.digest_time or "").strip())
    at = time(int(match.group(1)), int(match.group(2))) if match else time(8, 0)
    return day, at


def last_occurrence(settings: TeamSettings, now: datetime, tz: ZoneInfo) -> datetime:
    """The latest scheduled digest moment at or before `now` (aware, in `tz`)."""
    day, at = _schedule(settings)
    today = local_date(now, tz)
    candidate_day = today - timedelta(days=(today.weekday() - day) % 7)
    candidate = datetime.combine(candidate_day, at, tzinfo=tz)
    if candidate > as_utc(now):
        candidate = datetime.combine(candidate_day - WEEK, at, tzinfo=tz)
    return candidate


def digest_due(
    settings: TeamSettings, now: datetime, last_sent: datetime | None, tz: ZoneInfo
) -> bool:
    """Whether the weekly digest should go now: its day and time have come since the last one.

    After downtime it is sent once, late; a team that never had one waits for the next slot
    unless the slot passed less than `FIRST_DIGEST_GRACE` ago.
    """
    slot = last_occurrence(settings, now, tz)
    if last_sent is None:
        return as_utc(now) - slot < FIRST_DIGEST_GRACE
    return as_utc(last_sent) < slot


def _severity_line(mentions: Sequence[StoredMention], language: str) -> str:
    counts = {s: 0 for s in Severity}
    for m in mentions:
        counts[m.severity] += 1
    order = (Severity.POSITIVE, Severity.NEUTRAL, Severity.NEGATIVE)
    return messages(language).digest_severities(
        [(counts[s], fmt.number(counts[s], language)) for s in order]
    )


def _rating_line(previous: float | None, current: float | None, language: str) -> str | None:
    if current is None:
        return None
    say = messages(language)
    if previous is None:
        return say.digest_rating(fmt.rating(current, language), None, None)
    change = fmt.change(previous, current, language)
    return say.digest_rating(fmt.rating(current, language), change, fmt.rating(previous, language))


def _order(m: StoredMention) -> tuple[int, float, int]:
    """Legal risk first, then negative, then the most recent."""
    rank = 0 if m.flags else 1 if m.severity is Severity.NEGATIVE else 2
    return rank, -as_utc(m.detected_at).timestamp(), -m.id


def _week_section(
    mentions: Sequence[StoredMention], watches: Sequence[Watch], tz: ZoneInfo, lang: str
) -> list[Span]:
    say = messages(lang)
    if not mentions:
        return [t(say.digest_no_mention())]
    count = say.digest_new_mentions(len(mentions), fmt.number(len(mentions), lang))
    spans: list[Span] = [
        b(count),
        t(say.digest_colon()),
        t(_severity_line(mentions, lang)),
    ]
    per_name = []
    for w in watches:
        n = sum(1 for m in mentions if w.id in m.watch_ids)
        if n:
            per_name.append(f"{outside_text(w.display, 60)}{say.digest_colon()}{n}")
    if per_name:
        spans += [NL, t(" · ".join(per_name[:8]))]
    for m in sorted(mentions, key=_order)[:MAX_MENTIONS]:
        spans += [
            NL,
            NL,
            *headline(m, list(watches), lang, tz),
            NL,
            quote(excerpt(m.text or m.title or "", 160)),
        ]
    if len(mentions) > MAX_MENTIONS:
        more = len(mentions) - MAX_MENTIONS
        spans += [NL, i(say.digest_more(more))]
    return spans


def _risk_section(
    risky: Sequence[StoredMention], watches: Sequence[Watch], now: datetime, tz: ZoneInfo, lang: str
) -> list[Span]:
    say = messages(lang)
    if not risky:
        return [t(say.digest_no_risk())]
    names = {w.id: w.display for w in watches}
    items = [mention_item(m, names, say.source_kind_name(m.source_kind), now, tz)
             for m in risky]  # fmt: skip
    items.sort(key=risk_order)
    count, more = len(items), len(items) - MAX_RISKS
    spans: list[Span] = [b(say.digest_risk_title(count))]
    for item in items[:MAX_RISKS]:
        spans += [NL, *risk_line(item, lang)]
    if more > 0:
        spans += [NL, i(say.digest_more_risks(more))]
    return spans


def weekly_digest(
    *,
    team: TeamSettings,
    watches: Sequence[Watch],
    mentions_this_week: Sequence[StoredMention],
    open_risky: Sequence[StoredMention],
    previous_avg: float | None,
    current_avg: float | None,
    now: datetime,
    tz: ZoneInfo,
    language: str,
) -> Reply:
    """The weekly digest as a silent message (it never rings, whatever the hour)."""
    lang = "en" if language == "en" else "fr"
    today: date = local_date(now, tz)
    start = local_date(as_utc(now) - WEEK + timedelta(seconds=1), tz)
    say = messages(lang)
    title = say.digest_title(outside_text(team.team_name, 80))
    spans: list[Span] = [b(title), NL, i(say.digest_period(start, today)), NL, NL]
    spans += _week_section(mentions_this_week, watches, tz, lang)
    rating = _rating_line(previous_avg, current_avg, lang)
    if rating:
        spans += [NL, NL, t(rating)]
    spans += [NL, NL, *_risk_section(open_risky, watches, now, tz, lang)]
    schedule, how = say.digest_schedule()
    spans += [
        NL,
        NL,
        code(say.digest_commands()),
        NL,
        i(schedule),
        code(how),
    ]
    return reply(*spans, urgency=Urgency.SILENT)
