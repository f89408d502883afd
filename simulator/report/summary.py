"""The executive summary: every strategy that detectably differs on each objective.

For each objective of :mod:`simulator.metrics.registry`, in its order: the strategies
detectably better than the baseline (largest effect first), those detectably worse,
and one clause naming those that cannot be told apart from it; then the margin and ROI
of every strategy that detectably spends more on its programme. Numbers are written by
:mod:`simulator.report.format`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from simulator.experiment.results import ComparisonResult
from simulator.experiment.stats import (
    BASELINE,
    BETTER,
    INCREMENTAL_ROI,
    MARGIN_PER_COST,
    WORSE,
)
from simulator.metrics import registry
from simulator.report.format import (
    change_scale,
    compact_change,
    decimals,
    finite,
    fmt_diff,
    fmt_interval,
    fmt_value,
    listed,
    numbers,
)

__all__ = [
    "KpiFinding",
    "RoiFinding",
    "change_text",
    "detection",
    "executive_summary",
    "roi_findings",
    "summary_lines",
    "warmup_days",
    "warmup_text",
]


@dataclass(frozen=True)
class KpiFinding:
    """What the comparison found on one objective KPI.

    Attributes
    ----------
    better, worse
        One phrase per strategy detectably better (worse) than the baseline, largest
        effect first: "premium raises net margin by 0.8% (95% CI 0.2% to 1.3%)".
    undetected
        One clause naming the strategies not distinguishable from the baseline, with
        the replications that would detect the largest of them, read after "no
        detectable difference:"; empty if none.
    """

    metric: str
    heading: str
    baseline_level: str
    better: tuple[str, ...]
    worse: tuple[str, ...]
    undetected: str


@dataclass(frozen=True)
class RoiFinding:
    """The return on one strategy's extra programme spend, in words, with its verdict."""

    strategy: str
    text: str
    verdict: str


def _identical(row: pd.Series) -> bool:
    return bool(row["diff"] == 0 and row["diff_ci_low"] == 0 and row["diff_ci_high"] == 0)


def change_text(metric: str, row: pd.Series, base_mean: float) -> str:
    """'raises net margin by 4.1% (95% CI 2.8% to 5.3%)', for one row of the table.

    The change is read in points for rates and scores and in percent of the baseline
    otherwise (:func:`~simulator.report.format.change_scale`); against a baseline
    level of 0, in the metric's own units.
    """
    label = registry.get(metric).label
    diff, low, high = float(row["diff"]), float(row["diff_ci_low"]), float(row["diff_ci_high"])
    if _identical(row):
        return f"leaves {label} unchanged in every replication"
    verb = "raises" if diff > 0 else "lowers"
    sign = 1.0 if diff > 0 else -1.0
    lo, hi = sorted((sign * low, sign * high)) if finite(low) else (math.nan, math.nan)
    scale = change_scale(metric, base_mean)
    if scale is None:
        # No level to take a percentage of (a cost the baseline does not have): the
        # change in the metric's own units.
        if finite(lo) and low <= 0 <= high:
            ci = fmt_interval(metric, low, high, diff=True)
            return f"changes {label} by {fmt_diff(metric, diff)} (95% CI {ci})"
        ci = f" (95% CI {fmt_interval(metric, lo, hi)})" if finite(lo) else ""
        return f"{verb} {label} by {fmt_value(metric, abs(diff))}{ci}"
    factor, unit = scale
    if not finite(lo):
        (a,) = numbers([abs(diff) * factor])
        return f"{verb} {label} by {a}{unit}"
    first = unit if unit == "%" else ""
    if low <= 0 <= high:
        # The interval straddles 0: signed numbers read better than "lowers by -1.5".
        values = [diff * factor, low * factor, high * factor]
        a, b, c = (f"{v:+.{decimals(values)}f}" for v in values)
        return f"changes {label} by {a}{unit} (95% CI {b}{first} to {c}{unit})"
    a, b, c = numbers([abs(diff) * factor, lo * factor, hi * factor])
    return f"{verb} {label} by {a}{unit} (95% CI {b}{first} to {c}{unit})"


def detection(need: Any, replications: int) -> str:
    """'about 12 replications would detect', for a difference not yet detected.

    ``need`` is :func:`~simulator.experiment.stats.replications_needed`, a normal
    approximation: at a handful of replications it can come out at or below the number
    run although the t-interval still straddles 0, a borderline case said as such.
    Empty when there is nothing to detect (``need`` missing).
    """
    if not finite(need):
        return ""
    if need > replications:
        return f"about {int(need)} replications would detect"
    return "borderline: a few more replications would likely detect"


def _undetected(metric: str, rows: pd.DataFrame, base_mean: float, replications: int) -> str:
    """'loyalty_card and premium, with 4 replications (about 9 would detect the largest,
    loyalty_card's +0.6 points); price_up, identical in every replication': the
    strategies not told apart from the baseline, read after "no detectable difference:".
    """
    same = rows["diff"].eq(0) & rows["diff_ci_low"].eq(0) & rows["diff_ci_high"].eq(0)
    moving, identical = rows[~same], rows[same]
    parts = []
    if not moving.empty:
        text = f"{listed([str(s) for s in moving['strategy']])}, with {replications} replications"
        largest = moving.loc[moving["diff"].abs().idxmax()]
        detect = detection(largest["replications_needed"], replications)
        if detect:
            amount, _ = compact_change(metric, largest["diff"], None, None, base_mean)
            which = "the largest, " if len(moving) > 1 else ""
            text += f" ({detect} {which}{largest['strategy']}'s {amount})"
        parts.append(text)
    if not identical.empty:
        parts.append(
            f"{listed([str(s) for s in identical['strategy']])}, identical in every replication"
        )
    return "; ".join(parts)


def _phrases(metric: str, ranked: pd.DataFrame, verdict: str, base_mean: float) -> tuple[str, ...]:
    chosen = ranked[ranked["verdict"] == verdict]
    return tuple(
        f"{r['strategy']} {change_text(metric, r, base_mean)}" for _, r in chosen.iterrows()
    )


def executive_summary(result: ComparisonResult) -> list[KpiFinding]:
    """Per objective, direction-aware: who is better, who is worse, who is not told apart.

    Better and worse are the paired verdicts of the comparison table; a KPI with no
    value for the baseline, or no direction, is left out.
    """
    table = result.table
    out: list[KpiFinding] = []
    for objective in registry.objectives():
        metric, direction = objective.name, objective.direction
        rows = table[(table["metric"] == metric) & table["mean"].notna()]
        if direction == 0 or result.baseline not in set(rows["strategy"]):
            continue
        base_mean = float(rows.loc[rows["strategy"] == result.baseline, "mean"].iloc[0])
        others = rows[rows["verdict"] != BASELINE]
        if others.empty:
            continue
        # Largest effect first (one KPI, so one unit: the raw sizes compare).
        ranked = others.assign(size=others["diff"].abs()).sort_values(
            "size", ascending=False, kind="stable"
        )
        rest = others[~others["verdict"].isin([BETTER, WORSE])]
        out.append(
            KpiFinding(
                metric=metric,
                heading=objective.heading,
                baseline_level=fmt_value(metric, base_mean),
                better=_phrases(metric, ranked, BETTER, base_mean),
                worse=_phrases(metric, ranked, WORSE, base_mean),
                undetected=_undetected(metric, rest, base_mean, result.replications),
            )
        )
    return out


def _ci(row: pd.Series, metric: str) -> str:
    if not finite(row["ci_low"]):
        return ""
    return f" (95% CI {fmt_value(metric, row['ci_low'])} to {fmt_value(metric, row['ci_high'])})"


def roi_findings(result: ComparisonResult) -> list[RoiFinding]:
    """Margin per 1.00 of extra programme cost and incremental ROI, in one sentence each.

    A ratio over an extra cost that is indistinguishable from 0 is noise: only
    strategies that detectably spend more than the baseline get one (the table keeps
    all).
    """
    table = result.table
    spenders = table.loc[
        (table["metric"] == "programme_cost") & (table["diff_ci_low"] > 0), "strategy"
    ]
    out = []
    for strategy in spenders:
        mine = table[table["strategy"] == strategy].set_index("metric")
        if MARGIN_PER_COST not in mine.index or INCREMENTAL_ROI not in mine.index:
            continue
        ratio, roi = mine.loc[MARGIN_PER_COST], mine.loc[INCREMENTAL_ROI]

        text = (
            f"{strategy}: each 1.00 of extra programme cost brings back "
            f"{fmt_value(MARGIN_PER_COST, ratio['mean'])} of margin"
            f"{_ci(ratio, MARGIN_PER_COST)} vs {result.baseline}, an incremental ROI of "
            f"{fmt_value(INCREMENTAL_ROI, roi['mean'])}{_ci(roi, INCREMENTAL_ROI)}"
        )
        out.append(RoiFinding(strategy, text, str(roi["verdict"])))
    return out


def warmup_days(result: ComparisonResult) -> int | None:
    """The warm-up of every run, from the metadata or else the resolved scenario."""
    days = result.metadata.get("warmup_days")
    if days is None and isinstance(result.resolved, dict):
        days = (result.resolved.get("run") or {}).get("warmup_days")
    return int(days) if isinstance(days, int | float) and finite(days) else None


def warmup_text(result: ComparisonResult, *, shared: bool = True) -> str:
    """'after a 390-day warm-up, shared by every strategy'; empty when unknown."""
    days = warmup_days(result)
    if days is None:
        return ""
    if days == 0:
        return "with no warm-up (every run starts from the initial draw)"
    return f"after a {days}-day warm-up" + (", shared by every strategy" if shared else "")


def summary_lines(result: ComparisonResult) -> list[str]:
    """The executive summary as plain text: a line per KPI, an indented line per strategy."""
    lines: list[str] = []
    for f in executive_summary(result):
        lines.append(f"{f.heading} ({result.baseline}: {f.baseline_level})")
        lines += [f"  better: {p}" for p in f.better]
        lines += [f"  worse:  {p}" for p in f.worse]
        if f.undetected:
            lines.append(f"  no detectable difference: {f.undetected}")
    roi = roi_findings(result)
    if roi:
        lines.append(registry.get(INCREMENTAL_ROI).heading)
        lines += [f"  {r.text} [{r.verdict}]" for r in roi]
    return lines
