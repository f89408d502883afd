"""Speed of ``calibrate`` and ``holdout`` end to end (issue 13, item 6).

Prints two figures, each the median of ``--repeats`` runs of the command in a fresh
process (imports and numba compilation included, as a user meets them):

1. ``calibrate`` on the shipped CDNOW sample (2,357 customers), default settings;
   target under 5 minutes on 2 cores;
2. ``holdout`` on a log of 25,000 customers, default settings; target under 10
   minutes. The log is made by the simulator itself: ``cdnow_baseline`` with 25,000
   customers over 78 weeks, its focal transactions (Parquet), split at week 39.

Usage::

    python benchmarks/bench_calibration.py [--repeats 1]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine, median

CDNOW = ROOT / "data" / "cdnow" / "cdnow_sample.csv"


def _cli(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "simulator.cli", *args, "--quiet"],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cal = ["calibrate", str(CDNOW), *"--amount-col amount --calibration-end 1997-09-30".split()]
        runs = [_cli(*cal, "--out", str(work / f"c{k}.yaml")) for k in range(args.repeats)]
        print(f"calibrate, CDNOW sample (2,357 customers): median {median(runs):.1f} s")
        log_dir = work / "log"
        # A log of 25,000 customers over 78 weeks, made by the simulator itself.
        make = "run scenarios/cdnow_baseline.yaml --set run.customers=25000 --set run.days=546"
        _cli(*make.split(), "--transactions", "focal", "--no-plots", "--out", str(log_dir))
        log = log_dir / "transactions.parquet"
        ho = "--amount-col spend --calibration-end 2026-09-30 --holdout-end 2027-06-30".split()
        runs = [
            _cli("holdout", str(log), *ho, "--out", str(work / f"h{k}"))
            for k in range(args.repeats)
        ]
        print(f"holdout, 25,000 customers, 39 + 39 weeks: median {median(runs):.1f} s")


if __name__ == "__main__":
    main()
