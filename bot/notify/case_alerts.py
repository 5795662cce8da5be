"""What the team reads when a text spreads or a wave of reviews hits: one short or grouped alert."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.chat.markup import NL, b, code, link, quote, reply, t
from bot.chat.mention_view import SOURCE_FR, stars
from bot.chat.places import site_of
from bot.chat.types import Button, Reply, Span, Urgency
from bot.dates import format_datetime
from bot.models import StoredMention
from bot.sources.text import cap
from bot.store.cases import WaveSettings, when

GOOGLE_POLICY_URL = "https://support.google.com/contributionpolicy/answer/7422880"
GOOGLE_KINDS = ("places", "business")


def _tr(lang: str, fr: str, en: str) -> str:
    return en if lang == "en" else fr


def _where(m: StoredMention, lang: str, tz: ZoneInfo) -> str:
    label = SOURCE_FR.get(m.source_kind, m.source_kind)
    host = site_of(m.url)
    site = f"{label} ({host})" if host and host not in label.lower() else label
    return f"#{m.id} · {site} · {format_datetime(when(m), lang, tz)}"


def original_line(original: StoredMention, count: int, lang: str, tz: ZoneInfo) -> list[Span]:
    """The line added to a full alert when it is the first one for a text seen before."""
    return [
        NL,
        b(_tr(lang, "🔁 Texte déjà publié ailleurs : ", "🔁 Text already published elsewhere: ")),
        t(_where(original, lang, tz)),
        t(_tr(lang, f" — repris sur {count} sites.", f" — copied on {count} sites.")),
        NL,
        t(_tr(lang, "Tous les endroits et heures : ", "Every place and time: ")),
        code(f"/dossier #{original.id}"),
    ]


def copy_alert(
    copy: StoredMention, original: StoredMention, count: int, lang: str, tz: ZoneInfo
) -> Reply:
    """The short alert of a later copy: which text, where now, on how many sites in all."""
    spans: list[Span] = [
        b(_tr(lang, f"🔁 Repris sur {count} sites", f"🔁 Copied on {count} sites")),
        NL,
        t(_tr(lang, "Le texte de ", "The text of ")),
        t(_where(original, lang, tz)),
        NL,
        t(_tr(lang, "réapparaît : ", "appears again: ")),
        t(_where(copy, lang, tz)),
    ]
    if copy.url:
        spans += [NL, link(cap(copy.url, 120), copy.url)]
    spans += [
        NL,
        t(_tr(lang, "Chaque reprise est une publication à part : capturez-la ; ",
              "Each copy is a publication of its own: capture it; ")),
        code(f"/dossier #{original.id}"),
        t(_tr(lang, " liste tous les endroits.", " lists every place.")),
    ]  # fmt: skip
    buttons = (
        Button(_tr(lang, "📸 Capture", "📸 Capture"), "capture", str(copy.id)),
        Button(_tr(lang, "🚩 Signaler", "🚩 Report"), "signaler", str(copy.id)),
        Button(_tr(lang, "📁 Dossier", "📁 Case file"), "dossier", str(original.id)),
    )
    urgency = Urgency.URGENT if copy.flags or original.flags else Urgency.NORMAL
    return reply(*spans, buttons=buttons, urgency=urgency)


def _advice(source_kind: str, first: StoredMention, lang: str) -> list[Span]:
    if source_kind in GOOGLE_KINDS:
        return [
            t(_tr(
                lang,
                "Une attaque coordonnée enfreint le règlement de Google sur le faux engagement "
                "(« Fake engagement » : avis qui ne reflètent pas une expérience réelle, publiés "
                "depuis plusieurs comptes pour manipuler la note, ou par un concurrent). "
                "Signalez chaque avis depuis la fiche (⋮ > « Signaler l'avis ») ou depuis "
                "Google Business Profile (Avis > Signaler), en choisissant « faux avis / conflit "
                "d'intérêts », puis suivez les signalements avec l'outil de gestion des avis. "
                "Règlement : ",
                "A coordinated attack breaks Google's fake engagement policy (reviews that do not "
                "reflect a genuine experience, posted from several accounts to manipulate the "
                "rating, or by a competitor). Report each review from the listing (⋮ > « Report "
                "review ») or from Google Business Profile (Reviews > Report), choosing « fake "
                "review / conflict of interest », then follow up with the review management "
                "tool. Policy: ",
            )),
            link(GOOGLE_POLICY_URL, GOOGLE_POLICY_URL),
        ]  # fmt: skip
    return [
        t(_tr(
            lang,
            "Signalez chaque avis à la plateforme (bouton de signalement du site, en précisant "
            "qu'il s'agit d'une vague d'avis coordonnée) ; pour un hébergeur, la notification "
            "au titre du DSA (art. 16) : ",
            "Report each review to the platform (its report button, saying it is a coordinated "
            "wave); for a host, the notice under the DSA (art. 16): ",
        )),
        code(f"/signaler #{first.id}"),
    ]  # fmt: skip


def wave_alert(
    members: Sequence[StoredMention],
    listing: str,
    owner: str | None,
    wave: WaveSettings,
    lang: str,
    tz: ZoneInfo,
) -> Reply:
    """One grouped alert for a wave: count, times and ratings, and how to report it."""
    first, last = when(members[0]), when(members[-1])
    hours = max((last - first).total_seconds() / 3600, 0.0)
    span = f"{hours:.0f} h" if hours >= 1 else _tr(lang, "moins d'une heure", "under an hour")
    spans: list[Span] = [
        b(_tr(lang, "🌊 Vague d'avis négatifs", "🌊 Wave of negative reviews")),
        NL,
        t(listing + (f" → {owner}" if owner else "")),
        NL,
        b(_tr(lang, f"{len(members)} avis négatifs en {span}",
              f"{len(members)} negative reviews within {span}")),
        t(_tr(lang, f" (seuil de l'équipe : {wave.min_reviews} en {wave.window_hours} h)",
              f" (team threshold: {wave.min_reviews} within {wave.window_hours} h)")),
    ]  # fmt: skip
    for m in members[:12]:
        rating = stars(m.rating) or _tr(lang, "sans note", "no rating")
        spans += [NL, t(f"• #{m.id} · {rating} · {format_datetime(when(m), lang, tz)}")]
        if m.author:
            spans.append(t(f" · {cap(m.author, 40)}"))
        if m.text:
            spans += [NL, quote(cap(m.text, 160))]
    if len(members) > 12:
        more = len(members) - 12
        spans += [NL, t(_tr(lang, f"… et {more} autres.", f"… and {more} more."))]
    spans += [NL, NL, *_advice(members[0].source_kind, members[0], lang)]
    spans += [
        NL,
        t(_tr(lang, "Capturez les avis avant qu'ils ne changent ; le dossier les réunit tous : ",
              "Capture the reviews before they change; the case file holds them all: ")),
        code(f"/dossier #{members[0].id}"),
    ]  # fmt: skip
    buttons = (
        Button(_tr(lang, "📁 Dossier", "📁 Case file"), "dossier", str(members[0].id)),
        Button(_tr(lang, "📸 Capture", "📸 Capture"), "capture", str(members[-1].id)),
        Button(_tr(lang, "✉️ Courrier assureur", "✉️ Insurer letter"), "assureur",
               str(members[0].id)),
    )  # fmt: skip
    return reply(*spans, buttons=buttons, urgency=Urgency.URGENT)


def wave_update(
    added: Sequence[StoredMention], total: int, first: StoredMention, lang: str, tz: ZoneInfo
) -> Reply:
    """A short note when more reviews join a wave already announced."""
    spans: list[Span] = [
        b(_tr(lang, f"🌊 Vague d'avis négatifs : +{len(added)} ({total} au total)",
              f"🌊 Wave of negative reviews: +{len(added)} ({total} in all)")),
    ]  # fmt: skip
    for m in added[:5]:
        rating = stars(m.rating) or _tr(lang, "sans note", "no rating")
        spans += [NL, t(f"• #{m.id} · {rating} · {format_datetime(when(m), lang, tz)}")]
    spans += [NL, code(f"/dossier #{first.id}")]
    return reply(*spans, urgency=Urgency.NORMAL)
