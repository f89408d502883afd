"""Target 5: `compare` with 2 jobs against 1 job, when each run takes over 5 s.

.venv/bin/python benchmarks/bench_parallel.py --customers 150000 --replications 4 --repeats 2
"""

from __future__ import annotations

import argparse
import sys
import time

from _common import SCENARIO, machine, median

from simulator.compare import run_comparison
from simulator.scenario import load_yaml


def timed(jobs: int, customers: int, replications: int) -> float:
    sc = load_yaml(SCENARIO)
    t = time.perf_counter()
    run_comparison(
        sc,
        ["status_quo", "premium"],
        replications,
        jobs,
        "status_quo",
        {"run.customers": customers},
        None,
        False,
    )
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=150_000)
    ap.add_argument("--replications", type=int, default=4)
    ap.add_argument("--repeats", type=int, default=2)
    a = ap.parse_args()
    runs = 2 * a.replications
    one = median([timed(1, a.customers, a.replications) for _ in range(a.repeats)])
    two = median([timed(2, a.customers, a.replications) for _ in range(a.repeats)])
    print(f"machine: {machine()}")
    print(
        f"compare: 2 strategies x {a.replications} replications, "
        f"{a.customers:,} customers x 365 days"
    )
    print(f"  --jobs 1: {one:7.1f} s  ({one / runs:5.1f} s per run)")
    print(f"  --jobs 2: {two:7.1f} s")
    print(f"  speed-up: {one / two:5.2f}x  (target >= 1.7 when runs take > 5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
