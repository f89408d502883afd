"""The forecast against what happened after the calibration end, beside BG/NBD's.

Three comparisons of Fader, Hardie & Lee (2005): weekly and cumulative repeat
transactions, the histogram of hold-out transactions per customer, and the mean
hold-out transactions conditional on the calibration-period frequency. The simulator's
figures are the mean and the 90% band over replications; BG/NBD's are its conditional
expectations (equation 10), summed over customers (over segments with their posterior
membership when K > 1). The three compare the calibration period's customers only, as
Fader, Hardie & Lee do; customers whose first purchase falls in the hold-out (new
customers, ``market.entry.mode: new_customers``) are compared on their own: how many
came, and their transactions.

References
----------
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
easy way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from simulator.calibration.fit import BaseFit
from simulator.calibration.moments import FREQ_BINS, occasions, repeat_counts
from simulator.calibration.simulate import Purchases
from simulator.clv import bgnbd_conditional_expected_purchases

__all__ = ["Holdout", "compare_holdout", "compare_new_customers"]

BAND = (5.0, 95.0)  # the 90% band over replications


@dataclass(frozen=True)
class Holdout:
    """The three comparisons as tables, and the totals (``holdout.json``)."""

    weekly: pd.DataFrame
    histogram: pd.DataFrame
    conditional: pd.DataFrame
    totals: dict[str, Any]

    def tidy(self) -> pd.DataFrame:
        """One long table ``table, key, source, value`` (``holdout.parquet``)."""
        parts = []
        for name, frame, key in (
            ("weekly", self.weekly, "week"),
            ("histogram", self.histogram, "transactions"),
            ("conditional", self.conditional, "calibration_frequency"),
        ):
            long = frame.melt(id_vars=[key], var_name="source", value_name="value")
            long = long.rename(columns={key: "key"})
            long.insert(0, "table", name)
            parts.append(long)
        out = pd.concat(parts, ignore_index=True)
        out["key"] = out["key"].astype(np.int64)
        out["value"] = out["value"].astype(float)
        return out


def _band(values: NDArray[np.float64], prefix: str) -> dict[str, NDArray[np.float64]]:
    lo, hi = np.percentile(values, BAND, axis=0)
    return {f"{prefix}_mean": values.mean(axis=0), f"{prefix}_p05": lo, f"{prefix}_p95": hi}


def _bgnbd(fit: BaseFit, t: float) -> NDArray[np.float64]:
    rfm = fit.rfm
    x, tx, big_t = (rfm[c].to_numpy() for c in ("frequency", "recency", "T"))
    per = [
        np.asarray(bgnbd_conditional_expected_purchases(t, x, tx, big_t, **s.params()))
        for s in fit.segments
    ]
    return np.sum(fit.membership * np.column_stack(per), axis=1)


def _rel(value: float, actual: float) -> float | None:
    return None if actual == 0 else (value - actual) / actual


def _versus(actual: float, simulated: NDArray[np.float64]) -> dict[str, Any]:
    """An actual total beside the replications' mean and 90% band, and the errors."""
    mean = float(simulated.mean())
    lo, hi = (float(v) for v in np.percentile(simulated, BAND))
    return {
        "actual": actual,
        "simulated_mean": mean,
        "simulated_p05": lo,
        "simulated_p95": hi,
        "error_simulated": _rel(mean, actual),
        "error_simulated_p05": _rel(lo, actual),
        "error_simulated_p95": _rel(hi, actual),
    }


def _newcomers(p: Purchases) -> tuple[float, float]:
    """New customers (distinct ids) and their transactions (customer-days)."""
    c, _ = occasions(p.customer, p.day)
    return float(np.unique(c).size), float(c.size)


def compare_new_customers(
    actual: Purchases, simulated: list[Purchases], days: int
) -> dict[str, Any] | None:
    """The hold-out's new customers and their transactions, actual against simulated.

    ``actual`` and each of ``simulated`` hold the purchases of customers who were not
    customers by the calibration end (each one's first is its trial purchase). ``None``
    when neither the log nor the simulation has any.
    """
    act = _newcomers(actual)
    sims = np.array([_newcomers(p) for p in simulated], dtype=float).reshape(-1, 2)
    if act[0] == 0 and not sims[:, 0].any():
        return None
    return {
        "holdout_days": int(days),
        "customers": _versus(act[0], sims[:, 0]),
        "transactions": _versus(act[1], sims[:, 1]),
    }


def compare_holdout(
    fit: BaseFit,
    actual: Purchases,
    simulated: list[Purchases],
    days: int,
    *,
    first_week: int,
    new_customers: dict[str, Any] | None = None,
) -> Holdout:
    """Compare the simulated hold-out with the actual one and with BG/NBD.

    Parameters
    ----------
    fit
        The calibration's fit (customers in sequential-id order).
    actual
        The log's purchases in the hold-out, days counted from the calibration end
        (1 = the first hold-out day).
    simulated
        One :class:`Purchases` per replication, days counted the same way.
    days
        Length of the hold-out period in days.
    first_week
        Number of the hold-out's first week, counted from the log's start (40 for
        CDNOW's weeks 40-78).
    new_customers
        :func:`compare_new_customers`'s answer, put in the totals when there is one.
    """
    n = fit.membership.shape[0]
    weeks = int(np.ceil(days / 7))
    edges = np.minimum(np.arange(1, weeks + 1) * 7, days)

    def counts(p: Purchases) -> NDArray[np.int64]:
        return repeat_counts(p.customer, p.day, n, 1, days)

    def weekly(p: Purchases) -> NDArray[np.int64]:
        c, d = p.customer, p.day
        pairs = np.unique(np.column_stack([c, d]), axis=0) if c.size else np.zeros((0, 2), int)
        return np.bincount((pairs[:, 1] - 1) // 7, minlength=weeks)[:weeks]

    act_counts = counts(actual)
    sim_counts = np.array([counts(p) for p in simulated], dtype=float)
    act_week = weekly(actual).astype(float)
    sim_week = np.array([weekly(p) for p in simulated], dtype=float)
    bg_cum = np.array([_bgnbd(fit, e / 7.0).sum() for e in edges])
    bg_week = np.diff(np.concatenate([[0.0], bg_cum]))
    weekly_table = pd.DataFrame(
        {
            "week": np.arange(first_week, first_week + weeks),
            "actual": act_week,
            **_band(sim_week, "simulated"),
            "bgnbd": bg_week,
            "actual_cumulative": np.cumsum(act_week),
            **_band(np.cumsum(sim_week, axis=1), "simulated_cumulative"),
            "bgnbd_cumulative": bg_cum,
        }
    )

    def hist(c: np.ndarray) -> np.ndarray:
        return np.bincount(np.minimum(c, FREQ_BINS - 1).astype(int), minlength=FREQ_BINS)

    histogram = pd.DataFrame(
        {
            "transactions": np.arange(FREQ_BINS),
            "actual": hist(act_counts).astype(float),
            **_band(np.array([hist(c) for c in sim_counts], dtype=float), "simulated"),
        }
    )
    x = np.minimum(fit.rfm["frequency"].to_numpy().astype(int), FREQ_BINS - 1)
    bg_each = _bgnbd(fit, days / 7.0)
    sim_each = sim_counts.mean(axis=0)
    conditional = pd.DataFrame(
        {
            "calibration_frequency": np.arange(FREQ_BINS),
            "customers": np.bincount(x, minlength=FREQ_BINS).astype(float),
            "actual": [
                act_counts[x == k].mean() if (x == k).any() else np.nan for k in range(FREQ_BINS)
            ],
            "simulated": [
                sim_each[x == k].mean() if (x == k).any() else np.nan for k in range(FREQ_BINS)
            ],
            "bgnbd": [
                bg_each[x == k].mean() if (x == k).any() else np.nan for k in range(FREQ_BINS)
            ],
        }
    )
    act = float(act_counts.sum())
    both = _versus(act, sim_counts.sum(axis=1))
    bg = float(bg_cum[-1])
    totals: dict[str, Any] = {
        "customers": int(n),
        "holdout_days": int(days),
        "replications": len(simulated),
        **{k: both.pop(k) for k in ("actual", "simulated_mean", "simulated_p05", "simulated_p95")},
        "bgnbd": bg,
        **both,
        "error_bgnbd": _rel(bg, act),
    }
    if new_customers is not None:
        totals["new_customers"] = new_customers
    return Holdout(weekly_table, histogram, conditional, totals)
