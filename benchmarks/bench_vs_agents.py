"""Issue 6, target 2: the vectorised model against one ``mesa.Agent`` per customer.

Builds the coffee_chain scenario at ``--customers`` customers with the modules the
yardstick (``agent_yardstick.py``) lacks switched off, copies the very same initial
customers into the yardstick, and times both side by side in one process: the
vectorised ``LoyaltyModel`` over ``--days-fast`` days, the yardstick over
``--days-slow`` days (it is slow), each ``--repeats`` times. Speed is compared per
customer-day; only ``model.step()`` is timed, not building the models nor loading
the compiled kernels (a small model is stepped first, once per process). A second line
compares the full model (every module on, the loyalty_card strategy) with the same
yardstick.

    .venv/bin/python benchmarks/bench_vs_agents.py --customers 100000 --repeats 3

Prints the machine, a table of median customer-days per second and the ratios, and a
sanity table (focal visits, purchases, defections per customer-day and mean
satisfaction of both models) showing that both run the same rules. Exits 0.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np
from agent_yardstick import YardstickModel

from simulator.config.loading import load_yaml
from simulator.engine.model import LoyaltyModel
from simulator.engine.state import ACTIVE
from simulator.experiment.run import build_model

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "coffee_chain.yaml"
# The modules the yardstick does not have, switched off so the core rules meet like for like.
CORE_ONLY = {
    "modules.programme": False,
    "modules.word_of_mouth": False,
    "modules.acquisition": False,
    "modules.complaints": False,
    "modules.winback": False,
}
FULL_STRATEGY = "loyalty_card"
TARGET = 100.0


def machine() -> str:
    """One line naming the platform, CPU and library versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.platform()} | {cpu} | {os.cpu_count()} CPUs | "
        f"Python {platform.python_version()} | numpy {np.__version__} | "
        f"Mesa {metadata.version('mesa')}"
    )


def timed_steps(model, days: int, *, snapshot_day: int | None = None) -> tuple[float, dict | None]:
    """Seconds spent in ``model.step()`` over ``days`` days (and a report at one day)."""
    seconds = 0.0
    snapshot = None
    for day in range(1, days + 1):
        start = time.perf_counter()
        model.step()
        seconds += time.perf_counter() - start
        if day == snapshot_day:
            snapshot = vectorised_report(model)
    return seconds, snapshot


def vectorised_report(model: LoyaltyModel) -> dict[str, float]:
    """The yardstick's report, computed from the vectorised model's totals and arrays."""
    p = model.pop
    cd = p.n * max(model.day, 1)
    active = p.alive & (p.relationship == ACTIVE)
    t = model.totals
    return {
        "days": float(model.day),
        "focal_visits_per_customer_day": t.focal_visits / cd,
        "category_purchases_per_customer_day": t.category_purchases / cd,
        "defections_per_customer_day": t.defected / cd,
        "left_category_per_customer_day": t.left_category / cd,
        "active_customers": float(active.sum()),
        "mean_satisfaction_active": float(p.satisfaction[active].mean()) if active.any() else 0.0,
    }


def warm_up(scenario: dict, seed: int) -> None:
    """Load the compiled kernels once (numba's cache), as any run's start-up does."""
    small = {"run.customers": 2_000}
    for strategy, overrides in ((None, {**CORE_ONLY, **small}), (FULL_STRATEGY, small)):
        model, _ = build_model(scenario, strategy=strategy, overrides=overrides, seed=seed)
        for _ in range(8):
            model.step()


def run_once(scenario: dict, args: argparse.Namespace) -> dict[str, object]:
    """One repeat: the yardstick, the core vectorised model and the full model, timed
    in interleaved blocks (a yardstick day, then the vectorised models' share of days)
    so that all three see the same state of a noisy machine."""
    overrides = {**CORE_ONLY, "run.customers": args.customers}
    core, _ = build_model(scenario, overrides=overrides, seed=args.seed, source=str(SCENARIO))
    # Built before the core model steps: both start from the same customers.
    yard = YardstickModel(core)
    full, _ = build_model(
        scenario,
        strategy=FULL_STRATEGY,
        overrides={"run.customers": args.customers},
        seed=args.seed,
        source=str(SCENARIO),
    )
    # 10^5 long-lived agent objects would slow every later garbage collection; frozen,
    # the collector skips them (this helps the yardstick as much as the others).
    gc.collect()
    gc.freeze()
    slow_s = fast_s = full_s = 0.0
    fast_at_slow = None
    per_block = args.days_fast // args.days_slow
    for block in range(args.days_slow):
        seconds, _ = timed_steps(yard, 1)
        slow_s += seconds
        days = per_block if block < args.days_slow - 1 else args.days_fast - core.day
        for _ in range(days):
            seconds, _ = timed_steps(core, 1)
            fast_s += seconds
            if core.day == args.days_slow:
                fast_at_slow = vectorised_report(core)
        seconds, _ = timed_steps(full, days)
        full_s += seconds
    slow_report = yard.report()
    fast_report = vectorised_report(core)
    del yard, core, full
    gc.unfreeze()
    gc.collect()

    cd_slow = args.customers * args.days_slow
    cd_fast = args.customers * args.days_fast
    return {
        "yardstick": cd_slow / slow_s,
        "vectorised": cd_fast / fast_s,
        "full": cd_fast / full_s,
        "reports": (slow_report, fast_at_slow, fast_report),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=100_000, help="customers (default 100000)")
    ap.add_argument("--days-fast", type=int, default=30, help="days of the vectorised models")
    ap.add_argument("--days-slow", type=int, default=3, help="days of the yardstick")
    ap.add_argument("--repeats", type=int, default=3, help="repeats; medians are reported")
    ap.add_argument("--seed", type=int, default=1, help="run seed (default 1)")
    args = ap.parse_args(argv)
    for name in ("customers", "days_fast", "days_slow", "repeats"):
        if getattr(args, name) < 1:
            ap.error(f"--{name.replace('_', '-')}={getattr(args, name)} must be >= 1")
    if args.days_slow > args.days_fast:
        ap.error(f"--days-slow={args.days_slow} must be <= --days-fast={args.days_fast}")

    scenario = load_yaml(SCENARIO)
    print(f"machine: {machine()}")
    print(
        f"scenario: coffee_chain, {args.customers:,} customers, seed {args.seed}; "
        f"vectorised {args.days_fast} days, yardstick {args.days_slow} days; "
        f"{args.repeats} repeats (only model.step() is timed)"
    )
    warm_up(scenario, args.seed)
    runs = []
    for r in range(1, args.repeats + 1):
        res = run_once(scenario, args)
        runs.append(res)
        print(
            f"  repeat {r}: yardstick {res['yardstick']:,.0f}, vectorised core "
            f"{res['vectorised']:,.0f}, vectorised full {res['full']:,.0f} customer-days/s "
            f"(core {res['vectorised'] / res['yardstick']:.0f}x)",
            flush=True,
        )

    med = {k: statistics.median(r[k] for r in runs) for k in ("yardstick", "vectorised", "full")}
    rows = [
        ("yardstick: mesa.Agent per customer, core rules", args.days_slow, "yardstick"),
        ("vectorised LoyaltyModel, core rules", args.days_fast, "vectorised"),
        (f"vectorised LoyaltyModel, all modules ({FULL_STRATEGY})", args.days_fast, "full"),
    ]
    print()
    print(f"{'model':<58}{'days':>6}{'customer-days/s':>18}{'s per day':>12}")
    for label, days, key in rows:
        print(f"{label:<58}{days:>6}{med[key]:>18,.0f}{args.customers / med[key]:>12.3f}")
    # The ratio of each repeat, measured side by side, then their median.
    core_ratio = statistics.median(r["vectorised"] / r["yardstick"] for r in runs)
    full_ratio = statistics.median(r["full"] / r["yardstick"] for r in runs)
    verdict = "meets" if core_ratio >= TARGET else "misses"
    print()
    print(
        f"speed-up, core rules vs yardstick (median of the repeats' ratios):  {core_ratio:,.1f}x "
        f"({verdict} the {TARGET:.0f}x target)"
    )
    print(f"speed-up, all modules vs yardstick (median of the repeats' ratios): {full_ratio:,.1f}x")

    slow, fast_at_slow, fast = runs[-1]["reports"]
    print()
    print("sanity, last repeat (flows per customer-day since day 0; state at the end):")
    heads = (
        f"yardstick day {args.days_slow:g}",
        f"vectorised day {args.days_slow:g}",
        f"vectorised day {args.days_fast:g}",
    )
    print(f"{'':<38}" + "".join(f"{h:>18}" for h in heads))
    for key in slow:
        if key == "days":
            continue
        vals = (slow[key], fast_at_slow[key] if fast_at_slow else float("nan"), fast[key])
        fmt = "{:>18,.0f}" if key == "active_customers" else "{:>18.5f}"
        print(f"{key:<38}" + "".join(fmt.format(v) for v in vals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
