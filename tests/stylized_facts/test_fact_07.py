"""Stylized fact 7: customer value arithmetic (docs/model.md §9).

The CLV function, with yearly periods, margin booked at each year's end and no
acquisition cost, matches m r / (1 + i - r) to 1e-6; with an acquisition cost of 1.5 x
the annual margin netted off, raising r by 5 points from any r in [0.8, 0.9] at i = 0.10
raises net customer value by 25-95% (Reichheld & Sasser 1990; Reichheld & Schefter
2000; Gupta, Lehmann & Stuart 2004).
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator import clv


@pytest.mark.parametrize(
    ("m", "r", "i"), [(100.0, 0.8, 0.10), (35.2, 0.9, 0.12), (1.0, 0.5, 0.0), (-20.0, 0.95, 0.05)]
)
def test_fact_7_finite_sum_converges_to_closed_form(m, r, i):
    expected = m * r / (1 + i - r)
    assert clv.clv_finite(np.full(2000, m), r, i) == pytest.approx(expected, abs=1e-6)
    assert clv.clv_closed_form(m, r, i) == pytest.approx(expected, rel=1e-12)
    # Two years by hand: margins at the ends of years 1 and 2, survival r and r^2.
    two = m * r / (1 + i) + m * r**2 / (1 + i) ** 2
    assert clv.clv_finite([m, m], r, i) == pytest.approx(two, rel=1e-12)


def test_fact_7_finite_sum_nets_acquisition_cost_and_short_horizon_falls_short():
    m, r, i = 100.0, 0.85, 0.10
    full = clv.clv_closed_form(m, r, i)
    assert clv.clv_finite(np.full(2000, m), r, i, 150.0) == pytest.approx(full - 150.0, abs=1e-6)
    assert clv.net_customer_value(m, r, i, 150.0) == pytest.approx(full - 150.0, rel=1e-12)
    # Ten years leave out exactly the discounted tail m q^11 / (1 - q), q = r / (1 + i).
    q = r / (1 + i)
    assert clv.clv_finite(np.full(10, m), r, i) == pytest.approx(
        full - m * q**11 / (1 - q), rel=1e-12
    )


R_GRID = np.round(np.arange(0.80, 0.9001, 0.02), 2)


@pytest.mark.parametrize("r", R_GRID)
def test_fact_7_five_points_of_retention(r):
    """+5 points of retention raise net value by 25-95% (Reichheld & Sasser 1990)."""
    i = 0.10
    for m in (1.0, 35.2, 250.0):  # the ratio must not depend on the margin's scale
        before = clv.net_customer_value(m, r, i, 1.5 * m)
        after = clv.net_customer_value(m, r + 0.05, i, 1.5 * m)
        assert 0.25 <= after / before - 1 <= 0.95, (m, r, after / before - 1)
        horizon = np.full(2000, m)
        finite_gain = clv.clv_finite(horizon, r + 0.05, i, 1.5 * m) / clv.clv_finite(
            horizon, r, i, 1.5 * m
        )
        assert finite_gain == pytest.approx(after / before, rel=1e-9)
