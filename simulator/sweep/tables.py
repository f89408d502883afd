"""From the tidy parts to per-point tables: levels, paired differences, replication noise.

A *target* is what a sensitivity index is computed for: an outcome's level under one
strategy (``kind="level"``), or a strategy's paired difference against the baseline
(``kind="difference"``), which answers what drives the *choice*, not only the level.
The difference is taken replication by replication (same seed, same warmed-up market)
before averaging: the pairing removes the luck the strategies share.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats as sps

from simulator.experiment.stats import LEVEL, Interval, verdict

__all__ = ["differences", "levels", "noise", "replicate_table"]

KEYS = ["point", "strategy", "metric"]


def replicate_table(parts: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """``point, replication`` x ``(strategy, metric)``: one value per run, outcomes only."""
    rows = parts[parts["metric"].isin(outcomes)]
    return rows.pivot_table(
        index=["point", "replication"],
        columns=["strategy", "metric"],
        values="value",
        aggfunc="first",
        dropna=False,
    ).sort_index()


def _summaries(values: pd.DataFrame) -> pd.DataFrame:
    """Mean, sd, n and a t interval per point, for each column of a replicate table."""
    grouped = values.groupby(level="point")
    mean, sd, n = grouped.mean(), grouped.std(ddof=1), grouped.count()
    out = []
    for column in values.columns:
        frame = pd.DataFrame(
            {"mean": mean[column], "sd": sd[column], "n": n[column].astype(np.int64)}
        )
        dof = (frame["n"] - 1).clip(lower=1)
        t = sps.t.ppf(0.5 + LEVEL / 2, dof)
        half = t * frame["sd"].fillna(0.0) / np.sqrt(frame["n"].clip(lower=1))
        frame["ci_low"] = np.where(frame["n"] >= 2, frame["mean"] - half, np.nan)
        frame["ci_high"] = np.where(frame["n"] >= 2, frame["mean"] + half, np.nan)
        frame["strategy"], frame["metric"] = column
        out.append(frame.reset_index())
    return pd.concat(out, ignore_index=True)


def levels(table: pd.DataFrame) -> pd.DataFrame:
    """``point, strategy, metric, mean, sd, n, ci_low, ci_high`` of each outcome."""
    return _summaries(table)[[*KEYS, "mean", "sd", "n", "ci_low", "ci_high"]]


def differences(
    table: pd.DataFrame, baseline: str, strategies: list[str], outcomes: Mapping[str, int]
) -> pd.DataFrame:
    """Each strategy minus the baseline, paired by replication, with its verdict per point.

    Columns ``point, strategy, metric, diff, sd, n, ci_low, ci_high, verdict``; the
    verdict reads the interval in the outcome's direction (better, worse, or no
    detectable difference).
    """
    paired = {}
    for strategy in strategies:
        if strategy == baseline:
            continue
        for metric in outcomes:
            paired[(strategy, metric)] = table[(strategy, metric)] - table[(baseline, metric)]
    if not paired:
        return pd.DataFrame(columns=[*KEYS, "diff", "sd", "n", "ci_low", "ci_high", "verdict"])
    frame = _summaries(pd.DataFrame(paired))
    frame = frame.rename(columns={"mean": "diff"})
    frame["verdict"] = [
        verdict(Interval(d, lo, hi, int(n)), outcomes[m])
        for d, lo, hi, n, m in zip(
            frame["diff"],
            frame["ci_low"],
            frame["ci_high"],
            frame["n"],
            frame["metric"],
            strict=True,
        )
    ]
    return frame[[*KEYS, "diff", "sd", "n", "ci_low", "ci_high", "verdict"]]


def noise(
    table: pd.DataFrame, baseline: str, strategies: list[str], outcomes: Mapping[str, int]
) -> pd.DataFrame:
    """How much of each target's variance over runs is replication noise.

    The variance of single runs splits into the mean variance within a point (luck:
    another seed, same parameters) and the variance of the point means (the
    parameters): ``noise_share`` is the first over their sum. Indices are computed on
    point means, whose own noise is the within variance divided by the replications.
    """
    rows = []
    columns: dict[tuple[str, str, str], pd.Series] = {}
    for strategy in strategies:
        for metric in outcomes:
            columns[(metric, strategy, "level")] = table[(strategy, metric)]
            if strategy != baseline:
                columns[(metric, strategy, "difference")] = (
                    table[(strategy, metric)] - table[(baseline, metric)]
                )
    for (metric, strategy, kind), values in columns.items():
        grouped = values.groupby(level="point")
        within = float(grouped.var(ddof=1).mean())
        between = float(grouped.mean().var(ddof=1))
        reps = float(grouped.count().mean())
        total = within + between
        share = within / total if total > 0 and math.isfinite(total) else math.nan
        # The noise left in a point mean, as a share of the point means' variance.
        of_means = within / reps / between if between > 0 and reps > 0 else math.nan
        rows.append(
            {
                "metric": metric,
                "strategy": strategy,
                "kind": kind,
                "within_var": within,
                "between_var": between,
                "noise_share": share,
                "noise_share_of_means": of_means,
            }
        )
    return pd.DataFrame(rows)
