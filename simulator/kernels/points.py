"""The points ledger's redemption pass, compiled (docs/model.md §4.1).

:func:`simulator.programme.points.deduct_fifo` is the readable reference; its loop over
bucket columns costs a dozen numpy calls per column on every redemption day.
"""

from __future__ import annotations

from simulator.kernels import jit


@jit
def take_oldest(buckets, i, amount, order):
    """Remove ``amount`` points from customer ``i``'s buckets, oldest column of ``order``
    first, in place; returns what could not be removed."""
    left = amount
    for b in order:
        if left == 0:
            break
        take = min(buckets[i, b], left)
        buckets[i, b] -= take
        left -= take
    return left


@jit
def deduct_fifo(buckets, rows, amount, order):
    """Remove ``amount[r]`` points from row ``rows[r]``'s buckets, oldest column of
    ``order`` first, in place; returns the points that could not be removed."""
    short = 0
    for r in range(rows.shape[0]):
        short += take_oldest(buckets, rows[r], amount[r], order)
    return short
