"""Run every benchmark (or those named on the command line); exit non-zero if any misses."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import bench


def main(argv: list[str]) -> int:
    names = sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules(bench.__path__)
        if m.name.startswith("bench_")
    )
    wanted = [a for a in argv if not a.startswith("-")] or names
    unknown = set(wanted) - set(names)
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have: {', '.join(names)}")
        return 2
    failed: list[str] = []
    for name in wanted:
        print(f"\n=== bench {name} ===", flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench.bench_{name}")
        rc = module.main([a for a in argv if a.startswith("-")])
        verdict = "ok" if rc == 0 else "MISSED"
        print(f"=== {name}: {verdict} ({time.perf_counter() - started:.1f} s)")
        if rc:
            failed.append(name)
    if failed:
        print(f"\nbudgets missed: {', '.join(failed)}")
        return 1
    print("\nall budgets met")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
