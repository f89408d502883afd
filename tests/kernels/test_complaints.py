"""The compiled complaint filing against its numpy reference (docs/model.md §3.3)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from simulator.engine.state import NEVER
from simulator.kernels import complaints as kernel
from simulator.mechanisms import complaints


def _population(rng, n):
    return SimpleNamespace(
        last_failure_day=np.where(rng.random(n) < 0.3, rng.integers(0, 100, n), NEVER).astype(
            np.int16
        ),
        complaint_s=np.zeros(n, np.float32),
        complaint_s_before=np.zeros(n, np.float32),
        complaint_first=np.zeros(n, bool),
        complaints=rng.integers(0, 3, n).astype(np.int16),
    )


def test_file_complaints_equals_the_reference():
    rng = np.random.default_rng(12)
    n, day = 20_000, 100
    cp = SimpleNamespace(threshold=5.5, rate=0.2, rate_after_failure=0.6, memory_days=30)
    rows = rng.choice(n, 6_000, replace=False)
    s = rng.uniform(0, 10, rows.size)
    s[:5] = 5.5  # the threshold itself does not complain
    s_before = rng.uniform(0, 10, rows.size).astype(np.float32)
    failed = rng.random(rows.size) < 0.3
    u = rng.random(rows.size)
    pops = [_population(np.random.default_rng(1), n) for _ in range(2)]
    ctxs = [
        SimpleNamespace(
            pop=p, day=day, config=SimpleNamespace(market=SimpleNamespace(complaints=cp))
        )
        for p in pops
    ]
    want = complaints.file_reference(ctxs[0], rows, s, s_before, failed, u)
    p = pops[1]
    got = kernel.file_complaints(
        rows, s, s_before, failed, u, cp.threshold, cp.rate, cp.rate_after_failure, day,
        cp.memory_days, p.last_failure_day, p.complaint_s, p.complaint_s_before,
        p.complaint_first, p.complaints,
    )  # fmt: skip
    np.testing.assert_array_equal(got, want)
    for name in ("complaint_s", "complaint_s_before", "complaint_first", "complaints"):
        np.testing.assert_array_equal(getattr(pops[1], name), getattr(pops[0], name), name)
    # Both kinds of complaint occur, and some visitors below the threshold do not complain.
    assert pops[1].complaint_first.any() and (~pops[1].complaint_first[got]).any()
    assert 0 < got.size < (s < cp.threshold).sum()
