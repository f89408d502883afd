"""A plain-language recommendation from a comparison table, with its caveats.

The rule reads the registry's objectives (:func:`simulator.metrics.registry.objectives`):
the first (net margin) is what the firm is after, the second (annual retention) what
it must not give up for it, since margin bought by losing customers is paid back
later. A strategy is preferred when it is detectably better than the baseline on the
first without being detectably worse on the second; "detectably" is the paired
verdict of :func:`simulator.experiment.stats.comparison_table`. A pure function of the
table and a few numbers, so the rule is tested on hand-made tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from simulator.experiment.results import ComparisonResult
from simulator.experiment.stats import BETTER, WORSE
from simulator.metrics import registry
from simulator.report.format import compact_change, finite, listed
from simulator.report.summary import detection, warmup_days

__all__ = ["Recommendation", "caveats", "recommend", "recommendation"]

Kind = Literal["prefer", "trade-off", "keep baseline", "none"]


@dataclass(frozen=True)
class Recommendation:
    """What to do, on what grounds, and what the answer rests on.

    Attributes
    ----------
    kind
        ``prefer`` (one strategy wins), ``trade-off`` (better on the first objective
        only at the cost of the second), ``keep baseline`` (nothing detectably better)
        or ``none`` (the first objective has no value).
    strategy
        The strategy to prefer; ``None`` unless ``kind`` is ``prefer``.
    text
        The recommendation in sentences.
    caveats
        What the answer rests on, always stated: replications, warm-up, common random
        numbers, assumed parameters, the model's known limitations.
    """

    kind: Kind
    strategy: str | None
    text: str
    caveats: tuple[str, ...]


def caveats(replications: int, warmup: int | None, failed_runs: int = 0) -> tuple[str, ...]:
    """The caveats every recommendation carries (docs/model.md, known limitations)."""
    if warmup is None:
        start = "an unrecorded warm-up"
    elif warmup == 0:
        start = (
            "no warm-up: every run starts from the initial draw, whose transient is in the results"
        )
    else:
        start = f"a {warmup}-day warm-up shared by every strategy (not reported)"
    out = [
        f"{replications} replications per strategy, each after {start}.",
        "Differences are paired over common random numbers: replication k of every "
        "strategy starts from the same market and meets the same customers and the same "
        "luck, so a difference comes from the strategy; intervals are 95% paired "
        "t-intervals.",
        "This is a simulation, not a forecast: many parameters are assumed ([A] in "
        "docs/model.md), not estimated from the firm's data. Trust the differences "
        "between strategies more than the levels.",
        "Programme effects do not erode in the model, while in the field they fade 6-9 "
        "months after joining (Meyer-Waarden & Benavent 2009): a programme's gains over "
        "a longer horizon are likely overstated.",
    ]
    if failed_runs:
        out.append(f"{failed_runs} runs failed and are left out of every figure.")
    return tuple(out)


def _rows(table: pd.DataFrame, metric: str, baseline: str) -> pd.DataFrame:
    return table[(table["metric"] == metric) & (table["strategy"] != baseline)]


def recommend(
    table: pd.DataFrame,
    *,
    baseline: str,
    replications: int,
    warmup: int | None,
    failed_runs: int = 0,
) -> Recommendation:
    """Which strategy to prefer, from the paired verdicts of a comparison table.

    Parameters
    ----------
    table
        :func:`simulator.experiment.stats.comparison_table`.
    baseline
        The strategy the others were compared with.
    replications, warmup, failed_runs
        Stated in the caveats: replications per strategy, warm-up days (``None`` if
        unknown) and runs that failed.

    Returns
    -------
    Recommendation
        Among the strategies detectably better on the first objective and not
        detectably worse on the second, the one with the largest estimated gain; if
        every strategy better on the first is worse on the second, a trade-off; if
        none is better, keep the baseline, with the replications that would detect the
        largest estimated gain.
    """
    notes = caveats(replications, warmup, failed_runs)
    goal, guard = registry.objectives()[:2]
    goal_mean, guard_mean = (_level(table, m.name, baseline) for m in (goal, guard))
    goals = _rows(table, goal.name, baseline)
    if goals.empty or not finite(goal_mean):
        return Recommendation("none", None, f"No recommendation: {goal.label} has no value.", notes)
    ranked = goals.assign(gain=goals["diff"] * goal.direction).sort_values(
        "gain", ascending=False, kind="stable"
    )
    better = ranked[ranked["verdict"] == BETTER]
    guards = _rows(table, guard.name, baseline).set_index("strategy")
    hurt = set(guards.index[guards["verdict"] == WORSE])
    safe = better[~better["strategy"].isin(hurt)]
    costly = [
        f"{r['strategy']} is detectably better on {goal.label} "
        f"({_amount(r, goal.name, goal_mean)}) but detectably worse on {guard.label} "
        f"({_amount(guards.loc[r['strategy']], guard.name, guard_mean)})"
        for _, r in better[better["strategy"].isin(hurt)].iterrows()
    ]
    if not safe.empty:
        pick = safe.iloc[0]
        name = str(pick["strategy"])
        text = (
            f"Prefer {name}: it is detectably better than {baseline} on {goal.label} "
            f"({_amount(pick, goal.name, goal_mean)}) without being detectably worse on "
            f"{guard.label}."
        )
        losses = _losses(table, name, exclude=(goal.name, guard.name))
        if losses:
            text += f" It is detectably worse on {listed(losses)}: weigh that against the gain."
        runners = [str(s) for s in safe["strategy"].iloc[1:]]
        if runners:
            text += (
                f" {listed(runners)} also qualif{'ies' if len(runners) == 1 else 'y'}, with a "
                f"smaller estimated gain; the strategies were each compared with {baseline}, "
                "not with one another, so that ranking is a point estimate."
            )
        if costly:
            text += " Passed over: " + "; ".join(costly) + "."
        return Recommendation("prefer", name, text, notes)
    if costly:
        text = (
            f"No clear winner: {'; '.join(costly)}. A trade-off for the team to weigh; "
            f"otherwise keep {baseline}."
        )
        return Recommendation("trade-off", None, text, notes)
    text = (
        f"Keep {baseline}: no strategy is detectably better than the baseline on "
        f"{goal.label} with {replications} replications"
    )
    hopeful = ranked[ranked["gain"] > 0]
    if hopeful.empty:
        return Recommendation(
            "keep baseline", None, text + "; none even shows an estimated gain.", notes
        )
    top = hopeful.iloc[0]
    detect = detection(top["replications_needed"], replications)
    amount, _ = compact_change(goal.name, top["diff"], None, None, goal_mean)
    text += f". The largest estimated gain is {top['strategy']}'s ({amount})"
    text += f"; {detect} it." if detect else "."
    return Recommendation("keep baseline", None, text, notes)


def _level(table: pd.DataFrame, metric: str, baseline: str) -> float:
    """The baseline's mean of ``metric``; nan if it has none."""
    level = table.loc[(table["metric"] == metric) & (table["strategy"] == baseline), "mean"]
    return float(level.iloc[0]) if len(level) else math.nan


def _amount(row: pd.Series, metric: str, base_mean: float) -> str:
    """'+0.8%, 95% CI +0.2% to +1.3%': a paired difference in the registry's units."""
    value, ci = compact_change(
        metric, row["diff"], row["diff_ci_low"], row["diff_ci_high"], base_mean
    )
    return f"{value}, 95% CI {ci}"


def _losses(table: pd.DataFrame, strategy: str, exclude: tuple[str, ...]) -> list[str]:
    """Labels of the other objectives on which ``strategy`` is detectably worse."""
    mine = table[(table["strategy"] == strategy) & (table["verdict"] == WORSE)]
    worse = set(mine["metric"])
    return [m.label for m in registry.objectives() if m.name in worse and m.name not in exclude]


def recommendation(result: ComparisonResult) -> Recommendation:
    """:func:`recommend` for a comparison, its warm-up read from its metadata."""
    return recommend(
        result.table,
        baseline=result.baseline,
        replications=result.replications,
        warmup=warmup_days(result),
        failed_runs=len(result.failures),
    )
