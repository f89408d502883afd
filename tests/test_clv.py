"""Customer value arithmetic (MODEL.md fact 7) and the BG/NBD / Gamma-Gamma fitters."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import clv


@pytest.mark.parametrize(("m", "r", "i"), [(100, 0.8, 0.1), (35.2, 0.9, 0.12), (1, 0.5, 0.0)])
def test_fact_7_finite_sum_matches_closed_form(m, r, i):
    assert clv.clv_finite(np.full(3000, m), r, i) == pytest.approx(m * r / (1 + i - r), abs=1e-6)
    assert clv.clv_closed_form(m, r, i) == pytest.approx(m * r / (1 + i - r), abs=1e-12)


@pytest.mark.parametrize("r", np.round(np.arange(0.80, 0.901, 0.02), 2))
def test_fact_7_five_points_of_retention(r):
    """Raising r by 5 points raises net customer value by 25-95% (Reichheld & Sasser 1990)."""
    m, i = 100.0, 0.10
    before = clv.net_customer_value(m, r, i, 1.5 * m)
    after = clv.net_customer_value(m, r + 0.05, i, 1.5 * m)
    assert 0.25 <= after / before - 1 <= 0.95


def test_input_validation():
    with pytest.raises(ValueError, match=r"retention\(=1.2\) must be in \[0, 1\)"):
        clv.clv_closed_form(1, 1.2, 0.1)
    with pytest.raises(ValueError, match=r"discount_rate\(=-0.1\)"):
        clv.clv_finite([1, 2], 0.5, -0.1)


def test_rfm_summary_by_hand():
    cust = [1, 1, 1, 1, 2, 3, 3]
    day = [0, 0, 10, 20, 5, 2, 9]
    spend = [5, 5, 20, 30, 7, 4, 6]
    out = clv.rfm_summary(cust, day, spend, observation_end=30)
    assert out.loc[1].tolist() == [2, 20, 30, 25.0]  # same-day duplicates: one occasion
    assert out.loc[2].tolist() == [0, 0, 25, 0.0]
    assert out.loc[3].tolist() == [1, 7, 28, 6.0]
    weeks = clv.rfm_summary(cust, day, spend, observation_end=28, time_unit=7)
    assert weeks.loc[3, "T"] == pytest.approx(26 / 7)


def _simulate_bgnbd(n, r, alpha, a, b, T, rng):
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    x = np.zeros(n, int)
    tx = np.zeros(n)
    for k in range(n):  # test-only reference simulator of the textbook process
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[k])
            if t > T:
                break
            x[k] += 1
            tx[k] = t
            if rng.random() < p[k]:
                break
    return x, tx, np.full(n, T)


def test_bgnbd_recovers_cdnow_parameters():
    rng = np.random.default_rng(2005)
    x, tx, T = _simulate_bgnbd(3000, 0.243, 4.414, 0.793, 2.426, 39.0, rng)
    fit = clv.fit_bgnbd(x, tx, T)
    assert 0.18 <= fit["r"] <= 0.31
    assert 3.0 <= fit["alpha"] <= 6.5
    # The fitted model predicts the mean number of repeat purchases it was fitted on.
    pred = clv.bgnbd_expected_purchases(39.0, fit["r"], fit["alpha"], fit["a"], fit["b"])
    assert pred == pytest.approx(x.mean(), rel=0.1)
    alive = clv.bgnbd_prob_alive(x, tx, T, fit["r"], fit["alpha"], fit["a"], fit["b"])
    assert np.all((alive > 0) & (alive <= 1)) and np.all(alive[x == 0] == 1)


def test_gamma_gamma_recovers_spend():
    rng = np.random.default_rng(7)
    n = 4000
    nu = rng.gamma(3.74, 1 / 15.44, n)
    x = rng.integers(1, 8, n)
    m = np.array([rng.gamma(6.25, 1 / nu[k], x[k]).mean() for k in range(n)])
    fit = clv.fit_gamma_gamma(x, m)
    mean_spend = fit["p"] * fit["v"] / (fit["q"] - 1)
    assert mean_spend == pytest.approx(6.25 * 15.44 / 2.74, rel=0.08)
    assert fit["p"] == pytest.approx(6.25, rel=0.25)
