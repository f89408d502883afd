"""Points: integer balances held in a small ring of buckets by earn period (docs/model.md §4.1).

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


# ------------------------------------------------------------------ the ledger in state


def add_points(
    buckets: np.ndarray,
    balance: np.ndarray,
    earned_total: np.ndarray,
    bucket: int,
    rows: np.ndarray,
    earned: np.ndarray,
) -> None:
    """Book ``earned`` points of ``rows`` into ``bucket`` (in place)."""
    buckets[rows, bucket] += earned.astype(np.int32)
    balance[rows] += earned.astype(np.int32)
    earned_total[rows] += earned.astype(np.int32)


def expire_buckets(buckets: np.ndarray, balance: np.ndarray, col: int | slice) -> float:
    """Lapse the points in bucket column(s) ``col`` (in place); returns the points lapsed."""
    expired = buckets[:, col]
    amount = expired.sum(axis=1) if expired.ndim == 2 else expired
    has = np.flatnonzero(amount)
    total = 0.0
    if has.size:
        balance[has] -= amount[has].astype(np.int32)
        total = float(amount[has].sum())
    buckets[:, col] = 0
    return total


def rebucket(
    buckets: np.ndarray,
    old_current: int,
    old_period: int,
    new_buckets: int,
    new_current: int,
    new_period: int,
) -> np.ndarray:
    """The same points in a new bucket layout, each bucket kept at its age.

    When the expiry rule changes mid-run (a strategy drops expiry, say), points earned
    k periods ago stay k periods old; points older than the new layout holds go into its
    oldest bucket, which lapses at the next period boundary.
    """
    n, old_n = buckets.shape
    out = np.zeros((n, new_buckets), dtype=buckets.dtype)
    for b in range(old_n):
        age_days = ((old_current - b) % old_n) * old_period
        age = min(age_days // new_period, new_buckets - 1)
        out[:, (new_current - age) % new_buckets] += buckets[:, b]
    return out
