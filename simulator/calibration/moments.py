"""What a purchase log shows, computed the same way on the firm's log and on simulated
ones: the repeat-purchase curve, the frequency histogram, inter-purchase times and
cohort repeat rates (the moments of the fit table).

A purchase occasion is a customer-day, as in :func:`simulator.clv.rfm_summary`: several
rows of one customer on one day are one occasion (the simulator has at most one
occasion a day). The first occasion of each customer is the trial; later ones are
repeat transactions.

References
----------
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
easy way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["FREQ_BINS", "calibration_moments", "occasions", "repeat_counts", "weekly_repeats"]

FREQ_BINS = 8  # 0, 1, ..., 6, 7+ repeat transactions
_GAP_EDGES = (0, 7, 14, 28, 56, 91, 182, 10_000)
_GAP_LABELS = ("<1 wk", "1-2 wk", "2-4 wk", "4-8 wk", "8-13 wk", "13-26 wk", "26+ wk")
_COHORT_WINDOW = 91  # days after the trial in which a cohort's repeat rate is measured


def occasions(
    customer: NDArray[np.int64], day: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Unique (customer, day) pairs, sorted by customer then day."""
    key = np.unique(np.column_stack([customer, day]), axis=0)
    return key[:, 0], key[:, 1]


def repeat_counts(
    customer: NDArray[np.int64], day: NDArray[np.int64], n: int, lo: int, hi: int
) -> NDArray[np.int64]:
    """Occasions of each of ``n`` customers on days ``lo..hi`` (occasions, not rows)."""
    c, d = occasions(customer, day)
    keep = (d >= lo) & (d <= hi)
    return np.bincount(c[keep], minlength=n)


def weekly_repeats(
    customer: NDArray[np.int64], day: NDArray[np.int64], first_day: NDArray[np.int64], weeks: int
) -> NDArray[np.int64]:
    """Repeat transactions in each week ``0..weeks-1`` (week w is days 7w..7w+6)."""
    c, d = occasions(customer, day)
    repeat = d > first_day[c]
    w = d[repeat] // 7
    return np.bincount(w[w < weeks], minlength=weeks)


def _histogram(x: NDArray[np.int64]) -> NDArray[np.float64]:
    return np.bincount(np.minimum(x, FREQ_BINS - 1), minlength=FREQ_BINS).astype(float)


def calibration_moments(
    customer: NDArray[np.int64],
    day: NDArray[np.int64],
    first_day: NDArray[np.int64],
    end_day: int,
) -> pd.Series:
    """The fit table's moments of one log (observed, or one simulated replication).

    * cumulative repeat transactions at each quarter of the period;
    * customers with 0, 1, ..., 7+ repeat transactions;
    * shares of inter-purchase gaps by length;
    * the share of each month's new customers who buy again within 13 weeks (cohorts
      observed that long).
    """
    c, d = occasions(customer, day)
    n = first_day.size
    repeat = d > first_day[c]
    out: dict[str, float] = {}
    for q in (1, 2, 3, 4):
        cut = (end_day + 1) * q // 4 - 1
        out[f"repeat transactions to day {cut}"] = float((repeat & (d <= cut)).sum())
    hist = _histogram(np.bincount(c[repeat], minlength=n))
    for k, v in enumerate(hist):
        out[f"customers with {k}{'+' if k == FREQ_BINS - 1 else ''} repeats"] = float(v)
    same = np.diff(c) == 0
    gaps = np.diff(d)[same]
    shares = np.histogram(gaps, bins=_GAP_EDGES)[0] / max(gaps.size, 1)
    for label, v in zip(_GAP_LABELS, shares, strict=True):
        out[f"share of gaps {label}"] = float(v)
    month = first_day // 30
    seen = first_day + _COHORT_WINDOW <= end_day
    back = np.zeros(n, dtype=bool)
    soon = repeat & (d <= first_day[c] + _COHORT_WINDOW)
    back[c[soon]] = True
    for m in np.unique(month[seen]):
        rows = seen & (month == m)
        if rows.sum() >= 30:
            out[f"13-week repeat rate, month-{int(m) + 1} cohort"] = float(back[rows].mean())
    return pd.Series(out)
