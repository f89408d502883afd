"""Customer value arithmetic: closed form against finite sum, discount factors, and the
messages for bad input (stylized fact 7 is tests/stylized_facts/test_fact_07.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator import clv


def test_closed_form_and_finite_sum_are_vectorised():
    r = np.array([0.5, 0.8, 0.9])
    i = np.array([[0.05], [0.10]])
    got = clv.clv_closed_form(10.0, r, i)
    assert got.shape == (2, 3)
    np.testing.assert_allclose(got, 10.0 * r / (1 + i - r))
    fin = clv.clv_finite(np.full(2000, 10.0), r, i, acquisition_cost=[[1.0], [2.0]])
    np.testing.assert_allclose(fin, 10.0 * r / (1 + i - r) - np.array([[1.0], [2.0]]), atol=1e-6)
    assert isinstance(clv.clv_closed_form(1.0, 0.5, 0.1), float)


@given(
    m=st.floats(0.01, 1e4),
    r=st.floats(0.0, 0.98),
    i=st.floats(0.0, 1.0),
    dr=st.floats(1e-4, 0.01),
)
def test_value_rises_with_retention_and_falls_with_discounting(m, r, i, dr):
    base = clv.clv_closed_form(m, r, i)
    assert clv.clv_closed_form(m, r + dr, i) >= base
    assert clv.clv_closed_form(m, r, min(i + 0.01, 1.0)) <= base
    # Any finite horizon falls short of the infinite one when margins are positive.
    assert clv.clv_finite(np.full(30, m), r, i) <= base * (1 + 1e-12) + 1e-300


def test_discount_factors():
    f = clv.discount_factors([0, 365, 730, 182.5], 0.10)
    np.testing.assert_allclose(f, [1.0, 1 / 1.1, 1 / 1.21, 1.1**-0.5])
    assert clv.discount_factors(np.arange(5), 0.0).tolist() == [1.0] * 5


# ------------------------------------------------------------------- input validation


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: clv.clv_closed_form(1, 1.2, 0.1), r"^retention\(=1\.2\) must be in \[0, 1\)$"),
        (lambda: clv.clv_closed_form(1, 1.0, 0.1), r"retention\(=1\) must be in \[0, 1\)"),
        (lambda: clv.clv_closed_form(1, -0.1, 0.1), r"retention\(=-0\.1\) must be in \[0, 1\)"),
        (
            lambda: clv.clv_closed_form(1, [0.5, 0.7, 1.3], 0.1),
            r"retention\(=1\.3 at index 2\) must be in \[0, 1\)",
        ),
        (
            lambda: clv.clv_closed_form(1, 0.5, 10),
            r"discount_rate\(=10\) must be in \[0, 1\] \(a yearly rate as a fraction: 0\.10",
        ),
        (lambda: clv.clv_closed_form(np.nan, 0.5, 0.1), r"margin\(=nan\) must be finite"),
        (lambda: clv.clv_finite([1, 2], 0.5, -0.1), r"discount_rate\(=-0\.1\) must be in \[0, 1\]"),
        (lambda: clv.clv_finite([1, 2], 1.01, 0.1), r"retention\(=1\.01\) must be in \[0, 1\]"),
        (lambda: clv.clv_finite([[1, 2]], 0.5, 0.1), r"must be one-dimensional.*shape \(1, 2\)"),
        (lambda: clv.clv_finite([1], 0.5, 0.1, -5), r"acquisition_cost\(=-5\) must be >= 0"),
        (lambda: clv.net_customer_value(1, 0.5, 0.1, -1), r"acquisition_cost\(=-1\) must be >= 0"),
        (lambda: clv.discount_factors([1], 5.0), r"annual_rate\(=5\) must be in \[0, 1\]"),
        (lambda: clv.discount_factors([np.inf], 0.1), r"days\(=inf\) must be finite"),
    ],
)
def test_value_functions_reject_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_clv_finite_accepts_full_retention_over_a_finite_horizon():
    assert clv.clv_finite([10.0, 10.0], 1.0, 0.0) == pytest.approx(20.0)
