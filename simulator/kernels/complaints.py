"""Complaints filed at the visit, compiled (docs/model.md §3.3, §5.2).

:func:`simulator.mechanisms.complaints.complaint_probability` and the bookkeeping of
:func:`simulator.mechanisms.complaints.file` are the readable reference; this pass does
both over the day's focal visitors in one loop instead of a dozen numpy calls.
"""

from __future__ import annotations

import numpy as np

from simulator.kernels import jit


@jit
def file_complaints(
    rows,
    s,
    s_before,
    failed,
    u,
    threshold,
    rate,
    rate_after_failure,
    day,
    memory_days,
    last_failure_day,
    complaint_s,
    complaint_s_before,
    complaint_first,
    complaints,
):
    """Visitors whose uniform falls below their chance to complain (only below the
    threshold; higher after a failure) complain: their complaint's satisfaction, whether
    it follows a first failure, and their count are booked. Returns who complained."""
    out = np.empty(rows.shape[0], np.int64)
    k = 0
    for r in range(rows.shape[0]):
        chance = (rate_after_failure if failed[r] else rate) if s[r] < threshold else 0.0
        if not u[r] < chance:
            continue
        i = rows[r]
        first = failed[r] and (np.int32(day) - np.int32(last_failure_day[i])) > memory_days
        complaint_s[i] = s[r]
        complaint_s_before[i] = s_before[r]
        complaint_first[i] = first
        complaints[i] += 1
        out[k] = i
        k += 1
    return out[:k]
