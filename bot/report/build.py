"""`/bilan`: from the store's rows to the chat summary, the HTML page and the chart images."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.chat.types import Attachment, Reply
from bot.dates import local_date
from bot.models import StoredMention, TeamSettings, Watch
from bot.report.stats import AuditStats, compute_stats
from bot.report.summary import summary_reply
from bot.store.sources import SourceRow


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The « état des lieux »: the chat message (files attached), the files, and the figures."""

    summary: Reply
    html_path: Path
    chart_paths: list[Path]
    stats: AuditStats


def warm_up() -> None:
    """Load matplotlib and the chart font ahead of the first `/bilan` (about 1 s and 45 MB).

    Optional: without it the first report of a process takes that second more.
    """
    from bot.report.charts import warm_up as load_font

    load_font()


def build_report(
    *,
    team: TeamSettings,
    watches: list[Watch],
    sources: list[SourceRow],
    mentions: list[StoredMention],
    now: datetime,
    tz: ZoneInfo,
    language: str,
    out_dir: Path,
    web: Mapping[str, object] | None = None,
) -> AuditReport:
    """Compute the figures, draw the charts, write the HTML page into `out_dir`.

    CPU-bound (about a second): call it through `asyncio.to_thread`. `watches` and `sources`
    must come in the order `/liste` and `/source` number them (the store's `active()`).
    """
    # Imported here so that matplotlib (tens of MB) loads on the first /bilan, not at start-up.
    from bot.report.charts import render_charts
    from bot.report.html_report import write_html

    lang = "en" if language == "en" else "fr"
    stats = compute_stats(
        team=team, watches=watches, sources=sources, mentions=mentions, now=now, tz=tz
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    charts = render_charts(stats, out_dir, lang)
    day = local_date(now, tz).isoformat()
    filename = f"etat-des-lieux-{day}.html" if lang == "fr" else f"audit-{day}.html"
    html_path = write_html(
        stats, charts, team, now=now, tz=tz, language=lang, path=out_dir / filename, web=web
    )
    attachments = [
        Attachment(
            path=html_path,
            filename=filename,
            mime_type="text/html",
            caption="État des lieux complet" if lang == "fr" else "Full audit report",
        ),
        *(
            Attachment(
                path=c.path,
                filename=c.path.name,
                mime_type="image/png",
                caption=c.caption,
                is_image=True,
            )
            for c in charts
        ),
    ]
    summary = summary_reply(stats, now=now, tz=tz, language=lang, attachments=attachments)
    return AuditReport(summary, html_path, [c.path for c in charts], stats)
