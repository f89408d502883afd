"""BG/NBD's conditional expectation (eq. 10) and the weighted fit the mixture's EM uses."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import clv
from tests.clv.test_bgnbd import simulate_bgnbd

CDNOW = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


@pytest.mark.parametrize("t", [0.5, 10.0, 39.0])
def test_a_customer_seen_for_no_time_expects_what_a_new_one_does(t):
    # With no history (x = 0, T = 0), equation (10) is the unconditional E[X(t)].
    got = clv.bgnbd_conditional_expected_purchases(t, 0, 0, 0, **CDNOW)
    assert got == pytest.approx(clv.bgnbd_expected_purchases(t, **CDNOW), rel=1e-9)


def test_conditional_expectation_is_p_alive_times_an_active_customers():
    x, tx, T = np.array([0, 2, 2, 7]), np.array([0, 30.0, 5.0, 38.0]), np.full(4, 39.0)
    got = clv.bgnbd_conditional_expected_purchases(39.0, x, tx, T, **CDNOW)
    assert clv.bgnbd_conditional_expected_purchases(0.0, x, tx, T, **CDNOW) == pytest.approx(0)
    # Recent buyers expect more than customers silent since week 5 with the same x.
    assert got[1] > got[2] > 0
    # Continuous at a = 1.
    near = [
        clv.bgnbd_conditional_expected_purchases(10.0, 3, 20.0, 39.0, 0.3, 4.0, a, 2.0)
        for a in (1 - 1e-4, 1.0, 1 + 1e-4)
    ]
    assert near[1] == pytest.approx(0.5 * (near[0] + near[2]), rel=1e-4)


def test_weights_count_like_repeated_customers():
    rng = np.random.default_rng(0)
    x, tx, T, _ = simulate_bgnbd(300, **CDNOW, T=39.0, rng=rng)
    w = rng.integers(1, 4, 300)
    weighted = clv.fit_bgnbd(x, tx, T, weights=w)
    repeated = clv.fit_bgnbd(np.repeat(x, w), np.repeat(tx, w), np.repeat(T, w))
    for k, v in repeated.items():
        assert weighted[k] == pytest.approx(v, rel=1e-4), k
    with pytest.raises(ValueError, match="weights must be 300 non-negative numbers"):
        clv.fit_bgnbd(x, tx, T, weights=np.zeros(300))
