"""Google API calls counted per source and per day, and the month's Places cost estimated.

Places API (New) is billed per call by SKU; Business Profile is free (quota only). Figures from
the Google Maps Platform pricing list in force since 1 March 2025 (developers.google.com/maps/
billing-and-pricing/pricing), per billing account and calendar month:
- Place Details with `reviews` (an Atmosphere field) on top of `rating` and `userRatingCount`
  (Enterprise fields) is « Place Details Enterprise + Atmosphere »: 1,000 free calls, then
  US$25 per 1,000;
- Text Search returning `rating` and `userRatingCount` is « Text Search Enterprise »: 1,000 free
  calls, then US$35 per 1,000.
The free allowance belongs to the Google Cloud billing account behind the API key, so it is
shared by every team of this server: the estimate counts them all.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bot.clock import utcnow

DETAILS_FREE_PER_MONTH = 1_000
DETAILS_USD_PER_1000 = 25.0
SEARCH_FREE_PER_MONTH = 1_000
SEARCH_USD_PER_1000 = 35.0
DAYS_KEPT = 40
MONTH_DAYS = 30.4
FILE_NAME = "google_usage.json"

_LOCKS: defaultdict[Path, asyncio.Lock] = defaultdict(asyncio.Lock)


def _file(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def _read(path: Path) -> dict[str, dict[str, dict[str, int]]]:
    """{"sources": {"team:source:kind": {day: n}}, "searches": {"team": {day: n}}}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"sources": {}, "searches": {}}
    out: dict[str, dict[str, dict[str, int]]] = {"sources": {}, "searches": {}}
    if not isinstance(data, dict):
        return out
    for section in ("sources", "searches"):
        block = data.get(section)
        if not isinstance(block, dict):
            continue
        for key, days in block.items():
            if isinstance(days, dict):
                out[section][str(key)] = {
                    str(d): int(n) for d, n in days.items() if isinstance(n, int)
                }
    return out


def _write(path: Path, data: dict[str, dict[str, dict[str, int]]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _prune(days: dict[str, int], today: date) -> dict[str, int]:
    oldest = (today - timedelta(days=DAYS_KEPT)).isoformat()
    return {d: n for d, n in days.items() if d >= oldest}


async def _add(data_dir: Path, section: str, key: str, calls: int) -> None:
    path = _file(data_dir)
    today = utcnow().date()
    async with _LOCKS[path]:
        data = await asyncio.to_thread(_read, path)
        days = _prune(data[section].get(key, {}), today)
        days[today.isoformat()] = days.get(today.isoformat(), 0) + calls
        data[section][key] = days
        await asyncio.to_thread(_write, path, data)


async def record_calls(
    data_dir: Path, team_id: int, source_id: int, kind: str, calls: int = 1
) -> None:
    """Count the Google calls one poll of a source made (Places or Business Profile)."""
    if calls > 0:
        await _add(data_dir, "sources", f"{team_id}:{source_id}:{kind}", calls)


async def record_search(data_dir: Path, team_id: int) -> None:
    """Count one Text Search call (`/source google NOM VILLE`)."""
    await _add(data_dir, "searches", str(team_id), 1)


@dataclass(frozen=True, slots=True)
class SourceUsage:
    """One source's Google calls: today, and the daily mean over the last 7 days."""

    source_id: int
    kind: str
    today: int
    daily_mean: float


@dataclass(frozen=True, slots=True)
class UsageReport:
    """What `/statut` shows about Google calls and the month's Places bill."""

    sources: dict[int, SourceUsage]
    team_details_month: int
    server_details_month: int
    server_searches_month: int
    details_projected: int
    searches_projected: int

    @property
    def estimated_usd(self) -> float:
        """The month's projected Places cost beyond the free allowances, in US dollars."""
        details = max(0, self.details_projected - DETAILS_FREE_PER_MONTH)
        searches = max(0, self.searches_projected - SEARCH_FREE_PER_MONTH)
        return details * DETAILS_USD_PER_1000 / 1000 + searches * SEARCH_USD_PER_1000 / 1000


def _month_total(days: dict[str, int], today: date) -> int:
    prefix = today.isoformat()[:7]
    return sum(n for d, n in days.items() if d.startswith(prefix))


async def usage_report(
    data_dir: Path, team_id: int, places_intervals: dict[int, int] | None = None
) -> UsageReport:
    """Calls per source for one team, and the server's Places month projected.

    `places_intervals` maps every active Places source of the server to its polling interval
    (seconds): the projection adds what they will still call before the month ends.
    """
    path = _file(data_dir)
    data = await asyncio.to_thread(_read, path)
    today = utcnow().date()
    week = [(today - timedelta(days=i)).isoformat() for i in range(7)]
    sources: dict[int, SourceUsage] = {}
    team_month = server_month = 0
    for key, days in data["sources"].items():
        team, _, rest = key.partition(":")
        source, _, kind = rest.partition(":")
        if not (team.isdigit() and source.isdigit()):
            continue
        month = _month_total(days, today)
        if kind == "places":
            server_month += month
            if int(team) == team_id:
                team_month += month
        if int(team) == team_id:
            sources[int(source)] = SourceUsage(
                source_id=int(source),
                kind=kind,
                today=days.get(today.isoformat(), 0),
                daily_mean=sum(days.get(d, 0) for d in week) / 7,
            )
    searches = sum(_month_total(days, today) for days in data["searches"].values())
    next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    remaining_s = (next_month - today).days * 86_400 - (utcnow().hour * 3600 + utcnow().minute * 60)
    still = sum(max(0, remaining_s) // max(i, 1) for i in (places_intervals or {}).values())
    return UsageReport(
        sources=sources,
        team_details_month=team_month,
        server_details_month=server_month,
        server_searches_month=searches,
        details_projected=server_month + still,
        searches_projected=searches,
    )


def monthly_calls(interval_s: int) -> int:
    """Place Details calls one listing makes in a month at this polling interval."""
    return round(MONTH_DAYS * 86_400 / max(interval_s, 1))
