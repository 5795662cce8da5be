"""What an alert says and how loudly it rings: new, edited and vanished reviews, baselines."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time
from urllib.parse import quote as quote_url
from zoneinfo import ZoneInfo

from bot.chat.markup import NL, b, parts, reply, t
from bot.chat.mention_view import action_buttons, mention_block, stars
from bot.chat.types import Reply, Span, Urgency
from bot.clock import utcnow
from bot.deadlines import deadline_sentence, press_deadline
from bot.messages import messages
from bot.models import Severity, StoredMention, TeamSettings, Watch
from bot.sources.http import host_of
from bot.sources.listing_stats import FallingAverage, HiddenReviews


def urgency_for(m: StoredMention) -> Urgency:
    """Legal risk and 1–2★ ring loudly; positive and neutral ones arrive silently."""
    if m.flags or (m.rating is not None and m.rating <= 2):
        return Urgency.URGENT
    if m.severity is Severity.NEGATIVE:
        return Urgency.NORMAL
    return Urgency.SILENT


def deadline_spans(m: StoredMention, lang: str, tz: ZoneInfo) -> list[Span]:
    """The press-law deadline line for a legal-risk mention (empty otherwise)."""
    if not m.flags:
        return []
    return [NL, b("⏳ " + deadline_sentence(press_deadline(m, tz=tz), utcnow(), lang))]


def new_mention_alert(
    m: StoredMention, watches: list[Watch], settings: TeamSettings, tz: ZoneInfo
) -> Reply:
    """The push for a new review or mention."""
    lang = settings.language
    say = messages(lang)
    title = say.legal_risk_title() if m.flags else say.new_mention_title()
    spans: list[Span] = [b(title), NL, *mention_block(m, watches, lang, tz)]
    spans += deadline_spans(m, lang, tz)
    if m.flags:
        spans += [NL, t(say.advised_actions())]
        if settings.insurer.coverage.value == "inconnue":
            spans += [NL, *parts(say.coverage_question())]
    return reply(*spans, buttons=action_buttons(m, lang), urgency=urgency_for(m))


def edited_alert(
    m: StoredMention,
    watches: list[Watch],
    settings: TeamSettings,
    tz: ZoneInfo,
    *,
    old_rating: int | None,
    old_text: str | None = None,
) -> Reply:
    """The push for a review whose content changed (a 5★ that becomes 1★), before and after."""
    lang = settings.language
    change = ""
    if old_rating != m.rating and (old_rating or m.rating):
        change = f" ({stars(old_rating) or '—'} → {stars(m.rating) or '—'})"
    spans: list[Span] = [
        b(messages(lang).edited_title(change)),
        NL,
        *mention_block(m, watches, lang, tz),
    ]
    if old_text is not None and old_text != m.text:
        spans += parts(messages(lang).edited_before(old_text))
    spans += deadline_spans(m, lang, tz)
    return reply(*spans, buttons=action_buttons(m, lang), urgency=urgency_for(m))


def vanished_alert(m: StoredMention, lang: str) -> Reply:
    """A review no longer on its listing or page (after a removal request, for instance)."""
    page = host_of(m.source_label) if m.source_kind in ("page", "feed") else None
    return reply(*messages(lang).vanished(m.id, page), urgency=Urgency.SILENT)


def hidden_reviews_alert(event: HiddenReviews, kind: str, target: str, lang: str) -> Reply:
    """Reviews a listing counts but does not show (or a rating that moved without one)."""
    where = host_of(target) if kind == "page" else None
    url = _listing_url(kind, target)
    ratings = (event.rating_before, event.rating_after)
    counts = (event.count_before, event.count_after)
    message = messages(lang).hidden_reviews(event.hidden, where, counts, ratings, url)
    falling = (
        event.rating_before is not None
        and event.rating_after is not None
        and (event.rating_after < event.rating_before)
    )
    return reply(*message, urgency=Urgency.NORMAL if falling else Urgency.SILENT)


def falling_average_alert(event: FallingAverage, kind: str, target: str, lang: str) -> Reply:
    """The average fell within the chosen window."""
    where = host_of(target) if kind == "page" else None
    url = _listing_url(kind, target)
    message = messages(lang).falling_average(where, event.high, event.now, event.days, url)
    return reply(*message, urgency=Urgency.NORMAL)


def _listing_url(kind: str, target: str) -> str | None:
    if kind == "places":
        return "https://www.google.com/maps/place/?q=place_id:" + quote_url(target, safe="")
    if kind == "page":
        return target
    return None


def baseline_alert(label: str, count: int, average: float | None, risky: int, lang: str) -> Reply:
    """One message for a new source's existing items, instead of a flood."""
    return reply(*messages(lang).baseline(label, count, average, risky), urgency=Urgency.SILENT)


def source_health_alert(label: str, failing: bool, error: str | None, lang: str) -> Reply:
    """Told once when a source keeps failing, and once when it recovers."""
    say = messages(lang)
    if failing:
        return reply(*say.source_failing(label, error), urgency=Urgency.NORMAL)
    return reply(*say.source_recovered(label), urgency=Urgency.SILENT)


def in_quiet_hours(settings: TeamSettings, now: datetime, tz: ZoneInfo) -> bool:
    """Whether `now` falls in the team's quiet hours (which may span midnight)."""
    if not settings.quiet_start or not settings.quiet_end:
        return False
    start = time.fromisoformat(settings.quiet_start)
    end = time.fromisoformat(settings.quiet_end)
    local = now.astimezone(tz).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def for_delivery(message: Reply, settings: TeamSettings, now: datetime, tz: ZoneInfo) -> Reply:
    """During quiet hours only urgent alerts ring; the others arrive silently."""
    if message.urgency is Urgency.NORMAL and in_quiet_hours(settings, now, tz):
        return replace(message, urgency=Urgency.SILENT)
    return message
