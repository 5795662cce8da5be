"""The figures of the « état des lieux », counted once so the chat, the HTML and the charts agree.

Pure computation over what the store returned: no I/O, no clock (the caller passes `now`).
A mention is dated by its publication, or by its detection when the platform gave no date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.chat.mention_view import SOURCE_FR
from bot.dates import as_utc, local_date
from bot.deadlines import Deadline, press_deadline
from bot.documents.safe import clean, shorten
from bot.models import Coverage, Flag, Severity, StoredMention, TeamSettings, Watch, WatchKind
from bot.report.tally import Counter, Tally
from bot.sources.base import SourceSpec
from bot.sources.kinds import describe
from bot.store.sources import SourceRow

#: The rating trend compares the last RECENT_DAYS with the RECENT_DAYS before.
RECENT_DAYS = 90
#: The monthly series (charts) covers at most this many months, the current one included.
CHART_MONTHS = 12
#: Source kinds that follow a practice's Google listing.
LISTING_KINDS = frozenset({"places", "business"})
#: How much of outside text (a review, a source error) the report quotes.
EXCERPT_LIMIT = 240
ERROR_LIMIT = 300


def moment(m: StoredMention) -> datetime:
    """When a mention appeared: its publication, else its detection (aware, UTC)."""
    return as_utc(m.published_at if m.published_at is not None else m.detected_at)


def outside_text(text: str | None, limit: int) -> str:
    """Outside text on one line, without control or bidi tricks, cut near `limit`."""
    if not text:
        return ""
    return shorten(clean(text, single_line=True), limit)[0]


@dataclass(frozen=True, slots=True)
class WatchStats:
    """One watched name: its number in `/liste`, its figures and the sources scoped to it."""

    watch: Watch
    number: int
    tally: Tally
    source_numbers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SourceStats:
    """One source: its number in `/source` (None once removed), label, health and figures."""

    source_id: int
    number: int | None
    kind: str
    label: str
    watch: Watch | None
    tally: Tally
    last_success_at: datetime | None = None
    last_error: str = ""
    failures: int = 0

    @property
    def active(self) -> bool:
        """Still polled (it is in the team's current sources)."""
        return self.number is not None

    @property
    def failing(self) -> bool:
        """Its last poll failed."""
        return self.active and self.failures > 0

    @property
    def pending(self) -> bool:
        """Never polled successfully yet, and not failing either."""
        return self.active and self.failures == 0 and self.last_success_at is None


@dataclass(frozen=True, slots=True)
class MentionItem:
    """A mention the report lists (open legal risk, recent negative), with its press deadline."""

    mention_id: int
    watches: tuple[str, ...]
    source: str
    flags: tuple[Flag, ...]
    excerpt: str
    url: str | None
    rating: int | None
    published: date
    deadline: Deadline
    days_left: int
    handled: bool = False

    @property
    def expired(self) -> bool:
        """The press-law limit has passed."""
        return self.days_left < 0


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A search to add: `kind` is "watch", "feed", "news" or "places"."""

    kind: str
    watch_number: int | None = None
    watch_name: str | None = None


@dataclass(frozen=True, slots=True)
class MonthPoint:
    """One month of the series: mentions by severity and the average rating."""

    month: date
    positive: int
    neutral: int
    negative: int
    risky: int
    rated: int
    average: float | None
    watch_averages: tuple[float | None, ...]

    @property
    def total(self) -> int:
        """Every mention of the month."""
        return self.positive + self.neutral + self.negative


@dataclass(frozen=True, slots=True)
class AuditStats:
    """Everything the report shows, computed from the store's rows."""

    team_name: str
    now: datetime
    overall: Tally
    watches: tuple[WatchStats, ...]
    sources: tuple[SourceStats, ...]
    risks: tuple[MentionItem, ...]
    suggestions: tuple[Suggestion, ...]
    months: tuple[MonthPoint, ...]
    recent_negative: tuple[MentionItem, ...]
    unmatched: int = 0
    first_seen: date | None = None
    last_seen: date | None = None
    coverage: Coverage = Coverage.UNKNOWN
    active_sources: int = 0

    @property
    def failing(self) -> tuple[SourceStats, ...]:
        """Active sources whose last poll failed."""
        return tuple(s for s in self.sources if s.failing)

    @property
    def pending(self) -> tuple[SourceStats, ...]:
        """Active sources not polled yet."""
        return tuple(s for s in self.sources if s.pending)


def month_start(day: date) -> date:
    """The first day of the month."""
    return day.replace(day=1)


def shift_month(day: date, months: int) -> date:
    """The first day of the month `months` away (negative goes back)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def source_label(row: SourceRow) -> str:
    """The `/source` one-liner of an active source."""
    spec = SourceSpec(row.id, row.team_id, row.kind, row.target, row.selector, row.watch_id)
    return outside_text(describe(spec), 120)


def removed_label(m: StoredMention) -> str:
    """A label for a source that is no longer polled, from one of its mentions."""
    kind = SOURCE_FR.get(m.source_kind, m.source_kind)
    return outside_text(f"{kind} · {m.source_label}", 120)


def _period(when: datetime, now: datetime) -> int:
    age = now - when
    window = timedelta(days=RECENT_DAYS)
    if age < window:
        return 0
    if age < 2 * window:
        return 1
    return 2


def mention_item(
    m: StoredMention, names: dict[int, str], label: str, now: datetime, tz: ZoneInfo
) -> MentionItem:
    """A mention as the report lists it: names, source, excerpt and press-law deadline."""
    deadline = press_deadline(m, tz=tz)
    return MentionItem(
        mention_id=m.id,
        watches=tuple(names[w] for w in m.watch_ids if w in names),
        source=label,
        flags=tuple(f for f in Flag if f in m.flags),
        excerpt=outside_text(m.text or m.title, EXCERPT_LIMIT),
        url=m.url,
        rating=m.rating,
        published=local_date(moment(m), tz),
        deadline=deadline,
        days_left=deadline.days_left(now, tz),
        handled=m.handled_at is not None,
    )


def risk_order(item: MentionItem) -> tuple[bool, int, int]:
    """Still actionable first, soonest deadline first; then the expired, most recent first."""
    return item.expired, abs(item.days_left), item.mention_id


def _suggestions(watches: Sequence[Watch], sources: Sequence[SourceRow]) -> tuple[Suggestion, ...]:
    if not watches:
        return (Suggestion("watch"),)
    out: list[Suggestion] = []
    if not any(s.kind == "feed" for s in sources):
        out.append(Suggestion("feed"))
    news = {s.watch_id for s in sources if s.kind == "news"}
    listings = {s.watch_id for s in sources if s.kind in LISTING_KINDS}
    for number, w in enumerate(watches, 1):
        if w.id not in news:
            out.append(Suggestion("news", number, w.display))
    for number, w in enumerate(watches, 1):
        if w.kind is WatchKind.PRACTICE and w.id not in listings:
            out.append(Suggestion("places", number, w.display))
    return tuple(out)


_SEVERITY_INDEX = {Severity.POSITIVE: 0, Severity.NEUTRAL: 1, Severity.NEGATIVE: 2}


def _month_series(
    days: Sequence[date],
    mentions: Sequence[StoredMention],
    watches: Sequence[Watch],
    today: date,
) -> tuple[MonthPoint, ...]:
    current = month_start(today)
    oldest = shift_month(current, -(CHART_MONTHS - 1))
    in_range = [d for d in days if oldest <= d <= today]
    if not in_range:
        return ()
    first = max(oldest, month_start(min(in_range)))
    count = (current.year - first.year) * 12 + current.month - first.month + 1
    index_of = {w.id: k for k, w in enumerate(watches)}
    sev = [[0, 0, 0, 0] for _ in range(count)]  # positive, neutral, negative, risky
    sums = [[0, 0] for _ in range(count)]
    wsums = [[[0, 0] for _ in watches] for _ in range(count)]
    for day, m in zip(days, mentions, strict=True):
        if not first <= day <= today:
            continue
        k = (day.year - first.year) * 12 + day.month - first.month
        sev[k][_SEVERITY_INDEX[m.severity]] += 1
        if m.flags:
            sev[k][3] += 1
        if m.rating is not None and 1 <= m.rating <= 5:
            sums[k][0] += m.rating
            sums[k][1] += 1
            for wid in m.watch_ids:
                j = index_of.get(wid)
                if j is not None:
                    wsums[k][j][0] += m.rating
                    wsums[k][j][1] += 1
    return tuple(
        MonthPoint(
            month=shift_month(first, k),
            positive=sev[k][0],
            neutral=sev[k][1],
            negative=sev[k][2],
            risky=sev[k][3],
            rated=sums[k][1],
            average=sums[k][0] / sums[k][1] if sums[k][1] else None,
            watch_averages=tuple(s / n if n else None for s, n in wsums[k]),
        )
        for k in range(count)
    )


def compute_stats(
    *,
    team: TeamSettings,
    watches: Sequence[Watch],
    sources: Sequence[SourceRow],
    mentions: Iterable[StoredMention],
    now: datetime,
    tz: ZoneInfo,
) -> AuditStats:
    """Count everything in one pass over the mentions.

    `watches` and `sources` come in the order `/liste` and `/source` number them.
    """
    now = as_utc(now)
    names = {w.id: w.display for w in watches}
    overall = Counter()
    per_watch = {w.id: Counter() for w in watches}
    per_source: dict[int, Counter] = {s.id: Counter() for s in sources}
    removed_labels: dict[int, str] = {}
    removed_watch: dict[int, int | None] = {}
    removed_kinds: dict[int, str] = {}
    labels = {s.id: source_label(s) for s in sources}
    dated: list[tuple[datetime, StoredMention]] = []
    risks: list[MentionItem] = []
    negatives: list[tuple[datetime, StoredMention]] = []
    unmatched = 0
    for m in mentions:
        when = moment(m)
        dated.append((when, m))
        period = _period(when, now)
        overall.add(m, period)
        matched = False
        for wid in m.watch_ids:
            counter = per_watch.get(wid)
            if counter is not None:
                counter.add(m, period)
                matched = True
        if not matched:
            unmatched += 1
        counter = per_source.get(m.source_id)
        if counter is None:
            counter = per_source[m.source_id] = Counter()
            removed_labels[m.source_id] = removed_label(m)
            removed_kinds[m.source_id] = m.source_kind
            removed_watch[m.source_id] = m.watch_ids[0] if len(m.watch_ids) == 1 else None
        counter.add(m, period)
        if m.flags and m.handled_at is None:
            label = labels.get(m.source_id) or removed_labels[m.source_id]
            risks.append(mention_item(m, names, label, now, tz))
        elif m.severity is Severity.NEGATIVE:
            negatives.append((when, m))

    by_id = {w.id: w for w in watches}
    source_stats: list[SourceStats] = [
        SourceStats(
            source_id=s.id,
            number=number,
            kind=s.kind,
            label=labels[s.id],
            watch=by_id.get(s.watch_id) if s.watch_id is not None else None,
            tally=per_source[s.id].freeze(),
            last_success_at=s.last_success_at,
            last_error=outside_text(s.last_error, ERROR_LIMIT),
            failures=s.consecutive_failures,
        )
        for number, s in enumerate(sources, 1)
    ]
    for source_id, label in removed_labels.items():
        owner = removed_watch[source_id]
        source_stats.append(
            SourceStats(
                source_id=source_id,
                number=None,
                kind=removed_kinds[source_id],
                label=label,
                watch=by_id.get(owner) if owner is not None else None,
                tally=per_source[source_id].freeze(),
            )
        )
    all_labels = {**labels, **removed_labels}
    risks.sort(key=risk_order)
    negatives.sort(key=lambda pair: (pair[0], pair[1].id), reverse=True)
    recent_negative = tuple(
        mention_item(m, names, all_labels.get(m.source_id, ""), now, tz) for _, m in negatives[:10]
    )
    source_numbers = {
        w.id: tuple(n for n, s in enumerate(sources, 1) if s.watch_id == w.id) for w in watches
    }
    days = [local_date(when, tz) for when, _ in dated]
    series = _month_series(days, [m for _, m in dated], watches, local_date(now, tz))
    return AuditStats(
        team_name=outside_text(team.team_name, 120),
        now=now,
        overall=overall.freeze(),
        watches=tuple(
            WatchStats(w, number, per_watch[w.id].freeze(), source_numbers[w.id])
            for number, w in enumerate(watches, 1)
        ),
        sources=tuple(source_stats),
        risks=tuple(risks),
        suggestions=_suggestions(watches, sources),
        months=series,
        recent_negative=recent_negative,
        unmatched=unmatched,
        first_seen=min(days) if days else None,
        last_seen=max(days) if days else None,
        coverage=team.insurer.coverage,
        active_sources=len(sources),
    )
