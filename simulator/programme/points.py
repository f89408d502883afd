"""Points: integer balances held in a small ring of buckets by earn period (MODEL.md 4.1).

Points are integers so that ``issued = redeemed + expired + outstanding`` holds exactly.
A bucket holds the points earned in one period of ``period_days``; rolling expiry lapses
a bucket once it is older than the expiry period, first in first out.
"""

from __future__ import annotations

import numpy as np


def bucket_layout(expiry_kind: str, expiry_days: int, period_days: int = 30) -> tuple[int, int]:
    """Number of buckets ``B`` and the period length ``P`` for an expiry rule.

    Rolling expiry of ``E`` days keeps ``B = ceil(E / P)`` buckets of ``P = min(30, E)``
    days: points earned in period k lapse when period ``k + B`` begins, between
    ``(B - 1) P + 1`` and ``B P`` days after they were earned (within a period of E).
    The 1 KB state budget rules out one time stamp per point.
    """
    if expiry_kind == "rolling":
        period = min(period_days, expiry_days)
        return -(-expiry_days // period), period
    return 1, period_days


def earned_points(spend: np.ndarray, rate: float, multiplier: np.ndarray | float) -> np.ndarray:
    """Whole points earned: ``floor(spend * rate * multiplier)``."""
    return np.floor(np.asarray(spend) * rate * multiplier + 1e-9).astype(np.int64)


def deduct_fifo(
    buckets: np.ndarray, rows: np.ndarray, amount: np.ndarray, order: np.ndarray
) -> None:
    """Remove ``amount`` points from each row's buckets, oldest first, in place.

    Parameters
    ----------
    buckets
        (n, B) integer balances.
    rows
        Customers concerned (unique).
    amount
        Points to remove per row; must not exceed the row's balance.
    order
        Bucket column indices from oldest to newest.
    """
    left = np.asarray(amount, dtype=np.int64).copy()
    for b in order:
        if not left.any():
            break
        have = buckets[rows, b].astype(np.int64)
        take = np.minimum(have, left)
        buckets[rows, b] = (have - take).astype(buckets.dtype)
        left -= take
    if left.any():
        raise ValueError("deduct_fifo: amount exceeds balance (points would go negative)")


def bucket_order(current: int, n_buckets: int) -> np.ndarray:
    """Bucket columns from oldest to newest when ``current`` is the newest."""
    return (current + 1 + np.arange(n_buckets)) % n_buckets


def choose_reward(balance: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Index of the largest affordable reward (thresholds ascending), -1 if none."""
    return np.searchsorted(thresholds, balance, side="right") - 1


def breakage_rate(redeemed: float, expired: float) -> float:
    """Share of settled points that lapsed: expired / (redeemed + expired)."""
    settled = redeemed + expired
    return expired / settled if settled > 0 else float("nan")
