"""The self-contained HTML « état des lieux »: figures formatted here, words in the templates.

The page embeds its charts as base64 PNG and loads nothing from outside, so it can be sent
as a chat attachment, opened offline, printed or forwarded to a lawyer. Templates are
autoescaped (`bot.documents.render`); outside text is also cleaned and bounded in `stats`.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.chat.mention_view import flag_names, stars
from bot.dates import format_date, format_datetime, format_datetime_utc
from bot.documents.render import render
from bot.documents.safe import clean, shorten
from bot.models import TeamSettings
from bot.report import fmt
from bot.report.advice import advise
from bot.report.charts import HEIGHT, WIDTH, Chart
from bot.report.stats import AuditStats, MentionItem, SourceStats, WatchStats
from bot.report.tally import Tally

Facts = dict[str, object]


def safe_href(url: str | None) -> str:
    """An http(s) URL fit for a link, or "" (no `javascript:` or `data:` link ever)."""
    if not url:
        return ""
    text = clean(url, single_line=True)
    if not text.lower().startswith(("http://", "https://")) or len(text) > 2000:
        return ""
    return text


def _tally(t: Tally, lang: str) -> Facts:
    return {
        "mentions": fmt.number(t.total, lang),
        "count": t.total,
        "rated": fmt.number(t.rated, lang),
        "average": fmt.rating(t.average, lang),
        "recent": fmt.rating(t.recent_average, lang),
        "previous": fmt.rating(t.previous_average, lang),
        "trend": fmt.change(t.previous_average, t.recent_average, lang),
        "negative_share": fmt.share(t.negative_share, lang),
        "negative": fmt.number(t.negative, lang),
        "open_risky": t.open_risky,
    }


def _watch(w: WatchStats, lang: str) -> Facts:
    details = ", ".join(x for x in (w.watch.specialty, w.watch.city) if x)
    return {
        "number": w.number,
        "name": shorten(clean(w.watch.display, single_line=True), 120)[0],
        "details": shorten(clean(details, single_line=True), 120)[0],
        "practice": w.watch.kind.value == "practice",
        "sources": ", ".join(f"S{n}" for n in w.source_numbers),
        **_tally(w.tally, lang),
    }


def _source(s: SourceStats, lang: str, tz: ZoneInfo) -> Facts:
    if not s.active:
        state = "removed"
    elif s.failing:
        state = "failing"
    elif s.pending:
        state = "pending"
    else:
        state = "ok"
    return {
        "number": f"S{s.number}" if s.number is not None else "",
        "label": s.label,
        "scope": s.watch.display if s.watch else "",
        "state": state,
        "failures": s.failures,
        "error": s.last_error,
        "last_success": (format_datetime(s.last_success_at, lang, tz) if s.last_success_at else ""),
        **_tally(s.tally, lang),
    }


def _mention(m: MentionItem, lang: str) -> Facts:
    return {
        "id": m.mention_id,
        "names": ", ".join(m.watches),
        "source": m.source,
        "flags": ", ".join(flag_names(frozenset(m.flags), lang)),
        "excerpt": m.excerpt,
        "href": safe_href(m.url),
        "stars": stars(m.rating),
        "published": format_date(m.published, lang),
        "deadline": format_date(m.deadline.expires_on, lang),
        "days_left": m.days_left,
        "expired": m.expired,
        "estimated": m.deadline.estimated,
        "handled": m.handled,
    }


def _chart(c: Chart) -> Facts:
    data = base64.b64encode(c.png).decode("ascii")
    return {"src": "data:image/png;base64," + data, "caption": c.caption, "w": WIDTH, "h": HEIGHT}


def report_facts(
    stats: AuditStats,
    charts: Sequence[Chart],
    team: TeamSettings,
    *,
    now: datetime,
    tz: ZoneInfo,
    language: str,
    web: Mapping[str, object] | None = None,
) -> Facts:
    """Everything the template prints, formatted for the team's language, never None.

    `web` is the web search of `/bilan` (`bot.report.web_inventory.web_facts`); None when the
    report was built without it.
    """
    lang = "en" if language == "en" else "fr"
    practitioner = team.practitioner.name or ""
    return {
        "team": stats.team_name,
        "practitioner": shorten(clean(practitioner, single_line=True), 120)[0],
        "generated": format_datetime(now, lang, tz),
        "generated_utc": format_datetime_utc(now),
        "first_seen": format_date(stats.first_seen, lang) if stats.first_seen else "",
        "last_seen": format_date(stats.last_seen, lang) if stats.last_seen else "",
        "overall": _tally(stats.overall, lang),
        "watch_count": len(stats.watches),
        "source_count": stats.active_sources,
        "unmatched": stats.unmatched,
        "charts": [_chart(c) for c in charts],
        "watches": [_watch(w, lang) for w in stats.watches],
        "sources": [_source(s, lang, tz) for s in stats.sources],
        "risks": [_mention(m, lang) for m in stats.risks],
        "negatives": [_mention(m, lang) for m in stats.recent_negative],
        "failing": [_source(s, lang, tz) for s in stats.failing],
        "pending": len(stats.pending),
        "suggestions": [advise(s, lang) for s in stats.suggestions],
        "coverage": stats.coverage.value,
        "insurer": shorten(clean(team.insurer.name or "", single_line=True), 120)[0],
        "web": dict(web) if web is not None else {"searched": False, "names": [], "queries": []},
    }


def write_html(
    stats: AuditStats,
    charts: Sequence[Chart],
    team: TeamSettings,
    *,
    now: datetime,
    tz: ZoneInfo,
    language: str,
    path: Path,
    web: Mapping[str, object] | None = None,
) -> Path:
    """Render `<langue>/report.html.j2` and write it to `path`."""
    lang = "en" if language == "en" else "fr"
    facts = report_facts(stats, charts, team, now=now, tz=tz, language=lang, web=web)
    body = render("report", lang, facts, kind="html").body
    path.write_text(body, encoding="utf-8")
    return path
