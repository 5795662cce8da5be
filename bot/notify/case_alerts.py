"""What the team reads when a text spreads or a wave of reviews hits: one short or grouped alert."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.chat.markup import NL, b, link, quote, reply, t
from bot.chat.mention_view import SOURCE_FR, stars
from bot.chat.places import site_of
from bot.chat.types import Button, Reply, Span, Urgency
from bot.dates import format_datetime
from bot.messages import messages
from bot.models import StoredMention
from bot.sources.text import cap
from bot.store.cases import WaveSettings, when

GOOGLE_POLICY_URL = "https://support.google.com/contributionpolicy/answer/7422880"
GOOGLE_KINDS = ("places", "business")
MAX_LISTED = 12


def where(m: StoredMention, lang: str, tz: ZoneInfo) -> str:
    """« #12 · Reddit (reddit.com) · 4 décembre 2026 à 10 h 00 »."""
    label = SOURCE_FR.get(m.source_kind, m.source_kind)
    host = site_of(m.url)
    site = f"{label} ({host})" if host and host not in label.lower() else label
    return f"#{m.id} · {site} · {format_datetime(when(m), lang, tz)}"


def original_line(original: StoredMention, count: int, lang: str, tz: ZoneInfo) -> list[Span]:
    """The lines added to a full alert when it is the first one for a text seen before."""
    parts = messages(lang).copy_first(where(original, lang, tz), count, original.id)
    return [NL, *(t(p) if isinstance(p, str) else p for p in parts)]


def copy_alert(
    copy: StoredMention, original: StoredMention, count: int, lang: str, tz: ZoneInfo
) -> Reply:
    """The short alert of a later copy: which text, where now, on how many sites in all."""
    say = messages(lang)
    spans: list[Span | str] = [b(say.copy_title(count)), NL]
    spans += say.copy_moved(where(original, lang, tz), where(copy, lang, tz))
    if copy.url:
        spans += [NL, link(cap(copy.url, 120), copy.url)]
    spans += [NL, *say.copy_advice(original.id)]
    buttons = (
        Button(say.button_capture(), "capture", str(copy.id)),
        Button(say.button_report(), "signaler", str(copy.id)),
        Button(say.button_case_file(), "dossier", str(original.id)),
    )
    urgency = Urgency.URGENT if copy.flags or original.flags else Urgency.NORMAL
    return reply(*spans, buttons=buttons, urgency=urgency)


def _listed(members: Sequence[StoredMention], lang: str, tz: ZoneInfo) -> list[Span | str]:
    say = messages(lang)
    spans: list[Span | str] = []
    for m in members[:MAX_LISTED]:
        rating = stars(m.rating) or say.no_rating()
        spans += [NL, t(f"• #{m.id} · {rating} · {format_datetime(when(m), lang, tz)}")]
        if m.author:
            spans.append(t(f" · {cap(m.author, 40)}"))
        if m.text:
            spans += [NL, quote(cap(m.text, 160))]
    if len(members) > MAX_LISTED:
        spans += [NL, t(say.and_more(len(members) - MAX_LISTED))]
    return spans


def wave_alert(
    members: Sequence[StoredMention],
    listing: str,
    owner: str | None,
    wave: WaveSettings,
    lang: str,
    tz: ZoneInfo,
) -> Reply:
    """One grouped alert for a wave: count, times and ratings, and how to report it."""
    say = messages(lang)
    first = members[0]  # the case's first stored review: the case file's number
    times = [when(m) for m in members]
    hours = (max(times) - min(times)).total_seconds() / 3600
    members = sorted(members, key=when)
    spans: list[Span | str] = [
        b(say.wave_title()),
        NL,
        t(listing + (f" → {owner}" if owner else "")),
        NL,
        *say.wave_count(len(members), hours, wave.min_reviews, wave.window_hours),
        *_listed(members, lang, tz),
        NL,
        NL,
    ]
    if first.source_kind in GOOGLE_KINDS:
        spans += say.wave_advice_google(GOOGLE_POLICY_URL)
    else:
        spans += say.wave_advice_other(first.id)
    spans += [NL, *say.wave_case_file(first.id)]
    buttons = (
        Button(say.button_case_file(), "dossier", str(first.id)),
        Button(say.button_capture(), "capture", str(members[-1].id)),  # the latest
        Button(say.button_insurer(), "assureur", str(first.id)),
    )
    return reply(*spans, buttons=buttons, urgency=Urgency.URGENT)


def wave_update(
    added: Sequence[StoredMention], total: int, first: StoredMention, lang: str, tz: ZoneInfo
) -> Reply:
    """A short note when more reviews join a wave already announced."""
    say = messages(lang)
    spans: list[Span | str] = [b(say.wave_update(len(added), total))]
    for m in added[:5]:
        rating = stars(m.rating) or say.no_rating()
        spans += [NL, t(f"• #{m.id} · {rating} · {format_datetime(when(m), lang, tz)}")]
    spans += [NL, *say.wave_case_file(first.id)]
    return reply(*spans, urgency=Urgency.NORMAL)
