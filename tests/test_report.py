"""`/bilan`: the HTML page, the charts and the chat summary from a year of mentions."""

from __future__ import annotations

import asyncio
import base64
import calendar
import re
from collections.abc import Sequence
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup, Tag
from PIL import Image

from bot.dates import format_date, local_date
from bot.models import Severity, StoredMention
from bot.report import AuditReport, build_report
from tests.test_report_synth import (
    FAILING_ERROR,
    NOW,
    REMOVED_SOURCE,
    Team,
    synthetic_team,
)

PARIS = ZoneInfo("Europe/Paris")
THIN = "\u202f"
_SPACES = re.compile(r"[ \t\n]+")  # not the thin space of « 25 % »


def run(team: Team, tmp_path: Path, language: str = "fr") -> AuditReport:
    """The report as `/bilan` builds it."""
    return build_report(
        team=team.settings,
        watches=team.watches,
        sources=team.sources,
        mentions=team.mentions,
        now=NOW,
        tz=PARIS,
        language=language,
        out_dir=tmp_path / "bilan",
    )


def shown_rating(ratings: Sequence[int], sep: str = ",") -> str:
    """The average as a person rounds it (half up), e.g. 4,3/5; a dash when nothing is rated."""
    if not ratings:
        return "—"
    tenths = int(Fraction(sum(ratings), len(ratings)) * 10 + Fraction(1, 2))
    return f"{tenths // 10}{sep}{tenths % 10}/5"


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def section_table(soup: BeautifulSoup, heading: str) -> list[list[str]]:
    """The body rows (cell texts) of the table that follows the h2 starting with `heading`."""
    h2 = next(h for h in soup.find_all("h2") if h.get_text().startswith(heading))
    table = h2.find_next("table")
    assert isinstance(table, Tag)
    rows = []
    for tr in table.find_all("tr"):
        cells = tr.find_all("td")
        if cells:
            rows.append([_SPACES.sub(" ", c.get_text(" ")).strip() for c in cells])
    return rows


def three_months_after(m: StoredMention) -> date:
    """The same day three months after the local publication day (detection when unknown),
    clamped to the month's end."""
    start = local_date(m.published_at or m.detected_at, PARIS)
    month = start.month + 3
    year, month = start.year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@pytest.fixture(scope="module")
def year_fr(tmp_path_factory: pytest.TempPathFactory) -> tuple[Team, AuditReport]:
    team = synthetic_team(600)
    return team, run(team, tmp_path_factory.mktemp("fr"))


def test_charts_are_png_images_of_the_announced_size(year_fr: tuple[Team, AuditReport]) -> None:
    _, report = year_fr
    assert [p.name for p in report.chart_paths] == ["note-moyenne.png", "mentions-par-mois.png"]
    for path in report.chart_paths:
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == (800, 400)
            colors = image.convert("RGB").getcolors(maxcolors=100_000)
            assert colors is not None and len(colors) > 20  # something was drawn


def test_html_is_self_contained_with_the_charts_embedded(
    year_fr: tuple[Team, AuditReport],
) -> None:
    _, report = year_fr
    soup = soup_of(report.html_path)
    assert report.html_path.name == "etat-des-lieux-2026-03-10.html"
    assert soup.html is not None and soup.html.get("lang") == "fr"
    images = soup.find_all("img")
    assert len(images) == 2
    for img, path in zip(images, report.chart_paths, strict=True):
        src = str(img["src"])
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]) == path.read_bytes()
    assert not soup.find_all(["script", "link", "iframe"])
    assert all(not str(tag.get("src", "")).startswith("http") for tag in soup.find_all(src=True))


def test_html_counts_and_averages_per_watched_name(year_fr: tuple[Team, AuditReport]) -> None:
    team, report = year_fr
    rows = section_table(soup_of(report.html_path), "Par nom surveillé")
    assert len(rows) == len(team.watches)
    for row, watch in zip(rows, team.watches, strict=True):
        mine = [m for m in team.mentions if watch.id in m.watch_ids]
        ratings = [m.rating for m in mine if m.rating is not None]
        negative = sum(m.severity is Severity.NEGATIVE for m in mine)
        open_risky = sum(bool(m.flags) and m.handled_at is None for m in mine)
        assert row[1].startswith(watch.display)
        assert row[2] == str(len(mine))
        assert row[3] == shown_rating(ratings)
        assert row[5] == f"{int(Fraction(100 * negative, len(mine)) + Fraction(1, 2))}{THIN}%"
        assert row[6] == str(open_risky)
    everyone = [m.rating for m in team.mentions if m.rating is not None]
    page = report.html_path.read_text(encoding="utf-8")
    assert f"<b>{shown_rating(everyone)}</b>note moyenne ({len(everyone)} avis notés)" in page
    assert f"<b>{len(team.mentions)}</b>mentions trouvées" in page


def test_html_lists_every_open_legal_risk_with_its_deadline(
    year_fr: tuple[Team, AuditReport],
) -> None:
    team, report = year_fr
    rows = section_table(soup_of(report.html_path), "Avis à risque juridique")
    risky = {m.id: m for m in team.mentions if m.flags and m.handled_at is None}
    assert len(risky) > 5
    assert {int(r[0].split()[0].lstrip("#")) for r in rows} == set(risky)
    for row in rows:
        m = risky[int(row[0].split()[0].lstrip("#"))]
        last_day = three_months_after(m)
        assert row[4].startswith(format_date(last_day, "fr"))
        left = (last_day - local_date(NOW, PARIS)).days
        if left > 1:
            assert f"dans {left} jours" in row[4]
        elif left < 0:
            assert f"dépassé depuis {-left} jour" in row[4]
        assert ("(estimation)" in row[4]) == (m.published_at is None)
    open_first = [not r[4].count("dépassé") for r in rows]
    assert open_first == sorted(open_first, reverse=True)  # the actionable ones come first


def test_html_shows_the_failing_source_and_its_error(year_fr: tuple[Team, AuditReport]) -> None:
    team, report = year_fr
    soup = soup_of(report.html_path)
    rows = section_table(soup, "Par source")
    by_number = {r[0]: r for r in rows}
    assert "en échec (4)" in by_number["S4"][5]
    assert "fonctionne" in by_number["S1"][5]
    assert "premier passage en attente" in by_number["S5"][5]
    for number, source in enumerate(team.sources, 1):
        count = sum(m.source_id == source.id for m in team.mentions)
        assert by_number[f"S{number}"][2] == str(count)
    removed = [r for r in rows if r[0] == "—"]
    assert len(removed) == 1 and "retirée" in removed[0][5]
    assert removed[0][2] == str(sum(m.source_id == REMOVED_SOURCE for m in team.mentions))
    failing = next(h for h in soup.find_all("h2") if h.get_text().startswith("Sources en échec"))
    items = failing.find_next("ul")
    assert isinstance(items, Tag)
    text = items.get_text(" ")
    assert "S4" in text and FAILING_ERROR in text and "4 échecs de suite" in text


def test_html_suggests_the_missing_searches(year_fr: tuple[Team, AuditReport]) -> None:
    _, report = year_fr
    soup = soup_of(report.html_path)
    h2 = next(h for h in soup.find_all("h2") if h.get_text() == "Recherches à ajouter")
    ul = h2.find_next("ul")
    assert isinstance(ul, Tag)
    commands = [c.get_text() for c in ul.find_all("code")]
    # Watch 1 has its news search; 3 (a practice) has a Google listing; 4 (a practice) has none.
    assert commands == [
        "/source actus 2",
        "/source actus 3",
        "/source actus 4",
        "/source google PLACE_ID pour 4",
    ]
    assert "Centre dentaire Bellecour est un cabinet sans fiche Google" in ul.get_text()


def test_chat_summary_has_the_figures_and_the_files(year_fr: tuple[Team, AuditReport]) -> None:
    team, report = year_fr
    text = report.summary.plain_text
    assert text.startswith("📋 État des lieux — Cabinet des Lilas")
    assert f"{len(team.mentions)} mentions trouvées pour 4 noms surveillés, par 5 sources." in text
    for number, watch in enumerate(team.watches, 1):
        count = sum(watch.id in m.watch_ids for m in team.mentions)
        assert f"{number}. {watch.display} — {count} mentions" in text
    risky = sum(bool(m.flags) and m.handled_at is None for m in team.mentions)
    assert f"Avis à risque juridique à traiter : {risky}" in text
    assert f"S4 Page web · avis.exemple.fr (.review) — 4 échec(s) : {FAILING_ERROR}" in text
    assert "/source google PLACE_ID pour 4" in text
    assert len(text) < 4096  # one Telegram message
    files = report.summary.attachments
    assert [a.mime_type for a in files] == ["text/html", "image/png", "image/png"]
    assert files[0].path == report.html_path and not files[0].is_image
    assert [a.path for a in files[1:]] == report.chart_paths and all(a.is_image for a in files[1:])


def test_english_report(tmp_path: Path) -> None:
    team = synthetic_team(300)
    report = run(team, tmp_path, "en")
    soup = soup_of(report.html_path)
    assert soup.html is not None and soup.html.get("lang") == "en"
    assert report.html_path.name == "audit-2026-03-10.html"
    ratings = [m.rating for m in team.mentions if m.rating is not None]
    page = report.html_path.read_text(encoding="utf-8")
    assert f"<b>{shown_rating(ratings, '.')}</b>average rating" in page
    assert "/source news 2" in page and "/source places PLACE_ID for 4" in page
    assert "Average rating: " + shown_rating(ratings, ".") in report.summary.plain_text
    assert "Failing sources: 1" in report.summary.plain_text
    assert [p.name for p in report.chart_paths] == ["average-rating.png", "mentions-per-month.png"]


def test_rounding_and_trend_on_known_figures(tmp_path: Path) -> None:
    base = synthetic_team(0)

    def mention(k: int, rating: int, days_ago: int, severity: Severity) -> StoredMention:
        when = NOW - timedelta(days=days_ago)
        return StoredMention(
            id=k,
            team_id=1,
            source_id=13,
            source_kind="places",
            source_label="ChIJ",
            external_id=f"k{k}",
            url=None,
            title=None,
            text="Avis.",
            author=None,
            rating=rating,
            published_at=when,
            detected_at=when,
            content_hash=str(k),
            severity=severity,
            flags=frozenset(),
            cues=(),
            watch_ids=(3,),
        )

    good, bad = Severity.POSITIVE, Severity.NEGATIVE
    mentions = [
        mention(1, 4, 10, good),
        mention(2, 5, 20, good),
        mention(3, 4, 30, good),
        mention(4, 4, 40, good),  # last 90 days: 4, 5, 4, 4 → 4,25 → 4,3
        mention(5, 2, 100, bad),
        mention(6, 3, 120, Severity.NEUTRAL),  # the 90 days before: 2,5
        mention(7, 1, 300, bad),  # older: counts in the overall average only
    ]
    team = Team(base.settings, base.watches, base.sources, mentions)
    report = run(team, tmp_path)
    tally = report.stats.watches[2].tally
    assert (tally.total, tally.rated, tally.negative) == (7, 7, 2)
    assert tally.recent_average == 4.25 and tally.previous_average == 2.5
    rows = section_table(soup_of(report.html_path), "Par nom surveillé")
    lilas = rows[2]
    assert lilas[2:4] == ["7", "3,3/5"]  # 23 / 7 = 3,29
    assert lilas[4] == "4,3/5 ↗ +1,8 (90 jours précédents : 2,5/5)"
    assert lilas[5] == f"29{THIN}%"
    text = report.summary.plain_text
    assert "Note moyenne : 3,3/5 (7 avis notés)" in text
    assert "90 derniers jours : 4,3/5 (↗ +1,8 ; 90 jours précédents : 2,5/5)" in text
    assert (
        "3. Cabinet des Lilas — 7 mentions · 3,3/5 · 29 % négatives".replace(" %", f"{THIN}%")
        in text
    )


def test_team_with_nothing_found_gets_a_useful_report(tmp_path: Path) -> None:
    base = synthetic_team(0)
    team = Team(base.settings, base.watches[:2], [], [])
    report = run(team, tmp_path)
    assert report.chart_paths == []
    assert report.stats.overall.average is None and report.stats.overall.negative_share is None
    soup = soup_of(report.html_path)
    assert not soup.find_all("img")
    page = soup.get_text(" ")
    assert "Aucune mention n'a été trouvée pour l'instant." in page
    assert "Aucune source n'est encore configurée" in page
    text = report.summary.plain_text
    assert "0 mention trouvée pour 2 noms surveillés, par 0 source." in text
    assert "Aucune mention trouvée pour l'instant." in text
    assert "Aucune source n'est configurée" in text
    for command in ("/source flux https://www.google.com/alerts/feeds/…", "/source actus 1",
                    "/source actus 2"):  # fmt: skip
        assert command in text and command in page
    assert "Note moyenne" not in text  # no « —/5 » nor a division by zero


def test_team_with_no_watch_is_told_to_add_one(tmp_path: Path) -> None:
    base = synthetic_team(0)
    report = run(Team(base.settings, [], [], []), tmp_path)
    assert "/surveiller Dr Marie Dupont, dermatologue, Lyon" in report.summary.plain_text
    assert "Aucun nom n'est encore surveillé." in soup_of(report.html_path).get_text(" ")


def test_one_month_of_data_draws_one_month(tmp_path: Path) -> None:
    team = synthetic_team(40)
    recent = [
        m for m in team.mentions if NOW - (m.published_at or m.detected_at) < timedelta(days=9)
    ]
    assert recent
    report = run(Team(team.settings, team.watches, team.sources, recent), tmp_path)
    assert len(report.stats.months) == 1 and report.stats.months[0].total == len(recent)
    for path in report.chart_paths:
        with Image.open(path) as image:
            assert image.size == (800, 400)


async def test_two_teams_at_once_in_worker_threads(tmp_path: Path) -> None:
    """As the router runs it: `asyncio.to_thread`, two `/bilan` at the same moment."""
    team = synthetic_team(300)
    first, second = await asyncio.gather(
        asyncio.to_thread(run, team, tmp_path / "a"),
        asyncio.to_thread(run, team, tmp_path / "b", "en"),
    )
    for a, b in zip(first.chart_paths, second.chart_paths, strict=True):
        assert a.read_bytes() != b.read_bytes()  # French and English labels
        for path in (a, b):
            with Image.open(path) as image:
                image.verify()
    assert first.stats.overall == second.stats.overall
