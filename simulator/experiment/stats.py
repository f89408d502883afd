"""Statistics of a strategy comparison: intervals, paired differences, verdicts, power.

Replications of a stochastic simulation are independent draws of each KPI, so a mean
comes with a Student t interval. Under common random numbers (replication ``k`` of every
strategy uses the same seed) the per-replication difference against the baseline
cancels the luck both runs share, so the paired interval is the one verdicts rest on;
the unpaired (Welch) interval is kept to show how much the pairing bought.

References
----------
Law, A. M. (2015). *Simulation Modeling and Analysis*, 5th ed., ch. 10: comparing
alternative system configurations (paired-t and Welch confidence intervals).
Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., sec. 6.4: the ratio estimator
and its variance.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from simulator.metrics import registry

LEVEL = 0.95

# Verdict words: the CSV, the HTML colours and the tests read these.
BETTER, WORSE, HIGHER, LOWER = "better", "worse", "higher", "lower"
NO_DIFFERENCE = "no detectable difference"
BASELINE = "baseline"
NOT_AVAILABLE = "n/a"
PAYS_BACK, NO_PAY_BACK = "pays back", "does not pay back"

TABLE_COLUMNS = [
    "strategy",
    "metric",
    "direction",
    "n",
    "mean",
    "ci_low",
    "ci_high",
    "diff",
    "diff_ci_low",
    "diff_ci_high",
    "unpaired_ci_low",
    "unpaired_ci_high",
    "verdict",
    "replications_needed",
]
# Computed by the comparison from the paired net-margin and programme-cost deltas.
MARGIN_PER_COST = "margin_per_programme_cost"
INCREMENTAL_ROI = "programme_roi_incremental"


@dataclass(frozen=True)
class Interval:
    """A point estimate with its confidence interval (``nan`` bounds when undefined)."""

    estimate: float
    low: float
    high: float
    n: int
    sd: float = math.nan

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies inside the closed interval (False if undefined)."""
        return bool(self.low <= value <= self.high)


def _clean(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Values as floats with missing entries (None, nan) dropped."""
    arr = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    return arr[np.isfinite(arr)]


def t_interval(values: Sequence[float] | np.ndarray, level: float = LEVEL) -> Interval:
    """Mean and two-sided Student t interval of independent replications.

    With fewer than two values the interval is undefined (``nan`` bounds); with zero
    spread it collapses onto the mean.
    """
    x = _clean(values)
    n = x.size
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n < 2:
        return Interval(mean, math.nan, math.nan, n)
    sd = float(x.std(ddof=1))
    half = float(sps.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n) if sd > 0 else 0.0
    return Interval(mean, mean - half, mean + half, n, sd)


def paired_difference(
    values: Sequence[float] | np.ndarray,
    baseline: Sequence[float] | np.ndarray,
    level: float = LEVEL,
) -> Interval:
    """Mean of ``values[k] - baseline[k]`` over replications with both present, with its t interval.

    The two sequences are aligned by replication (same seed under common random numbers).
    """
    a = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    b = np.asarray([np.nan if v is None else v for v in baseline], dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired samples differ in length: {a.size} and {b.size}")
    return t_interval(a - b, level)


def welch_interval(
    values: Sequence[float] | np.ndarray,
    baseline: Sequence[float] | np.ndarray,
    level: float = LEVEL,
) -> Interval:
    """Difference of means with the Welch (unequal variances, unpaired) t interval.

    Ignores the pairing on purpose: it is what the comparison would cost with
    independent seeds per strategy.
    """
    a, b = _clean(values), _clean(baseline)
    if a.size == 0 or b.size == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    diff = float(a.mean() - b.mean())
    n = int(min(a.size, b.size))
    if a.size < 2 or b.size < 2:
        return Interval(diff, math.nan, math.nan, n)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se2 = va + vb
    if se2 == 0:
        return Interval(diff, diff, diff, n, 0.0)
    df = se2**2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = float(sps.t.ppf(0.5 + level / 2, df)) * math.sqrt(se2)
    return Interval(diff, diff - half, diff + half, n, math.sqrt(se2))


def verdict(diff: Interval, direction: int) -> str:
    """Read a paired difference interval in the KPI's direction.

    ``direction`` +1 (maximise) or -1 (minimise) gives 'better' or 'worse' when the
    interval excludes 0; a KPI with no preferred direction (0) gets 'higher' or
    'lower'; an interval containing 0 gives 'no detectable difference' and an
    undefined one 'n/a'.
    """
    if not (math.isfinite(diff.low) and math.isfinite(diff.high)):
        return NOT_AVAILABLE
    if diff.low > 0:
        sign = 1
    elif diff.high < 0:
        sign = -1
    else:
        return NO_DIFFERENCE
    if direction == 0:
        return HIGHER if sign > 0 else LOWER
    return BETTER if sign * direction > 0 else WORSE


def replications_needed(
    mean_diff: float, sd_diff: float, *, power: float = 0.8, alpha: float = 0.05
) -> int | None:
    """Paired replications needed to detect a difference of this size.

    The normal-approximation sample size of a two-sided paired test,
    ``n = ((z_{1-alpha/2} + z_{power}) * sd / |mean|)^2`` rounded up: how many
    replications would find a true difference of ``mean_diff`` with probability
    ``power``. ``None`` when the difference or its spread is 0 (nothing to detect, or
    already exact) or undefined.
    """
    if not (math.isfinite(mean_diff) and math.isfinite(sd_diff)) or mean_diff == 0 or sd_diff == 0:
        return None
    z = sps.norm.ppf(1 - alpha / 2) + sps.norm.ppf(power)
    return max(2, math.ceil((z * sd_diff / abs(mean_diff)) ** 2))


def margin_per_cost(
    delta_net_margin: Sequence[float] | np.ndarray,
    delta_programme_cost: Sequence[float] | np.ndarray,
    level: float = LEVEL,
) -> Interval:
    """Margin gained per 1.00 of extra programme cost against the baseline, with its interval.

    ``(delta net_margin + delta programme_cost) / delta programme_cost``: the margin the
    strategy earns over the baseline *before* its extra programme cost, per unit of
    extra programme cost. Net margin already has programme cost taken off, so adding
    the cost back isolates what the spend bought (extra visits, retention,
    word-of-mouth, less the extra acquisition and service costs); dividing by it gives
    what each 1.00 spent brought back. Above 1 the extra spend pays for itself. The
    firm's own ``programme_roi`` KPI is gross (members' margin over cost), not
    incremental: it credits the programme with purchases members would have made
    anyway.

    The deltas are paired by replication. The estimate is the ratio of the mean
    deltas, which is stable when a single replication's extra cost is small, and its
    interval uses the ratio estimator's variance ``var(g - R c) / (n mean(c)^2)``
    (Cochran 1977, 6.4). Undefined (``nan``) unless the mean extra cost is > 0.
    """
    g = np.asarray(delta_net_margin, dtype=float) + np.asarray(delta_programme_cost, dtype=float)
    c = np.asarray(delta_programme_cost, dtype=float)
    ok = np.isfinite(g) & np.isfinite(c)
    g, c = g[ok], c[ok]
    n = int(g.size)
    if n == 0 or c.mean() <= 0:
        return Interval(math.nan, math.nan, math.nan, n)
    ratio = float(g.mean() / c.mean())
    if n < 2:
        return Interval(ratio, math.nan, math.nan, n)
    resid = g - ratio * c
    se = float(resid.std(ddof=1)) / (math.sqrt(n) * float(c.mean()))
    half = float(sps.t.ppf(0.5 + level / 2, n - 1)) * se
    return Interval(ratio, ratio - half, ratio + half, n, se * math.sqrt(n))


def incremental_roi(
    delta_net_margin: Sequence[float] | np.ndarray,
    delta_programme_cost: Sequence[float] | np.ndarray,
    level: float = LEVEL,
) -> Interval:
    """Incremental programme ROI: :func:`margin_per_cost` − 1, interval shifted with it.

    Return on the extra spend net of the spend itself, ``delta net_margin / delta
    programme_cost``: 0 means the extra programme cost only paid for itself, +0.25 that
    each 1.00 spent brought the 1.00 back and 0.25 more. Shifting by a constant leaves
    the ratio estimator's spread unchanged, so the interval moves as a whole.
    """
    ratio = margin_per_cost(delta_net_margin, delta_programme_cost, level)
    return _less_one(ratio)


def _less_one(ratio: Interval) -> Interval:
    return Interval(ratio.estimate - 1, ratio.low - 1, ratio.high - 1, ratio.n, ratio.sd)


def roi_verdict(roi: Interval) -> str:
    """'pays back' if the whole ROI interval is above 0, 'does not pay back' if below."""
    if not (math.isfinite(roi.low) and math.isfinite(roi.high)):
        return NOT_AVAILABLE
    if roi.low > 0:
        return PAYS_BACK
    if roi.high < 0:
        return NO_PAY_BACK
    return NO_DIFFERENCE


def comparison_table(
    kpis: pd.DataFrame,
    strategies: Sequence[str],
    baseline: str,
    replications: int,
    metrics: Sequence[str],
    directions: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """One row per strategy and KPI: mean and interval, paired and unpaired difference.

    Parameters
    ----------
    kpis
        Long table ``strategy, replication, metric, value`` (one final value per run;
        failed runs and missing KPIs simply have no row).
    strategies
        Row order; ``baseline`` must be one of them.
    replications
        Number of replications planned (rows are aligned on ``0 .. replications - 1``).
    metrics
        KPIs in row order; those with no value in any run are left out.
    directions
        KPI -> +1 maximise, -1 minimise, 0 neither; default the registry's
        (:mod:`simulator.metrics.registry`).
    """
    if directions is None:
        directions = registry.directions()
    wide = kpis.pivot_table(
        index=["metric", "strategy"], columns="replication", values="value", aggfunc="first"
    ).reindex(columns=range(replications))
    rows: list[dict] = []
    for metric in metrics:
        if metric not in wide.index.get_level_values(0):
            continue
        base = _row(wide, metric, baseline, replications)
        direction = int(directions.get(metric, 0))
        for strategy in strategies:
            own = _row(wide, metric, strategy, replications)
            mean = t_interval(own)
            row = {
                "strategy": strategy,
                "metric": metric,
                "direction": direction,
                "n": mean.n,
                "mean": mean.estimate,
                "ci_low": mean.low,
                "ci_high": mean.high,
            }
            if strategy == baseline:
                row.update(
                    diff=math.nan,
                    diff_ci_low=math.nan,
                    diff_ci_high=math.nan,
                    unpaired_ci_low=math.nan,
                    unpaired_ci_high=math.nan,
                    verdict=BASELINE,
                    replications_needed=None,
                )
            else:
                paired = paired_difference(own, base)
                welch = welch_interval(own, base)
                row.update(
                    diff=paired.estimate,
                    diff_ci_low=paired.low,
                    diff_ci_high=paired.high,
                    unpaired_ci_low=welch.low,
                    unpaired_ci_high=welch.high,
                    verdict=verdict(paired, direction),
                    replications_needed=replications_needed(paired.estimate, paired.sd),
                )
            rows.append(row)
    rows += _roi_rows(wide, strategies, baseline, replications)
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    table["replications_needed"] = table["replications_needed"].astype("Int64")
    table["n"] = table["n"].astype("int64")
    table["direction"] = table["direction"].astype("int64")
    return table


def _row(wide: pd.DataFrame, metric: str, strategy: str, replications: int) -> np.ndarray:
    if (metric, strategy) in wide.index:
        return wide.loc[(metric, strategy)].to_numpy(dtype=float)
    return np.full(replications, np.nan)


def _roi_rows(
    wide: pd.DataFrame, strategies: Sequence[str], baseline: str, replications: int
) -> list[dict]:
    """Two rows per strategy with a positive mean extra programme cost: margin per 1.00
    of that cost, and the incremental ROI (that − 1)."""
    names = wide.index.get_level_values(0)
    if "net_margin" not in names or "programme_cost" not in names:
        return []
    rows = []
    for strategy in strategies:
        if strategy == baseline:
            continue
        dm = _row(wide, "net_margin", strategy, replications) - _row(
            wide, "net_margin", baseline, replications
        )
        dc = _row(wide, "programme_cost", strategy, replications) - _row(
            wide, "programme_cost", baseline, replications
        )
        ratio = margin_per_cost(dm, dc)
        if not math.isfinite(ratio.estimate):
            continue
        roi = _less_one(ratio)
        # One judgement for both rows: the ratio above 1 is the ROI above 0.
        judged = roi_verdict(roi)
        for metric, interval in ((MARGIN_PER_COST, ratio), (INCREMENTAL_ROI, roi)):
            rows.append(
                {
                    "strategy": strategy,
                    "metric": metric,
                    "direction": registry.METRICS[metric].direction,
                    "n": interval.n,
                    "mean": interval.estimate,
                    "ci_low": interval.low,
                    "ci_high": interval.high,
                    "diff": math.nan,
                    "diff_ci_low": math.nan,
                    "diff_ci_high": math.nan,
                    "unpaired_ci_low": math.nan,
                    "unpaired_ci_high": math.nan,
                    "verdict": judged,
                    "replications_needed": None,
                }
            )
    return rows


def band(values: pd.DataFrame, level: float = LEVEL) -> pd.DataFrame:
    """Per-row mean and t interval across columns (replications): ``mean, low, high``.

    Used for trajectories: rows are days, columns replications. Rows with fewer than
    two values get ``nan`` bounds.
    """
    x = values.to_numpy(dtype=float)
    n = np.isfinite(x).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(x, axis=1) / n
        sd = np.sqrt(np.nansum((x - mean[:, None]) ** 2, axis=1) / (n - 1))
        tq = sps.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
        half = np.where(n >= 2, tq * sd / np.sqrt(n), np.nan)
    return pd.DataFrame({"mean": mean, "low": mean - half, "high": mean + half}, index=values.index)
