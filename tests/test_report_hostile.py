"""Hostile text (markup, scripts, bidi tricks, huge sizes) in reviews, names and source errors."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from PIL import Image

from bot.models import Flag, Severity, StoredMention, Watch, WatchKind
from bot.report import build_report
from tests.test_report_synth import NOW, SOURCES, source_row, synthetic_team

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
RLO = "\u202e"


def test_hostile_text_is_escaped_and_bounded(tmp_path: Path) -> None:
    base = synthetic_team(120)
    # Two names only, both rated, so the rating chart draws a line for each of them.
    watches = [
        dataclasses.replace(base.watches[0], name=f"Dupont {IMG}"),
        Watch(5, 1, "诊所 $x^2$ " + "très long nom " * 30, WatchKind.PRACTICE),
    ]
    evil = base.mentions[0]
    evil = dataclasses.replace(
        evil,
        text=f"{SCRIPT} {RLO}gnp.exe " + "bla " * 20_000,
        title=SCRIPT,
        author=IMG,
        url="javascript:alert(document.cookie)",
        flags=frozenset({Flag.DEFAMATION}),
        severity=Severity.NEGATIVE,
        handled_at=None,
        rating=1,
        published_at=NOW - timedelta(days=3),
        watch_ids=(1, 5),
    )
    sources = [
        *SOURCES[:3],
        source_row(
            14,
            "page",
            f"https://avis.exemple.fr/{SCRIPT}",
            2,
            selector=SCRIPT,
            failures=2,
            error=f"{SCRIPT}{IMG} " + "x" * 5_000,
        ),
    ]
    settings = dataclasses.replace(base.settings, team_name=f"Cabinet {SCRIPT}")
    mentions: list[StoredMention] = [evil, *base.mentions[1:]]
    report = build_report(
        team=settings,
        watches=watches,
        sources=sources,
        mentions=mentions,
        now=NOW,
        tz=ZoneInfo("Europe/Paris"),
        language="fr",
        out_dir=tmp_path,
    )
    raw = report.html_path.read_text(encoding="utf-8")
    soup = BeautifulSoup(raw, "html.parser")
    assert not soup.find_all("script")
    assert not any(tag.has_attr("onerror") for tag in soup.find_all(True))
    assert all(not str(a.get("href", "")).lower().startswith("javascript") for a in soup("a"))
    assert "&lt;script&gt;" in raw
    assert RLO not in raw
    assert "gnp.exe" in raw  # the words stay, the reversal trick goes
    # Bounded: the 80,000-character review and the 5,000-character error are cut.
    assert "bla " * 100 not in raw and "x" * 400 not in raw
    assert len(raw) - sum(len(str(img["src"])) for img in soup("img")) < 60_000
    risk_text = soup.get_text(" ")
    assert "#1" in risk_text and "Dupont <img" in risk_text  # shown as text, not markup
    assert [w.tally.rated for w in report.stats.watches] == [1, 1]
    assert len(report.chart_paths) == 2
    for path in report.chart_paths:  # the odd watch name did not break the chart
        with Image.open(path) as image:
            assert image.size == (800, 400)
    chat = report.summary.plain_text
    assert len(chat) < 4096
    assert "x" * 400 not in chat


def test_chart_labels_survive_glyphs_the_font_lacks() -> None:
    from bot.report.charts import label_text

    assert label_text("诊所 Dupont") == "?? Dupont"
    assert label_text("$x$") == r"\$x\$"
    assert len(label_text("a" * 200)) == 32
