"""Target 4: time grows linearly with customers and with days.

Times the daily step of the full model (coffee chain with its points card) over a
range of population sizes and run lengths and fits the exponent b of time ~ size^b
on a log-log scale (b = 1 is linear). Medians of --repeats runs.

    .venv/bin/python benchmarks/bench_scaling.py --repeats 3
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from _common import SCENARIO, machine, median

from simulator.config.loading import load_yaml
from simulator.experiment.run import build_model


def step_time(customers: int, days: int) -> float:
    sc = load_yaml(SCENARIO)
    model, _ = build_model(
        sc, strategy="loyalty_card", overrides={"run.customers": customers, "run.days": days}
    )
    t = time.perf_counter()
    for _ in range(days):
        model.step()
    return time.perf_counter() - t


def fit(sizes: list[int], times: list[float]) -> float:
    return float(np.polyfit(np.log(sizes), np.log(times), 1)[0])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--days", type=int, default=60)
    a = ap.parse_args()
    print(f"machine: {machine()}")
    sizes = [10_000, 30_000, 100_000, 300_000, 1_000_000]
    times = []
    for n in sizes:
        t = median([step_time(n, a.days) for _ in range(a.repeats)])
        times.append(t)
        print(
            f"  {n:>9,} customers x {a.days} days: {t:7.2f} s  "
            f"{n * a.days / t / 1e6:5.2f} M customer-days/s",
            flush=True,
        )
    print(f"exponent in customers (10^4 to 10^6): {fit(sizes, times):.3f}  (1 = linear)")
    print(f"exponent in customers (10^5 to 10^6): {fit(sizes[2:], times[2:]):.3f}")
    # Below 1 because a day has a fixed cost (Python dispatch, SimPy, metrics) that small
    # populations do not amortise: time per day = fixed + per-customer x customers.
    per_customer, fixed = np.polyfit(sizes, np.array(times) / a.days, 1)
    print(
        f"time per day = {fixed * 1e3:.2f} ms + {per_customer * 1e9:.1f} ns x customers "
        "(least squares over the sizes above)"
    )
    day_list = [30, 90, 270]
    dtimes = []
    for d in day_list:
        t = median([step_time(100_000, d) for _ in range(a.repeats)])
        dtimes.append(t)
        print(f"  100,000 customers x {d:>3} days: {t:7.2f} s", flush=True)
    print(f"exponent in days (30 to 270): {fit(day_list, dtimes):.3f}  (1 = linear)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
