"""Lifecycle stages from what a firm observes (docs/model.md §11.2).

A customer's purchase rate is estimated twice from its own focal purchases: a recent
rate (exponentially weighted, time constant ``fast_days``) and a usual rate (time
constant ``usual_days``), both corrected for the short history of new customers. The
stage compares them: new (first purchase less than ``new_days`` ago), growing (recent
rate well above usual), declining (well below), dormant (no purchase for several usual
gaps), mature otherwise.

References
----------
Dwyer, F. R., Schurr, P. H., & Oh, S. (1987). Developing buyer-seller relationships.
Journal of Marketing, 51(2), 11-27.
Netzer, O., Lattin, J. M., & Srinivasan, V. (2008). A hidden Markov model of customer
relationship dynamics. Marketing Science, 27(2), 185-204.
"""

from __future__ import annotations

import numpy as np

from simulator.config.members import STAGES

NEW, GROWING, MATURE, DECLINING, DORMANT = range(len(STAGES))
NONE = -1  # never bought from the firm: no stage


def decay(rate: np.ndarray, time_constant: float) -> None:
    """One day of exponential forgetting, in place."""
    rate *= np.float32(np.exp(-1.0 / time_constant))


def corrected_rate(ewma: np.ndarray, age: np.ndarray, time_constant: float) -> np.ndarray:
    """Purchases per day from an EWMA that started at zero ``age`` days ago.

    An EWMA with weight ``1/tau`` started from zero sums to ``1 - exp(-age/tau)`` of its
    steady-state value; dividing by that removes the start-up bias (Adam's bias
    correction, the same algebra).
    """
    weight = -np.expm1(-np.maximum(age, 1.0) / time_constant)
    return ewma / weight


def stages(
    age: np.ndarray,
    recency: np.ndarray,
    recent_rate: np.ndarray,
    usual_rate: np.ndarray,
    *,
    new_days: int,
    growing_ratio: float,
    declining_ratio: float,
    dormant_gaps: float,
    dormant_min_days: int,
) -> np.ndarray:
    """Stage code of each customer from its observed history (``age``: days since the
    first purchase; ``recency``: days since the last)."""
    usual_gap = 1.0 / np.maximum(usual_rate, 1e-6)
    ratio = recent_rate / np.maximum(usual_rate, 1e-9)
    out = np.full(age.shape, MATURE, dtype=np.int8)
    out[ratio >= growing_ratio] = GROWING
    out[ratio <= declining_ratio] = DECLINING
    out[age < new_days] = NEW
    dormant = (recency >= dormant_gaps * usual_gap) & (recency >= dormant_min_days)
    out[dormant] = DORMANT
    return out


def transition_counts(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """(stage before, stage after) counts of customers staged at both dates."""
    k = len(STAGES)
    both = (before >= 0) & (after >= 0)
    flat = before[both].astype(np.int64) * k + after[both]
    return np.bincount(flat, minlength=k * k).reshape(k, k)


def transition_shares(counts: np.ndarray) -> np.ndarray:
    """Row-normalised transition matrix (each row sums to 1; NaN for an empty row)."""
    rows = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return counts / rows
