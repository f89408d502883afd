"""The executive summary: the best strategy on each objective, in plain sentences.

Objectives, their order and their directions are those declared in
:mod:`simulator.metrics.registry`; numbers are written by :mod:`simulator.report.format`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from simulator.experiment.results import ComparisonResult
from simulator.experiment.stats import INCREMENTAL_ROI, NO_DIFFERENCE
from simulator.metrics import registry
from simulator.report.format import decimals, finite, fmt_diff, fmt_value, numbers

__all__ = ["Finding", "executive_summary", "summary_lines"]


@dataclass(frozen=True)
class Finding:
    """One line of the executive summary: the KPI, a sentence and a verdict badge."""

    metric: str
    label: str
    text: str
    verdict: str


def _change(metric: str, row: pd.Series, base_mean: float, baseline: str) -> str:
    """'premium raises net margin by 4.1% (95% CI 2.8% to 5.3%) vs status_quo'."""
    declared = registry.get(metric)
    label = declared.label
    diff, low, high = float(row["diff"]), float(row["diff_ci_low"]), float(row["diff_ci_high"])
    who = row["strategy"]
    if diff == 0 and low == 0 and high == 0:
        return f"{who} leaves {label} unchanged vs {baseline} in every replication"
    verb = "raises" if diff > 0 else "lowers"
    sign = 1.0 if diff > 0 else -1.0
    lo, hi = sorted((sign * low, sign * high)) if finite(low) else (math.nan, math.nan)
    if declared.points is not None:
        # Rates and scores: a change is read in points, not in percent of the level.
        scale, unit = declared.points, " points"
    elif finite(base_mean) and base_mean != 0:
        scale, unit = 100.0 / abs(base_mean), "%"
    else:
        amount = fmt_value(metric, abs(diff)).lstrip("+")
        ci = ""
        if finite(lo):
            ci = f" (95% CI {fmt_diff(metric, lo)} to {fmt_diff(metric, hi)})"
        return f"{who} {verb} {label} by {amount}{ci} vs {baseline}"
    if not finite(lo):
        (a,) = numbers([abs(diff) * scale])
        return f"{who} {verb} {label} by {a}{unit} vs {baseline}"
    if low <= 0 <= high:
        # The interval straddles 0: signed numbers read better than "lowers by -1.5".
        a, b, c = (
            f"{float(x):+.{decimals([diff * scale, low * scale, high * scale])}f}"
            for x in (diff * scale, low * scale, high * scale)
        )
        first = unit if unit == "%" else ""
        return f"{who} changes {label} by {a}{unit} (95% CI {b}{first} to {c}{unit}) vs {baseline}"
    a, b, c = numbers([abs(diff) * scale, lo * scale, hi * scale])
    first = unit if unit == "%" else ""
    return f"{who} {verb} {label} by {a}{unit} (95% CI {b}{first} to {c}{unit}) vs {baseline}"


def _identical(row: pd.Series) -> bool:
    return bool(row["diff"] == 0 and row["diff_ci_low"] == 0 and row["diff_ci_high"] == 0)


def _undetectable(row: pd.Series, replications: int) -> str:
    need = row["replications_needed"]
    text = f"; not distinguishable from no change with {replications} replications"
    if finite(need) and need > replications:
        text += f" (about {int(need)} would detect a difference this size)"
    return text


def executive_summary(result: ComparisonResult) -> list[Finding]:
    """The best strategy on each objective, direction-aware, with its paired interval.

    Where the baseline is best, the sentence gives the closest alternative instead. A
    strategy with a programme also gets its incremental ROI against the baseline.
    """
    table = result.table
    out: list[Finding] = []
    for objective in registry.objectives():
        metric, label, direction = objective.name, objective.label, objective.direction
        rows = table[(table["metric"] == metric) & table["mean"].notna()]
        if len(rows) < 2 or direction == 0 or result.baseline not in set(rows["strategy"]):
            continue
        base = rows[rows["strategy"] == result.baseline].iloc[0]
        ranked = rows.assign(score=rows["mean"] * direction).sort_values(
            "score", ascending=False, kind="stable"
        )
        best = ranked.iloc[0]
        if best["strategy"] != result.baseline:
            text = _change(metric, best, base["mean"], result.baseline)
            if best["verdict"] == NO_DIFFERENCE and not _identical(best):
                text += _undetectable(best, result.replications)
            out.append(Finding(metric, label, text + ".", best["verdict"]))
            continue
        runner = ranked[ranked["strategy"] != result.baseline].iloc[0]
        text = f"the baseline {result.baseline} is best ({fmt_value(metric, base['mean'])})"
        verdict = runner["verdict"]
        if _identical(runner):
            text += f", tied with {runner['strategy']} (identical in every replication)"
        else:
            text += "; the closest alternative: " + _change(
                metric, runner, base["mean"], result.baseline
            )
            if verdict == NO_DIFFERENCE:
                text += _undetectable(runner, result.replications)
            else:
                verdict = "baseline best"
        out.append(Finding(metric, label, text + ".", verdict))
    # A ratio over an extra cost that is indistinguishable from 0 is noise: only
    # strategies that detectably spend more get an ROI sentence (the table keeps all).
    spenders = set(
        table.loc[(table["metric"] == "programme_cost") & (table["diff_ci_low"] > 0), "strategy"]
    )
    roi_label = registry.get(INCREMENTAL_ROI).label
    for _, row in table[
        (table["metric"] == INCREMENTAL_ROI) & table["strategy"].isin(spenders)
    ].iterrows():
        ci = ""
        if finite(row["ci_low"]):
            ci = f" (95% CI {row['ci_low']:,.2f} to {row['ci_high']:,.2f})"
        text = (
            f"each 1.00 of extra programme cost in {row['strategy']} returns "
            f"{row['mean']:,.2f} of margin before that cost{ci} vs {result.baseline}; "
            "above 1.00 the extra spend pays for itself."
        )
        out.append(Finding(INCREMENTAL_ROI, roi_label, text, row["verdict"]))
    return out


def summary_lines(result: ComparisonResult) -> list[str]:
    """The executive summary as plain text lines (for the terminal)."""
    return [f"{f.label}: {f.text} [{f.verdict}]" for f in executive_summary(result)]
