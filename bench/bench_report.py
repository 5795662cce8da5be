"""Times `/bilan`'s report (figures, two charts, the HTML page) for 1,000 and 10,000 mentions.

Run: `.venv/bin/python -m bench.bench_report [--runs 3]`. Target: under 3 s for a team with
10,000 mentions, charts included. Prints the one-off cost of loading matplotlib (paid by the
first `/bilan` of a process), the first report (templates and fonts loaded on the way), the
median of the following runs, the sizes of the HTML page and the PNG charts, and the peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.report import AuditReport, build_report, warm_up
from tests.test_report_synth import NOW, Team, synthetic_team

TARGET_S = 3.0
SIZES = (1_000, 10_000)


def once(team: Team, out_dir: Path) -> tuple[float, AuditReport]:
    """One report, timed."""
    started = time.perf_counter()
    report = build_report(
        team=team.settings,
        watches=team.watches,
        sources=team.sources,
        mentions=team.mentions,
        now=NOW,
        tz=ZoneInfo("Europe/Paris"),
        language="fr",
        out_dir=out_dir,
    )
    return time.perf_counter() - started, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="timed runs after the first")
    args = parser.parse_args()
    started = time.perf_counter()
    warm_up()  # what the first /bilan of a process pays once, unless warmed up at start
    print(f"loading matplotlib (once per process): {time.perf_counter() - started:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            team = synthetic_team(size)
            first, report = once(team, Path(tmp) / f"first-{size}")
            runs = [once(team, Path(tmp) / f"run-{size}-{k}")[0] for k in range(args.runs)]
            median = statistics.median(runs) if runs else first
            html_kib = report.html_path.stat().st_size / 1024
            pngs = ", ".join(
                f"{p.name} {p.stat().st_size / 1024:.0f} KiB" for p in report.chart_paths
            )
            verdict = "OK" if max(first, median) < TARGET_S else "OVER TARGET"
            print(
                f"{len(team.mentions):>6} mentions: first {first:.2f} s, median of {len(runs)} "
                f"{median:.2f} s (target < {TARGET_S:.0f} s: {verdict}); "
                f"HTML {html_kib:.0f} KiB; {pngs}"
            )
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
