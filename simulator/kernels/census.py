"""The daily census behind the headline metrics (docs/model.md §7), in one pass."""

from __future__ import annotations

import numpy as np

from simulator.kernels import ACTIVE_CODE, jit


@jit
def census(alive, relationship, satisfaction, bins):
    """Counts by relationship, and the histogram and sum of active customers' S.

    The histogram has ``bins`` bins of width 0.01 on the 0-10 scale (S rounded to the
    nearest hundredth); the NPS, mean and quantiles of the day
    are read off it.
    """
    by_rel = np.zeros(3, np.int64)
    hist = np.zeros(bins, np.int64)
    total = 0.0
    hundred = np.float32(100.0)
    # Branch-free: alive and active customers are interleaved at random.
    for i in range(alive.shape[0]):
        code = relationship[i]
        live = alive[i]
        by_rel[code] += live
        w = live & (code == ACTIVE_CODE)
        s = satisfaction[i]
        # S >= 0, so adding a half and truncating rounds to the nearest bin.
        b = min(int(s * hundred + np.float32(0.5)), bins - 1)
        hist[b] += w
        total += s * w
    return by_rel, hist, total


@jit
def group_census(group, include, alive, relationship, satisfaction, revenue, groups):
    """Per group, among customers with ``include`` (everyone when it is empty): alive
    customers, active customers, their summed S, and summed revenue (alive or not)."""
    n_alive = np.zeros(groups, np.int64)
    n_active = np.zeros(groups, np.int64)
    s_sum = np.zeros(groups, np.float64)
    rev = np.zeros(groups, np.float64)
    everyone = include.shape[0] == 0
    for i in range(group.shape[0]):
        if not everyone and not include[i]:
            continue
        g = group[i]
        live = alive[i]
        w = live & (relationship[i] == ACTIVE_CODE)
        n_alive[g] += live
        n_active[g] += w
        s_sum[g] += satisfaction[i] * w
        rev[g] += revenue[i]
    return n_alive, n_active, s_sum, rev
