"""The « état des lieux » as a chat message: the key figures, what to do first, the files attached.

Bounded so it fits one Telegram message (4,096 characters): the full lists are in the HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.chat.markup import NL, b, code, i, reply, t
from bot.chat.mention_view import flag_names
from bot.chat.types import Attachment, Reply, Span
from bot.dates import format_date, format_datetime
from bot.report import fmt
from bot.report.advice import advise
from bot.report.fmt import tr
from bot.report.stats import AuditStats, MentionItem
from bot.report.tally import Tally

#: How many lines of each list the chat message shows before « … et N autres ».
MAX_WATCHES = 8
MAX_RISKS = 5
MAX_FAILING = 4
MAX_SUGGESTIONS = 5
_NAME_LIMIT = 60


def _short(text: str, limit: int = _NAME_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def days_left_text(days: int, language: str) -> str:
    """ "dans 5 jours", "demain", "aujourd'hui", "dépassé depuis 3 jours"."""
    if days > 1:
        return tr(language, f"dans {days} jours", f"in {days} days")
    if days == 1:
        return tr(language, "demain", "tomorrow")
    if days == 0:
        return tr(language, "aujourd'hui", "today")
    late = -days
    return tr(
        language,
        f"dépassé depuis {late} jour{'s' if late > 1 else ''}",
        f"expired {late} day{'s' if late > 1 else ''} ago",
    )


def tally_line(tally: Tally, language: str) -> str:
    """ "120 mentions · 4,1/5 · 10 % négatives"."""
    parts = [fmt.plural(tally.total, "mention", "mentions", language)]
    if tally.rated:
        parts.append(fmt.rating(tally.average, language))
    if tally.total:
        parts.append(
            fmt.share(tally.negative_share, language) + tr(language, " négatives", " negative")
        )
    return " · ".join(parts)


def risk_line(item: MentionItem, language: str) -> list[Span]:
    """ "#12 · Dr Marie Dupont · injure — délai : 3 mars 2026 (dans 5 jours)"."""
    about = ", ".join(_short(name) for name in item.watches[:2])
    head = f" · {about}" if about else ""
    flags = ", ".join(flag_names(frozenset(item.flags), language))
    deadline = format_date(item.deadline.expires_on, language)
    estimate = tr(language, ", estimation", ", estimate") if item.deadline.estimated else ""
    when = f"{deadline} ({days_left_text(item.days_left, language)}{estimate})"
    return [
        b(f"#{item.mention_id}"),
        t(f"{head} · {flags} — " + tr(language, "délai : ", "time limit: ")),
        b(when) if item.days_left <= 30 else t(when),
    ]


def _more(count: int, language: str) -> Span:
    return i(
        tr(language, f"… et {count} autre(s) dans le rapport", f"… and {count} more in the report")
    )


def _overview(stats: AuditStats, language: str) -> list[Span]:
    o = stats.overall
    names = (
        ("watched name", "watched names")
        if language == "en"
        else ("nom surveillé", "noms surveillés")
    )
    watched = fmt.plural(len(stats.watches), *names, language)
    sources = fmt.plural(stats.active_sources, "source", "sources", language)
    found = tr(
        language,
        f"{fmt.plural(o.total, 'mention trouvée', 'mentions trouvées', language)} "
        f"pour {watched}, par {sources}.",
        f"{fmt.plural(o.total, 'mention', 'mentions', language)} found for {watched}, "
        f"from {sources}.",
    )
    spans: list[Span] = [t(found)]
    if o.rated:
        line = tr(language, "Note moyenne : ", "Average rating: ") + fmt.rating(o.average, language)
        line += tr(
            language,
            f" ({fmt.number(o.rated, language)} avis notés)",
            f" ({fmt.number(o.rated, language)} rated)",
        )
        spans += [NL, t(line)]
        if o.recent_average is not None:
            recent = tr(language, "90 derniers jours : ", "Last 90 days: ") + fmt.rating(
                o.recent_average, language
            )
            if o.previous_average is not None:
                arrow = fmt.change(o.previous_average, o.recent_average, language)
                before = fmt.rating(o.previous_average, language)
                recent += tr(
                    language,
                    f" ({arrow} ; 90 jours précédents : {before})",
                    f" ({arrow}; previous 90 days: {before})",
                )
            spans += [NL, t(recent)]
    if o.total:
        spans += [
            NL,
            t(
                tr(language, "Mentions négatives : ", "Negative mentions: ")
                + fmt.share(o.negative_share, language)
            ),
        ]
    return spans


def _heading(text: str) -> list[Span]:
    return [NL, NL, b(text)]


def _watch_lines(stats: AuditStats, lang: str) -> list[Span]:
    if not stats.watches or not stats.overall.total:
        return []
    spans = _heading(tr(lang, "Par nom surveillé", "By watched name"))
    for w in stats.watches[:MAX_WATCHES]:
        line = f"{w.number}. {_short(w.watch.display)} — {tally_line(w.tally, lang)}"
        if w.tally.open_risky:
            n = w.tally.open_risky
            line += tr(lang, f" · ⚠️ {n} à risque", f" · ⚠️ {n} legal risk")
        spans += [NL, t(line)]
    if len(stats.watches) > MAX_WATCHES:
        spans += [NL, _more(len(stats.watches) - MAX_WATCHES, lang)]
    return spans


def _risk_lines(stats: AuditStats, lang: str) -> list[Span]:
    count = len(stats.risks)
    if not count:
        return []
    spans = _heading(
        tr(lang, f"⚠️ Avis à risque juridique à traiter : {count}",
           f"⚠️ Open legal-risk mentions: {count}")
    )  # fmt: skip
    for item in stats.risks[:MAX_RISKS]:
        spans += [NL, *risk_line(item, lang)]
    if count > MAX_RISKS:
        spans += [NL, _more(count - MAX_RISKS, lang)]
    hint = tr(lang, "/avis risque · /capture #N · /assureur #N · /traite #N",
              "/reviews risk · /capture #N · /insurer #N · /done #N")  # fmt: skip
    return [*spans, NL, code(hint)]


def _failing_lines(stats: AuditStats, lang: str) -> list[Span]:
    failing = stats.failing
    if not failing:
        return []
    spans = _heading(
        tr(lang, f"🔧 Sources en échec : {len(failing)}", f"🔧 Failing sources: {len(failing)}")
    )
    for s in failing[:MAX_FAILING]:
        error = _short(s.last_error, 150) or tr(lang, "erreur non précisée", "no error given")
        count = tr(lang, f"{s.failures} échec(s) : ", f"{s.failures} failure(s): ")
        spans += [NL, b(f"S{s.number}"), t(f" {_short(s.label)} — {count}{error}")]
    if len(failing) > MAX_FAILING:
        spans += [NL, _more(len(failing) - MAX_FAILING, lang)]
    return spans


def _suggestion_lines(stats: AuditStats, lang: str) -> list[Span]:
    if not stats.suggestions:
        return []
    spans = _heading(tr(lang, "🔎 Recherches à ajouter", "🔎 Searches to add"))
    for suggestion in stats.suggestions[:MAX_SUGGESTIONS]:
        advice = advise(suggestion, lang)
        spans += [NL, code(advice.command), t(" — " + _short(advice.why, 200))]
    if len(stats.suggestions) > MAX_SUGGESTIONS:
        spans += [NL, _more(len(stats.suggestions) - MAX_SUGGESTIONS, lang)]
    return spans


def _nothing_found(stats: AuditStats, language: str) -> list[Span]:
    if not stats.watches:
        why = tr(language, "Aucun nom n'est encore surveillé.", "No name is watched yet.")
    elif not stats.active_sources:
        why = tr(
            language,
            "Aucune source n'est configurée : Vigie n'a donc rien pu chercher.",
            "No source is configured, so Vigie could not search anything.",
        )
    else:
        why = tr(
            language,
            "Les sources n'ont rien remonté : bonne nouvelle si elles fonctionnent.",
            "The sources found nothing: good news if they work.",
        )
    return [
        NL,
        NL,
        b(tr(language, "Aucune mention trouvée pour l'instant.", "No mention found yet.")),
        NL,
        t(why),
    ]


def summary_reply(
    stats: AuditStats,
    *,
    now: datetime,
    tz: ZoneInfo,
    language: str,
    attachments: Sequence[Attachment] = (),
) -> Reply:
    """The chat message for `/bilan`, with the HTML report and the charts attached."""
    lang = "en" if language == "en" else "fr"
    title = tr(lang, "📋 État des lieux — ", "📋 E-reputation audit — ") + _short(
        stats.team_name, 80
    )
    spans: list[Span] = [
        b(title),
        NL,
        i(tr(lang, "au ", "as of ") + format_datetime(now, lang, tz)),
        NL,
        NL,
    ]
    spans += _overview(stats, lang)
    if not stats.overall.total:
        spans += _nothing_found(stats, lang)
    spans += _watch_lines(stats, lang)
    spans += _risk_lines(stats, lang)
    spans += _failing_lines(stats, lang)
    spans += _suggestion_lines(stats, lang)
    if attachments:
        spans += [
            NL,
            NL,
            i(
                tr(
                    lang,
                    "Le rapport complet (HTML, à ouvrir dans un navigateur) est joint.",
                    "The full report (HTML, open it in a browser) is attached.",
                )
            ),
        ]
    return reply(*spans, attachments=attachments)
