"""The visit kernels against the reference rules (docs/model.md §3.3)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine.state import NEVER
from simulator.kernels import visit as kvisit
from simulator.mechanisms import visit


def test_focal_experience_equals_the_satisfaction_mechanisms():
    rng = np.random.default_rng(0)
    n, m = 50, 30
    rows = np.sort(rng.choice(n, m, replace=False)).astype(np.int64)
    match = rng.normal(0, 0.6, (n, 3)).astype(np.float32)
    expectation = rng.uniform(6, 9, (n, 3)).astype(np.float32)
    ref_price = rng.uniform(0.8, 1.2, n).astype(np.float32)
    sat = rng.uniform(2, 9, n).astype(np.float32)
    noise = rng.normal(0, 0.8, m)
    failed = rng.random(m) < 0.3
    uplift = rng.uniform(0, 0.3, m)
    discount = rng.uniform(0, 0.1, m)
    kw = dict(b_quality=0.5, b_price=0.3, loss_aversion=2.25, curvature=0.88)
    q = visit.experienced_quality(8.4, match[rows, 0], uplift, noise, failed, 1.5)
    paid = 1.1 * (1 - discount)
    want = visit.transaction_satisfaction(q, expectation[rows, 0], ref_price[rows], paid, **kw)
    want_s = visit.smooth(sat[rows], want, 0.15)
    want_e = np.clip(visit.smooth(expectation[rows, 0], q, 0.05), 0, 10)
    want_ref = visit.smooth(ref_price[rows], paid, 0.02)
    before = sat[rows].copy()
    params = kvisit.Experience(8.4, 1.5, 1.1, 0.5, 0.3, 2.25, 0.88, 0.15, 0.05, 0.02, True)
    state = dict(match=match, expectation=expectation, ref_price=ref_price, satisfaction=sat)
    s, s_before = kvisit.focal_experience(
        rows=rows,
        noise=noise,
        failed=failed,
        uplift=uplift,
        discount=discount,
        **state,
        params=params,
    )
    np.testing.assert_allclose(s, want, rtol=1e-6, atol=1e-5)
    np.testing.assert_array_equal(s_before, before)
    np.testing.assert_allclose(sat[rows], want_s, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(expectation[rows, 0], want_e, rtol=1e-6, atol=1e-5)
    np.testing.assert_allclose(ref_price[rows], want_ref, rtol=1e-6, atol=1e-6)
    # With the satisfaction module off the stocks do not move.
    frozen = sat.copy()
    kvisit.focal_experience(
        rows=rows,
        noise=noise,
        failed=failed,
        uplift=uplift,
        discount=discount,
        **state,
        params=params._replace(learn=False),
    )
    np.testing.assert_array_equal(sat, frozen)


def test_rival_experience_and_focal_books_equal_numpy():
    rng = np.random.default_rng(8)
    n = 40
    rows = np.sort(rng.choice(n, 25, replace=False)).astype(np.int64)
    match = rng.normal(0, 0.6, (n, 3)).astype(np.float32)
    expectation = rng.uniform(6, 9.9, (n, 3)).astype(np.float32)
    noise = rng.normal(0, 2.0, rows.size)
    q = 8.0 + match[rows, 2] + noise
    want = np.clip(visit.smooth(expectation[rows, 2].astype(np.float64), q, 0.3), 0, 10)
    kvisit.rival_experience(rows, 2, 8.0, noise, match, expectation, 0.3)
    np.testing.assert_allclose(expectation[rows, 2], want, rtol=1e-6)

    revenue = np.zeros(n, np.float32)
    value = np.zeros(n)
    visits = np.zeros(n, np.int32)
    first = np.full(n, NEVER, np.int16)
    first[rows[:5]] = 3
    last = np.full(n, NEVER, np.int16)
    basket, margin = rng.gamma(2.0, 3.0, rows.size), rng.normal(1.0, 0.5, rows.size)
    kvisit.book_focal_visits(rows, basket, margin, 0.9, 12, revenue, value, visits, first, last)
    np.testing.assert_allclose(revenue[rows], basket.astype(np.float32))
    np.testing.assert_allclose(value[rows], margin * 0.9)
    assert visits[rows].tolist() == [1] * rows.size
    assert first[rows].tolist() == [3] * 5 + [12] * (rows.size - 5)  # the first visit stays
    assert last[rows].tolist() == [12] * rows.size
    assert (visits.sum(), (last != NEVER).sum()) == (rows.size, rows.size)


def test_group_by_option_is_a_stable_counting_sort():
    rows = np.array([10, 11, 12, 13, 14, 15], dtype=np.int64)
    chosen = np.array([2, 0, 3, 0, 2, 1], dtype=np.int8)
    grouped, starts = kvisit.group_by_option(rows, chosen, 4)
    assert grouped.tolist() == [11, 13, 15, 10, 14, 12]
    assert starts.tolist() == [0, 2, 3, 5, 6]


def test_record_purchases_counts_dropouts_only_after_a_repeat_purchase():
    buyers = np.array([0, 1, 2, 3], dtype=np.int64)
    firms = np.array([0, 1, 0, 2], dtype=np.int8)
    u = np.array([0.0, 0.0, 0.9, 0.0], dtype=np.float32)
    last = np.full(4, -1, dtype=np.int8)
    purchases = np.array([0, 3, 3, 2], dtype=np.int32)
    relationship = np.array([1, 1, 1, 0], dtype=np.int8)
    dropout = np.full(4, 0.5, dtype=np.float32)
    alive = np.ones(4, dtype=bool)
    active, lost, exits = kvisit.record_purchases(
        buyers, firms, u, last, purchases, relationship, dropout, alive
    )
    assert last.tolist() == [0, 1, 0, 2]
    assert purchases.tolist() == [1, 4, 4, 3]
    # Row 0: first purchase, cannot drop out; row 2: u above p; row 3: not active.
    assert alive.tolist() == [True, False, True, False]
    assert (active, lost, exits) == (3, 1, 2)


@pytest.mark.parametrize(
    "params",
    [
        (0.8, 0.05, 2.0, 0.5, 0.3, 2.25, 0.88, 0.15, 0.1),  # the defaults' kind
        (1.5, 0.2, 3.5, 1.0, 0.0, 1.5, 0.7, 0.3, 0.25),
        (0.3, 0.0, 1.0, 0.2, 0.5, 3.0, 0.95, 0.05, 0.02),
    ],
)
def test_settled_curve_kernel_equals_the_reference(params):
    """The compiled settled-satisfaction curve against its numpy reference, bit for bit."""
    grid, got = visit._settled.__wrapped__(*params, visits=120, burn_in=40)
    grid_ref, want = visit._settled_reference(*params, visits=120, burn_in=40)
    np.testing.assert_array_equal(grid, grid_ref)
    np.testing.assert_array_equal(got, want)
    assert 0 <= want.min() < 5 < want.max() <= 10
