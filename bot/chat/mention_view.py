"""How a mention reads in a chat: the same view for /avis, alerts and digests."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.chat.markup import NL, b, i, link, quote, t
from bot.chat.types import Button, Span
from bot.dates import format_date, format_datetime, local_date
from bot.messages import messages
from bot.models import Flag, StoredMention, Watch

ACTIONS = ("capture", "assureur", "signaler", "repondre", "traite")


def stars(rating: int | None) -> str:
    """★★☆☆☆ for a 1–5 rating."""
    if rating is None or not 1 <= rating <= 5:
        return ""
    return "★" * rating + "☆" * (5 - rating)


def flag_names(flags: frozenset[Flag], lang: str) -> list[str]:
    """Flag names in the team's language, in a stable order."""
    say = messages(lang)
    return [say.flag_name(f) for f in Flag if f in flags]


def headline(m: StoredMention, watches: list[Watch], lang: str, tz: ZoneInfo) -> list[Span]:
    """`#12 · Google (fiche) · ★★☆☆☆ · Dr Marie Dupont · 3 mars 2026`."""
    parts = [b(f"#{m.id}"), t(" · " + messages(lang).source_kind_name(m.source_kind))]
    if m.rating:
        parts.append(t(" · " + stars(m.rating)))
    names = [w.display for w in watches if w.id in m.watch_ids]
    if names:
        parts.append(t(" · " + ", ".join(names)))
    when = m.published_at or m.detected_at
    parts.append(t(" · " + format_date(local_date(when, tz), lang)))
    return parts


def mention_block(
    m: StoredMention, watches: list[Watch], lang: str, tz: ZoneInfo, *, excerpt_len: int = 400
) -> list[Span]:
    """Headline, link, excerpt, triage with its reasons."""
    from bot.chat.markup import excerpt

    say = messages(lang)
    spans = headline(m, watches, lang, tz)
    if m.author:
        spans += [t(" · " + say.by_author(m.author[:80]))]
    if m.title:
        spans += [NL, i(m.title[:200])]
    if m.url:
        spans += [NL, link(say.view_online(), m.url)]
    spans += [NL, quote(excerpt(m.text, excerpt_len))]
    spans += [NL, t(say.tone(m.severity))]
    if m.flags:
        spans += [NL, b(say.legal_risk([f for f in Flag if f in m.flags]))]
        reasons = [say.flag_reason(c.words, c.reason, c.flag) for c in m.cues if c.flag][:4]
        for reason in reasons:
            spans += [NL, t("   · " + reason[:200])]
    if m.handled_at:
        spans += [NL, i(say.handled())]
    if m.disappeared_at:
        spans += [NL, i(say.no_longer_online(format_datetime(m.disappeared_at, lang, tz)))]
    return spans


def action_buttons(m: StoredMention, lang: str) -> list[Button]:
    """The alert buttons, each running a command on this mention."""
    chosen = []
    say = messages(lang)
    for action in ACTIONS:
        if action in ("assureur", "signaler") and not m.flags:
            continue
        if action == "traite" and m.handled_at is not None:
            continue
        chosen.append(Button(say.action_label(action), action, str(m.id)))
    return chosen
