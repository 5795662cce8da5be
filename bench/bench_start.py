"""What the start report costs: the doctor's local checks, with and without a browser.

Run: `.venv/bin/python -m bench.bench_start [--runs 20]`. Target: well under 1 s (it runs
before the adapters start; it makes no network call).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.settings import load_settings
from vigie.app import open_services
from vigie.ops.start_report import start_report

TARGET_S = 1.0


async def _time(runs: int, chromium: str | None) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            _env_file=None,
            database=Path(tmp) / "v.db",
            data_dir=Path(tmp) / "data",
            chromium_path=chromium,
        )
        services = await open_services(settings)
        try:
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                await start_report(services, ["console"])
                times.append(time.perf_counter() - started)
        finally:
            await services.store.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    for label, chromium in (("navigateur trouvé", None), ("sans navigateur", "/nonexistent")):
        times = asyncio.run(_time(args.runs, chromium))
        worst = max(times)
        verdict = "OK" if worst < TARGET_S else "TROP LENT"
        print(
            f"bilan de démarrage, {label} : médiane {statistics.median(times) * 1000:.0f} ms, "
            f"pire {worst * 1000:.0f} ms sur {args.runs} (cible < 1 s) : {verdict}"
        )


if __name__ == "__main__":
    main()
