"""Prospects who may become aware of the focal firm today (docs/model.md §3.7)."""

from __future__ import annotations

import numpy as np

from simulator.kernels import PROSPECT_CODE, compact, jit


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
