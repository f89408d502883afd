"""Complaints and service recovery (MODEL.md 3.3).

The recovery paradox raises satisfaction but not repurchase (de Matos, Henrique &
Rossi 2007); a failed recovery is a double deviation (Bitner, Booms & Tetreault 1990).
"""

from __future__ import annotations

import numpy as np


def complaint_probability(
    s: np.ndarray, failed: np.ndarray, *, threshold: float, rate: float, rate_after_failure: float
) -> np.ndarray:
    """Chance to complain after a visit: only below the threshold, higher after a failure."""
    p = np.where(failed, rate_after_failure, rate)
    return np.where(s < threshold, p, 0.0)


def recovered_satisfaction(
    s_now: np.ndarray, s_transaction: np.ndarray, s_before: np.ndarray, *, omega: float, lift: float
) -> np.ndarray:
    """Cumulative S after a timely recovery of a first failure.

    The transaction's contribution ``omega * s`` is replaced by
    ``omega * max(s, S_before + lift)``: the satisfaction side of the recovery paradox.

    References
    ----------
    de Matos, C. A., Henrique, J. L., & Rossi, C. A. V. (2007). Service recovery paradox:
    A meta-analysis. Journal of Service Research, 10(1), 60-77.
    """
    target = np.maximum(s_transaction, s_before + lift)
    return np.clip(s_now + omega * (target - s_transaction), 0.0, 10.0)
