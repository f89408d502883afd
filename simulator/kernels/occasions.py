"""Who has a purchase occasion today, fused with the uniform that picks the store
(docs/model.md §3.1).

Reference rule: :func:`simulator.mechanisms.occasions.occasion_probability`.
"""

from __future__ import annotations

import numpy as np

from simulator.kernels import compact, jit
from simulator.kernels.uniforms import counter_uniform

# u / p is uniform on [0, 1) given u < p; capped below 1 as the reference does.
_UC_MAX = np.float32(1 - 1e-7)


@jit
def occasion_rows(key, prob, alive, entry_day, day, check_entry):
    """Customers with a purchase occasion today, and the uniform that picks their store.

    Customer i's uniform u is its draw in the stream ``key``. Given an occasion
    (``u < prob``), ``u / prob`` is again uniform on [0, 1): one draw per customer-day
    serves both the occasion and the choice (and keeps luck aligned).
    """
    n = prob.shape[0]
    flags = np.empty(n, np.uint8)
    for i in range(n):
        flags[i] = (counter_uniform(key, i) < prob[i]) & alive[i]
    if check_entry:
        for i in range(n):
            flags[i] &= entry_day[i] < day
    rows = compact(flags)
    uc = np.empty(rows.shape[0], np.float32)
    for r in range(rows.shape[0]):
        i = rows[r]
        uc[r] = min(counter_uniform(key, i) / prob[i], _UC_MAX)
    return rows, uc
