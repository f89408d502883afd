"""The compiled FIFO redemption against the reference ledger (docs/model.md §4.1)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.kernels import points as kernel
from simulator.programme import points


@pytest.mark.parametrize("seed", range(5))
def test_deduct_fifo_equals_the_reference(seed):
    rng = np.random.default_rng(seed)
    n, n_buckets = 300, 13
    buckets = rng.integers(0, 40, (n, n_buckets)).astype(np.int32)
    buckets[rng.random((n, n_buckets)) < 0.4] = 0
    rows = rng.choice(n, 120, replace=False)
    # Up to the whole balance, some exactly all of it, some nothing.
    balance = buckets[rows].sum(axis=1)
    amount = np.floor(rng.random(rows.size) * (balance + 1)).astype(np.int64)
    amount[:10] = balance[:10]
    amount[10:20] = 0
    order = points.bucket_order(int(rng.integers(n_buckets)), n_buckets)
    want = buckets.copy()
    points.deduct_fifo(want, rows, amount, order)
    got = buckets.copy()
    assert kernel.deduct_fifo(got, rows, amount, order) == 0
    np.testing.assert_array_equal(got, want)
    assert got.dtype == want.dtype


def test_deduct_fifo_reports_what_it_could_not_take():
    buckets = np.array([[5, 3, 0]], dtype=np.int32)
    assert kernel.deduct_fifo(buckets, np.array([0]), np.array([10]), np.arange(3)) == 2
    np.testing.assert_array_equal(buckets, [[0, 0, 0]])
