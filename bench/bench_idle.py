"""Peak memory of `vigie run` idle: the console, the monitor and delivery, an empty store.

Run: `.venv/bin/python -m bench.bench_idle [--seconds 3]`. Reads VmHWM/VmRSS from /proc.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def status_kib(pid: int, field: str) -> int:
    """A VmXXX field of /proc/PID/status, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")} | {
            "VIGIE_DATABASE": f"{tmp}/v.db",
            "VIGIE_DATA_DIR": f"{tmp}/data",
            "VIGIE_LOG_LEVEL": "WARNING",
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "vigie", "run"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            env=env,
            cwd=tmp,
        )
        time.sleep(args.seconds)
        peak = status_kib(process.pid, "VmHWM")
        rss = status_kib(process.pid, "VmRSS")
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)
    print(
        f"vigie run idle after {args.seconds:.0f} s: "
        f"RSS {rss / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB"
    )


if __name__ == "__main__":
    main()
