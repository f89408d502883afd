"""Bookkeeping of a day's purchases, fused (MODEL.md 3.1-3.2)."""

from __future__ import annotations

import numpy as np

from simulator.kernels import ACTIVE_CODE, jit


@jit
def group_by_option(rows, chosen, options):
    """Rows grouped by chosen option, stable within each (a counting sort).

    Returns the grouped rows and ``starts`` (``options + 1`` entries): option k's rows
    are ``grouped[starts[k]:starts[k + 1]]``.
    """
    starts = np.zeros(options + 1, np.int64)
    for r in range(chosen.shape[0]):
        starts[chosen[r] + 1] += 1
    for k in range(options):
        starts[k + 1] += starts[k]
    fill = starts[:-1].copy()
    grouped = np.empty(rows.shape[0], np.int64)
    for r in range(rows.shape[0]):
        k = chosen[r]
        grouped[fill[k]] = rows[r]
        fill[k] += 1
    return grouped, starts


@jit
def record_purchases(buyers, firms, u, last_firm, purchases, relationship, dropout, alive):
    """Category purchases: last firm, purchase count and the BG/NBD dropout draw.

    After each repeat purchase (at any firm) a customer leaves the category with
    probability p (Fader, Hardie & Lee 2005); ``u`` holds one uniform per buyer.
    Returns (purchases by active customers, active customers who left the category).
    """
    active_purchases = 0
    lost = 0
    for r in range(buyers.shape[0]):
        i = buyers[r]
        is_active = relationship[i] == ACTIVE_CODE
        active_purchases += is_active
        last_firm[i] = firms[r]
        if purchases[i] >= 1 and u[r] < dropout[i]:
            alive[i] = False
            lost += is_active
        purchases[i] += 1
    return active_purchases, lost
