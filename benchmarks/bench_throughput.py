"""Target 1 and 3: end-to-end throughput and peak memory of the full model.

Each repeat runs ``loyalty-sim run`` (every module on, the coffee chain with its points
card) in a fresh process, so set-up, writing results and imports are all counted, and
reads the child's peak resident memory. Prints medians.

    .venv/bin/python benchmarks/bench_throughput.py --customers 1000000 --days 365 --repeats 3
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import SCENARIO, machine, median


def one_run(customers: int, days: int, out: Path) -> tuple[float, int]:
    cmd = [
        sys.executable,
        "-m",
        "simulator.cli.main",
        "run",
        str(SCENARIO),
        "--strategy",
        "loyalty_card",
        "--set",
        f"run.customers={customers}",
        "--set",
        f"run.days={days}",
        "--out",
        str(out),
        "--quiet",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t
    # ru_maxrss of children is the largest child so far: runs go from small to equal size.
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) * 1024
    return wall, peak


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    walls, peaks = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(a.repeats):
            wall, peak = one_run(a.customers, a.days, Path(tmp) / f"run{k}")
            walls.append(wall)
            peaks.append(peak)
            print(
                f"  repeat {k + 1}: {wall:6.1f} s  "
                f"{a.customers * a.days / wall / 1e6:5.2f} M customer-days/s"
                f"  peak RSS {peak / 1e6:6.0f} MB",
                flush=True,
            )
    wall = median(walls)
    print(f"machine: {machine()}")
    print(
        f"full model, {a.customers:,} customers x {a.days} days, end to end (set-up, run, writing)"
    )
    print(f"  median wall time        {wall:8.1f} s   (target < 40 s for 10^6 x 365)")
    print(
        f"  median throughput       {a.customers * a.days / wall / 1e6:8.2f} "
        "M customer-days/s (target >= 10)"
    )
    print(
        f"  peak resident memory    {max(peaks) / a.customers:8.0f} "
        "bytes per customer (target <= 1000)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
