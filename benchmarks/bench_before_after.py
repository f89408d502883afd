"""Two checkouts side by side: `loyalty-sim run` end to end, alternating, same machine.

Used to show that a restructure made nothing slower: each repeat runs the coffee chain
with its points card at the given size in a fresh process of each checkout, one after
the other, so both see the same machine load. Prints each checkout's median and the
ratio.

    .venv/bin/python benchmarks/bench_before_after.py /work/before /work/main \\
        --customers 1000000 --days 365 --repeats 5

Each checkout needs its own virtual environment in ``<checkout>/.venv``; the first
repeat of each is discarded (numba may compile the kernels on a fresh checkout).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine, median

ARGS = ("--strategy", "loyalty_card", "--quiet", "--no-plots")


def one_run(checkout: Path, customers: int, days: int, out: Path, extra: list[str]) -> float:
    python = checkout / ".venv" / "bin" / "python"
    cmd = [str(python), "-m", "simulator.cli", "run", "scenarios/coffee_chain.yaml", *ARGS]
    cmd += ["--set", f"run.customers={customers}", "--set", f"run.days={days}", *extra]
    cmd += ["--out", str(out)]
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=checkout)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument(
        "--after-set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="--set passed to the second checkout only (e.g. run.warmup_days=0)",
    )
    a = ap.parse_args()
    extra_after = [x for kv in a.after_set for x in ("--set", kv)]
    times: dict[str, list[float]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(a.repeats + 1):
            for name, checkout, extra in (
                ("before", a.before, []),
                ("after", a.after, extra_after),
            ):
                wall = one_run(checkout, a.customers, a.days, Path(tmp) / f"{name}{k}", extra)
                if k > 0:
                    times[name].append(wall)
                print(f"  repeat {k}{' (discarded)' if k == 0 else ''}: {name} {wall:6.1f} s")
    b, c = median(times["before"]), median(times["after"])
    print(f"machine: {machine()}")
    print(f"coffee_chain loyalty_card, {a.customers:,} customers x {a.days} days, end to end")
    print(f"  before ({a.before}): median {b:6.1f} s  {times['before']}")
    print(f"  after  ({a.after}): median {c:6.1f} s  {times['after']}")
    print(f"  after / before: {c / b:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
