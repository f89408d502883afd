"""Welch's procedure for the warm-up length (docs/model.md §10; Welch 1983; Law & Kelton).

Runs the baseline of every shipped scenario from its initial state (no warm-up, no
scheduled change) over a long horizon for several replications, averages each daily
KPI over the replications, smooths it with a centred moving average, and finds the day
after which the smoothed curve stays within a tolerance of its steady level (the mean of
the last third). The default warm-up is the longest of these, rounded up to 30 days.
Writes the curves to a PNG and prints the table.

    .venv/bin/python scripts/welch.py --replications 5 --days 1095 --customers 20000 \\
        --out docs/figures/welch.png
"""

from __future__ import annotations

import argparse
import math
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
# KPI, tolerance, relative (True: share of the level; False: absolute units): half the
# tolerance of stylized fact 12 (docs/model.md §9), which compares the halves of a
# reported year. After the warm-up, the trend of the smoothed curve must not move it by
# more than this over a half-year. Active customers get the whole tolerance: where much
# of the market has yet to adopt the firm (telecom, airline), Bass diffusion keeps a
# slow trend that no warm-up removes.
KPIS = (
    ("nps", 1.5, False),
    ("satisfaction_mean", 0.005, True),
    ("customers_active", 0.05, True),
    ("defection_rate", 0.05, True),
    ("wom_ratio", 0.05, True),
)
HALF_YEAR = 182
YEAR = 365
WINDOW = 91  # days in the centred moving average of levels
FLOW_WINDOW = 181  # and of the ratios of flows, which are noisier


def one_run(task: tuple[str, int, int, int]) -> pd.DataFrame:
    """Daily KPIs of one baseline replication, from the initial state."""
    import simulator as ls

    name, seed, days, customers = task
    mapping = ls.load_yaml(ROOT / "scenarios" / f"{name}.yaml")
    mapping.pop("strategies", None)
    mapping["schedule"] = []
    for comp in mapping.get("market", {}).get("competitors", []):
        comp.pop("offers", None)  # dated in the reported window: not part of the baseline
    for prog in [mapping.get("firm", {}).get("programme") or {}]:
        prog.pop("campaigns", None)
    overrides = {"run.days": days, "run.customers": customers, "run.warmup_days": 0}
    res = ls.run(mapping, seed=seed, overrides=overrides)
    m = res.metrics
    tot = m[(m["segment"] == "") & (m["tier"] == "")]
    wide = tot.pivot_table(index="day", columns="metric", values="value", aggfunc="first")
    out = pd.DataFrame(index=wide.index)
    out["nps"] = wide["nps"]
    out["satisfaction_mean"] = wide["satisfaction_mean"]
    out["customers_active"] = wide["customers_active"]
    out["defected"] = wide["defected"]
    out["wom_positive"] = wide["wom_positive"]
    out["wom_negative"] = wide["wom_negative"]
    out["scenario"], out["seed"] = name, seed
    return out.reset_index()


def smooth(daily: pd.DataFrame) -> pd.DataFrame:
    """Mean over replications, then the centred moving average of each KPI."""
    mean = daily.groupby("day").mean(numeric_only=True)
    roll = mean.rolling(WINDOW, center=True, min_periods=WINDOW)
    out = pd.DataFrame(index=mean.index)
    out["nps"] = roll.mean()["nps"]
    out["satisfaction_mean"] = roll.mean()["satisfaction_mean"]
    out["customers_active"] = roll.mean()["customers_active"]
    # Flows: ratios of sums over the window, not means of daily ratios.
    sums = mean.rolling(FLOW_WINDOW, center=True, min_periods=FLOW_WINDOW).sum()
    out["defection_rate"] = sums["defected"] / sums["customers_active"]
    out["wom_ratio"] = sums["wom_positive"] / sums["wom_negative"].replace(0, np.nan)
    return out


def truncation(curve: pd.Series, tol: float, relative: bool, noise: float = 0.0) -> int:
    """First day after which the smoothed curve has flattened: its trend over the year
    ahead (a least-squares slope) moves it by no more than ``tol`` over a half-year, the
    halves of a reported year (nor by more than 3 standard errors, ``noise``). A trend,
    not the gap between two points, so a passing wiggle of a noisy flow is not a drift."""
    c = curve.dropna()
    days = c.index.to_numpy(dtype=float)
    values = c.to_numpy()
    level = np.abs(values[int(len(values) * 2 / 3) :].mean())
    band = max(tol * level if relative else tol, 3.0 * noise)
    flagged = []
    for i in range(0, len(values) - YEAR):
        x, y = days[i : i + YEAR], values[i : i + YEAR]
        slope = np.polyfit(x, y, 1)[0]
        if abs(slope) * HALF_YEAR > band:
            flagged.append(i)
    if not flagged:
        return int(days[0])
    return int(days[min(flagged[-1] + 1, len(days) - 1)])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=5)
    ap.add_argument("--days", type=int, default=1095)
    ap.add_argument("--customers", type=int, default=20_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "figures" / "welch.png")
    ap.add_argument("--scenarios", default="")
    ap.add_argument("--save", type=Path, help="also write the daily KPIs of every run")
    ap.add_argument("--load", type=Path, help="analyse the daily KPIs saved by --save")
    a = ap.parse_args()
    names = (
        a.scenarios.split(",")
        if a.scenarios
        else sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
    )
    names = [n for n in names if n != "cdnow_baseline"]  # a closed cohort: no warm-up
    if a.load:
        daily = pd.read_parquet(a.load)
    else:
        tasks = [(n, 100 + k, a.days, a.customers) for n in names for k in range(a.replications)]
        with ProcessPoolExecutor(a.jobs) as pool:
            frames = list(pool.map(one_run, tasks))
        daily = pd.concat(frames, ignore_index=True)
    if a.save:
        daily.to_parquet(a.save)
    rows = []
    curves = {}
    for name in names:
        runs = daily[daily["scenario"] == name]
        curve = smooth(runs.drop(columns=["scenario", "seed"]))
        curves[name] = curve
        # Standard error of a half-year difference of the mean curve, from the spread of
        # the replications' own smoothed curves.
        each = [smooth(g.drop(columns=["scenario", "seed"])) for _, g in runs.groupby("seed")]
        for kpi, tol, rel in KPIS:
            stack = np.vstack([e[kpi].to_numpy() for e in each])
            spread = np.nanstd(stack[:, ~np.isnan(stack).any(axis=0)], axis=0, ddof=1)
            se = float(np.mean(spread)) / np.sqrt(len(each))
            rows.append((name, kpi, truncation(curve[kpi], tol, rel, noise=np.sqrt(2) * se)))
    table = pd.DataFrame(rows, columns=["scenario", "kpi", "day"])
    wide = table.pivot(index="scenario", columns="kpi", values="day")
    wide["warm-up"] = wide.max(axis=1)
    print(wide.to_string())
    chosen = int(math.ceil(wide["warm-up"].max() / 30.0) * 30)
    print(f"default warm-up: {chosen} days (the longest, rounded up to 30 days)")
    _plot(curves, wide, chosen, a.out)
    print(f"figure: {a.out}")
    return 0


def _plot(curves: dict, wide: pd.DataFrame, chosen: int, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, axes = plt.subplots(len(KPIS), 1, figsize=(8, 2.2 * len(KPIS)), sharex=True)
    for ax, (kpi, _tol, _rel) in zip(axes, KPIS, strict=True):
        for name, curve in curves.items():
            c = curve[kpi]
            level = c.iloc[int(len(c) * 2 / 3) :].mean()
            ax.plot(c.index, c / level if level else c, label=name, lw=1)
        ax.axvline(chosen, color="black", ls="--", lw=1)
        ax.set_ylabel(f"{kpi}\n/ steady level", fontsize=8)
    axes[0].legend(fontsize=7, ncol=3)
    axes[-1].set_xlabel("day (baseline from its initial state)")
    fig.suptitle(
        f"Welch's procedure: {WINDOW}-day moving averages ({FLOW_WINDOW} for flows); "
        f"warm-up {chosen} days"
    )
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    sys.exit(main())
