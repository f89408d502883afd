"""Prospects who may become aware of the focal firm today (docs/model.md §3.7)."""

from __future__ import annotations

import numpy as np

from simulator.kernels import ACTIVE_CODE, PROSPECT_CODE, compact, jit
from simulator.kernels.uniforms import counter_uniform


@jit
def unaware_prospects(alive, relationship, aware_focal, blocked_until, day):
    """Prospects who do not know the focal firm and are not blocked by bad news."""
    n = alive.shape[0]
    flags = np.empty(n, np.uint8)
    for i in range(n):
        flags[i] = (
            alive[i]
            & (relationship[i] == PROSPECT_CODE)
            & (not aware_focal[i])
            & (blocked_until[i] < day)
        )
    return compact(flags)


@jit
def recommending_share(rows, indptr, indices, alive, relationship, satisfaction, by_satisfaction):
    """Share of each row's neighbours (CSR ``indptr``/``indices``) who are active focal
    customers likely to recommend: alive, active and, when satisfaction is modelled,
    S >= 6.5. The f of the awareness hazard (float32, 0 without neighbours).

    Reference: :func:`simulator.market.network.neighbour_share_of` over
    :func:`simulator.mechanisms.acquisition.recommends`.
    """
    share = np.zeros(rows.shape[0], np.float32)
    for r in range(rows.shape[0]):
        i = rows[r]
        lo, hi = indptr[i], indptr[i + 1]
        if hi <= lo:
            continue
        count = 0
        for s in range(lo, hi):
            j = indices[s]
            ok = alive[j] and relationship[j] == ACTIVE_CODE
            if by_satisfaction:
                ok = ok and satisfaction[j] >= 6.5
            count += ok
        # float64 division rounded once to float32, as numpy's divide into float32 does.
        share[r] = count / (hi - lo)
    return share


@jit
def awareness_candidates(alive, relationship, aware_focal, blocked_until, day, key, below):
    """:func:`unaware_prospects` whose uniform in the stream ``key`` is below ``below``,
    with that uniform: the thinning of the awareness draw in one call. The prospects
    are found branch-free first, as :func:`unaware_prospects` does: a test per customer
    inside the uniforms' loop mispredicts on mixed populations and costs more."""
    prospects = unaware_prospects(alive, relationship, aware_focal, blocked_until, day)
    rows = np.empty(prospects.shape[0], np.int64)
    u = np.empty(prospects.shape[0], np.float32)
    k = 0
    for r in range(prospects.shape[0]):
        ui = counter_uniform(key, prospects[r])
        if ui < below:
            rows[k] = prospects[r]
            u[k] = ui
            k += 1
    return rows[:k], u[:k]
