"""`make bench`: run every benchmark in turn; each prints its own figures."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import bench


def main() -> None:
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    only = set(sys.argv[1:])
    for name in names:
        if only and name.removeprefix("bench_") not in only and name not in only:
            continue
        print(f"== {name}")
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        saved, sys.argv = sys.argv, [name]
        try:
            module.main()
        finally:
            sys.argv = saved
        print(f"   ({time.perf_counter() - started:.1f} s)\n")


if __name__ == "__main__":
    main()
