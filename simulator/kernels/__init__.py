"""Compiled kernels for the hot stages of the daily step (issue 6).

The mechanisms in :mod:`simulator.mechanisms` are the readable, vectorised reference
of each rule; the kernels here fuse several of them into one compiled pass over the
customers concerned, so that a day costs a few passes over memory instead of dozens of
numpy temporaries. Every kernel is tested against the reference functions it fuses
(``tests/kernels/``). Kernels never draw random numbers: the uniforms come from
the model's named substreams, so the same scenario and seed give the same bytes.

Numba compiles each kernel on its first call and caches the machine code beside the
source (``cache=True``), so only the first run on a machine pays the compilation.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# error_model="numpy": a division by zero gives inf/nan as numpy does, with no Python
# exception check in the inner loop. No fastmath: results must not depend on how LLVM
# reorders floating-point sums.
jit = njit(cache=True, nogil=True, error_model="numpy")

# The codes of simulator.engine.state, as plain constants numba can fold in.
NEVER_DAY = -32000
PROSPECT_CODE, ACTIVE_CODE, LAPSED_CODE = 0, 1, 2
SOURCE_WOM_CODE = 2


@jit
def tenure_days(since, day):
    """Whole days since ``since``, 0 for no start day: an index into per-tenure tables."""
    if since == NEVER_DAY:
        return 0
    return max(day - np.int64(since), 0)


@jit
def compact(flags):
    """Indices of the true entries, branch-free (random masks defeat branch prediction)."""
    n = flags.shape[0]
    count = 0
    for i in range(n):
        count += flags[i]
    rows = np.empty(count + 1, np.int64)
    k = 0
    for i in range(n):
        rows[k] = i
        k += flags[i]
    return rows[:count]


__all__ = [
    "ACTIVE_CODE",
    "LAPSED_CODE",
    "NEVER_DAY",
    "PROSPECT_CODE",
    "SOURCE_WOM_CODE",
    "compact",
    "jit",
    "tenure_days",
]
