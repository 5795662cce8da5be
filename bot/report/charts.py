"""The report's two charts as PNG files: the rating over time and the mentions per month.

Drawn with matplotlib's object API on the Agg canvas: no pyplot, so no window and no global
figure registry to leak; each call owns its figure. Matplotlib shares its font objects between
threads, so drawing is serialised by a lock (two teams asking `/bilan` at once wait in turn).
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before anything that could pick an interactive backend

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.ticker import MaxNLocator

from bot.report.stats import AuditStats, MonthPoint

#: Every chart is WIDTH × HEIGHT pixels (inches × DPI), the size the chat shows well.
DPI = 100
WIDTH, HEIGHT = 800, 400
#: At most this many watched names get their own rating line (the busiest ones).
MAX_WATCH_LINES = 4

_MONTHS_FR = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
)  # fmt: skip
_MONTHS_EN = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip
_COLORS = {"positive": "#4c9a2a", "neutral": "#9e9e9e", "negative": "#c62828"}
_LINE_COLORS = ("#6a3d9a", "#ff7f00", "#1f78b4", "#b15928")
_DRAWING = threading.Lock()


@dataclass(frozen=True, slots=True)
class Chart:
    """A rendered chart: where it was written, its bytes (for the HTML) and its caption."""

    path: Path
    png: bytes
    caption: str


@lru_cache(maxsize=1)
def _drawable() -> frozenset[int]:
    """The code points the default font can draw (others would warn and show as boxes)."""
    path = font_manager.findfont(matplotlib.rcParams["font.sans-serif"][0])
    return frozenset(FT2Font(path).get_charmap())


def warm_up() -> None:
    """Load the chart font now (matplotlib itself is loaded by importing this module)."""
    _drawable()


def label_text(text: str, limit: int = 32) -> str:
    """Outside text made safe for a chart: drawable glyphs only, no mathtext, bounded."""
    glyphs = _drawable()
    safe = "".join(c if ord(c) in glyphs else "?" for c in " ".join(text.split()))
    if len(safe) > limit:
        safe = safe[: limit - 1].rstrip() + "…"
    return safe.replace("$", r"\$")


def month_labels(months: Sequence[MonthPoint], language: str) -> list[str]:
    """ "janv.\\n2026" on January and on the first month, the month name alone otherwise."""
    names = _MONTHS_EN if language == "en" else _MONTHS_FR
    out = []
    for k, point in enumerate(months):
        name = names[point.month.month - 1]
        out.append(f"{name}\n{point.month.year}" if k == 0 or point.month.month == 1 else name)
    return out


def _figure() -> Figure:
    return Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, layout="constrained")


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    figure.clear()
    return buffer.getvalue()


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def rating_png(stats: AuditStats, language: str) -> bytes | None:
    """The average rating per month, for the team and its busiest names; None if none is rated."""
    months = stats.months
    if not any(p.rated for p in months):
        return None
    figure = _figure()
    axes = figure.subplots()
    xs = list(range(len(months)))
    ranked = sorted(range(len(stats.watches)), key=lambda k: (-stats.watches[k].tally.rated, k))[
        :MAX_WATCH_LINES
    ]
    if len(stats.watches) > 1:
        for color, k in zip(_LINE_COLORS, ranked, strict=False):
            if not stats.watches[k].tally.rated:
                continue
            ys = [_nan(p.watch_averages[k]) for p in months]
            name = label_text(stats.watches[k].watch.display)
            axes.plot(xs, ys, marker=".", linewidth=1.2, color=color, label=name, alpha=0.85)
    overall = [_nan(p.average) for p in months]
    team_label = "Toute l'équipe" if language != "en" else "Whole team"
    axes.plot(xs, overall, marker="o", linewidth=2.6, color="#0d3b66", label=team_label)
    axes.set_ylim(0.8, 5.2)
    axes.set_yticks([1, 2, 3, 4, 5])
    axes.set_xticks(xs, month_labels(months, language), fontsize=8)
    axes.set_xlim(-0.5, len(months) - 0.5)
    axes.grid(axis="y", alpha=0.3)
    axes.set_title(
        "Note moyenne par mois (sur 5)"
        if language != "en"
        else "Average rating per month (out of 5)"
    )
    axes.legend(loc="lower left", fontsize=8, framealpha=0.8)
    return _png(figure)


def severity_png(stats: AuditStats, language: str) -> bytes | None:
    """Mentions per month, stacked by tone (positive, neutral, negative); None if there are none."""
    months = stats.months
    if not any(p.total for p in months):
        return None
    figure = _figure()
    axes = figure.subplots()
    xs = list(range(len(months)))
    names = (
        {"positive": "positives", "neutral": "neutres", "negative": "négatives"}
        if language != "en"
        else {"positive": "positive", "neutral": "neutral", "negative": "negative"}
    )
    bottom = [0] * len(months)
    for key in ("negative", "neutral", "positive"):
        heights = [getattr(p, key) for p in months]
        axes.bar(xs, heights, bottom=bottom, color=_COLORS[key], label=names[key], width=0.75)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_xticks(xs, month_labels(months, language), fontsize=8)
    axes.set_xlim(-0.5, len(months) - 0.5)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", alpha=0.3)
    axes.set_title(
        "Mentions par mois selon la tonalité" if language != "en" else "Mentions per month by tone"
    )
    axes.legend(loc="upper left", fontsize=8, framealpha=0.8)
    return _png(figure)


def render_charts(stats: AuditStats, out_dir: Path, language: str) -> list[Chart]:
    """Draw the charts that have data and write them to `out_dir`."""
    french = language != "en"
    wanted = (
        (
            "note-moyenne.png" if french else "average-rating.png",
            rating_png,
            "Note moyenne par mois (avis notés de 1 à 5) ; un mois sans avis noté n'a pas de point."
            if french
            else "Average rating per month (reviews rated 1 to 5); a month with none has no point.",
        ),
        (
            "mentions-par-mois.png" if french else "mentions-per-month.png",
            severity_png,
            "Mentions par mois selon la tonalité ; le mois en cours n'est pas terminé."
            if french
            else "Mentions per month by tone; the current month is not over yet.",
        ),
    )
    charts = []
    for filename, draw, caption in wanted:
        with _DRAWING:
            png = draw(stats, language)
        if png is None:
            continue
        path = out_dir / filename
        path.write_bytes(png)
        charts.append(Chart(path, png, caption))
    return charts
