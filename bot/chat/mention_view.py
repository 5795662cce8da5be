"""How a mention reads in a chat: the same view for /avis, alerts and digests."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.chat.markup import NL, b, i, link, quote, t
from bot.chat.types import Button, Span
from bot.dates import format_date, format_datetime, local_date
from bot.models import Flag, Severity, StoredMention, Watch

FLAG_FR = {
    Flag.INSULT: "injure",
    Flag.DEFAMATION: "diffamation",
    Flag.PRIVACY: "atteinte à la vie privée",
    Flag.THREAT: "menace",
}
FLAG_EN = {
    Flag.INSULT: "insult",
    Flag.DEFAMATION: "defamation",
    Flag.PRIVACY: "privacy violation",
    Flag.THREAT: "threat",
}
SEVERITY_FR = {
    Severity.POSITIVE: "positif",
    Severity.NEUTRAL: "neutre",
    Severity.NEGATIVE: "négatif",
}
SEVERITY_EN = {
    Severity.POSITIVE: "positive",
    Severity.NEUTRAL: "neutral",
    Severity.NEGATIVE: "negative",
}
SOURCE_FR = {
    "feed": "Flux",
    "news": "Google Actualités",
    "places": "Google (fiche)",
    "business": "Google Business Profile",
    "page": "Page web",
    "reddit": "Reddit",
    "youtube": "YouTube",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
}

ACTION_BUTTONS = (
    ("capture", "📸 Capture", "📸 Capture"),
    ("assureur", "✉️ Courrier assureur", "✉️ Insurer letter"),
    ("signaler", "🚩 Signaler", "🚩 Report"),
    ("repondre", "💬 Répondre", "💬 Reply"),
    ("traite", "✅ Traité", "✅ Done"),
)


def stars(rating: int | None) -> str:
    """★★☆☆☆ for a 1–5 rating."""
    if rating is None or not 1 <= rating <= 5:
        return ""
    return "★" * rating + "☆" * (5 - rating)


def flag_names(flags: frozenset[Flag], lang: str) -> list[str]:
    """Flag names in the team's language, in a stable order."""
    names = FLAG_EN if lang == "en" else FLAG_FR
    return [names[f] for f in Flag if f in flags]


def headline(m: StoredMention, watches: list[Watch], lang: str, tz: ZoneInfo) -> list[Span]:
    """`#12 · Google (fiche) · ★★☆☆☆ · Dr Marie Dupont · 3 mars 2026`."""
    parts = [b(f"#{m.id}"), t(" · " + SOURCE_FR.get(m.source_kind, m.source_kind))]
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

    spans = headline(m, watches, lang, tz)
    if m.author:
        spans += [t(" · " + ("par " if lang != "en" else "by ") + m.author[:80])]
    if m.title:
        spans += [NL, i(m.title[:200])]
    if m.url:
        spans += [NL, link("Voir en ligne" if lang != "en" else "View online", m.url)]
    spans += [NL, quote(excerpt(m.text, excerpt_len))]
    severity = (SEVERITY_EN if lang == "en" else SEVERITY_FR)[m.severity]
    spans += [NL, t(("Tonalité : " if lang != "en" else "Tone: ") + severity)]
    if m.flags:
        risk = ", ".join(flag_names(m.flags, lang))
        spans += [NL, b(("⚠️ Risque juridique : " if lang != "en" else "⚠️ Legal risk: ") + risk)]
        reasons = [f"« {c.words} » — {c.reason}" for c in m.cues if c.flag is not None][:4]
        for reason in reasons:
            spans += [NL, t("   · " + reason[:200])]
    if m.handled_at:
        spans += [NL, i("Traité" if lang != "en" else "Handled")]
    if m.disappeared_at:
        when = format_datetime(m.disappeared_at, lang, tz)
        gone = f"🗑️ N'apparaît plus en ligne (constaté le {when})"
        spans += [NL, i(gone if lang != "en" else f"🗑️ No longer online (seen {when})")]
    return spans


def action_buttons(m: StoredMention, lang: str) -> list[Button]:
    """The alert buttons, each running a command on this mention."""
    chosen = []
    for action, fr, en in ACTION_BUTTONS:
        if action in ("assureur", "signaler") and not m.flags:
            continue
        if action == "traite" and m.handled_at is not None:
            continue
        chosen.append(Button(en if lang == "en" else fr, action, str(m.id)))
    return chosen
