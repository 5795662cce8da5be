"""Triage speed and memory with the learned model: mentions/s on one core, p99, load, RSS.

Run: `.venv/bin/python -m bench triage` (or `-m bench.bench_triage [--rounds 3]`). Reads every
labelled corpus text in tests/data; the targets are ≥ 200 mentions/s, p99 < 50 ms and
< 400 MB RSS once the model is loaded.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.bench_idle import status_kib

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def _texts() -> list[tuple[str, str | None, int | None]]:
    out = []
    for path in sorted(DATA.glob("holdout*-mentions.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            item = json.loads(line)
            out.append((item["text"], item.get("title"), item.get("rating")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import os

    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rss_before = status_kib(os.getpid(), "VmRSS")
    from bot.triage import learned as triage_learned

    started = time.perf_counter()
    model = triage_learned.read_model(triage_learned.MODEL_PATH)
    load_s = time.perf_counter() - started
    del model
    from bot.triage.classify import triage

    texts = _texts()
    triage(*texts[0][:1])  # the first triage reads the lexicons and the model
    latencies: list[float] = []
    total_started = time.perf_counter()
    for _ in range(args.rounds):
        for text, title, rating in texts:
            t0 = time.perf_counter()
            triage(text, title=title, rating=rating)
            latencies.append(time.perf_counter() - t0)
    total = time.perf_counter() - total_started
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    rss = status_kib(os.getpid(), "VmRSS")
    peak = status_kib(os.getpid(), "VmHWM")
    size = triage_learned.MODEL_PATH.stat().st_size
    print(
        f"triage (rules + learned model, one core): {len(latencies) / total:.0f} mentions/s, "
        f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms "
        f"over {len(latencies)} mentions"
    )
    print(
        f"model: file {size / 1e6:.2f} MB, load {load_s * 1000:.0f} ms; RSS before import "
        f"{rss_before / 1024:.1f} MiB, after first triage {rss / 1024:.1f} MiB "
        f"(peak {peak / 1024:.1f} MiB)"
    )


if __name__ == "__main__":
    main()
