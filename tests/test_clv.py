"""Customer value arithmetic (MODEL.md fact 7), the RFM summary and the BG/NBD and
Gamma-Gamma fitters (the estimation half of fact 1).

The statistical tests simulate the textbook processes with seeded generators, so their
outcomes are fixed; the tolerances are still set from the sampling spread over many
seeds (noted at each test), so that a different seed would pass too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from simulator import clv

# CDNOW estimates in weeks (Fader, Hardie & Lee 2005, table 1) and the Gamma-Gamma
# spend estimates (Fader, Hardie & Lee 2005b), as in MODEL.md section 8.
CDNOW = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
GG = {"p": 6.25, "q": 3.74, "v": 15.44}


# ------------------------------------------------------------------ reference simulators


def simulate_bgnbd(
    n: int, r: float, alpha: float, a: float, b: float, T: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Textbook BG/NBD customers observed for ``T`` after a first purchase at time 0.

    While active a customer buys at Poisson rate lambda ~ Gamma(r, rate alpha); after
    each repeat purchase she drops out with probability p ~ Beta(a, b), so the repeat
    purchase after which she drops out is K ~ Geometric(p) (K >= 1). With N ~
    Poisson(lambda T) purchases the active process would make in (0, T], she makes
    x = min(K, N), and is still active at T iff K > N. Given N, the arrival times are
    N sorted Uniform(0, T) draws, so the x-th one is T * Beta(x, N - x + 1).

    Returns x, t_x, T and the true alive-at-T indicator.
    """
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    k = rng.geometric(p)
    n_arrivals = rng.poisson(lam * T)
    x = np.minimum(k, n_arrivals)
    tx = np.zeros(n)
    rep = x > 0
    tx[rep] = T * rng.beta(x[rep], n_arrivals[rep] - x[rep] + 1)
    return x, tx, np.full(n, T), k > n_arrivals


def simulate_bgnbd_loop(
    n: int, r: float, alpha: float, a: float, b: float, T: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """The same process event by event: the literal story the vectorised one shortcuts."""
    x = np.zeros(n, dtype=int)
    tx = np.zeros(n)
    for c in range(n):
        lam = rng.gamma(r, 1.0 / alpha)
        p = rng.beta(a, b)
        t = 0.0
        while True:
            t += rng.exponential(1.0 / lam)
            if t > T:
                break
            x[c] += 1
            tx[c] = t
            if rng.random() < p:
                break
    return x, tx


def simulate_gamma_gamma(
    x: np.ndarray, p: float, q: float, v: float, rng: np.random.Generator
) -> np.ndarray:
    """Mean of x spends, each Gamma(p, rate nu), with nu ~ Gamma(q, rate v) per customer.

    The sum of x Gamma(p, rate nu) draws is Gamma(p x, rate nu), hence one draw each.
    """
    nu = rng.gamma(q, 1.0 / v, x.size)
    return rng.gamma(p * x, 1.0 / nu) / x


# ---------------------------------------------------------- fact 7: value arithmetic


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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([1, 2], [3], [0.5], 0.2, 1, 1, 1), r"recency\(=3 at index 0\) must be <= T\(=0\.5\)"),
        (([0], [2], [5], 0.2, 1, 1, 1), r"recency\(=2 at index 0\) must be 0 when frequency is 0"),
        (([1.5], [2], [5], 0.2, 1, 1, 1), r"frequency\(=1\.5 at index 0\) must be a whole number"),
        (([-1], [0], [5], 0.2, 1, 1, 1), r"frequency\(=-1 at index 0\) must be >= 0"),
        (([1], [2], [5], 0.2, 0.0, 1, 1), r"alpha\(=0\) must be > 0"),
    ],
)
def test_bgnbd_functions_reject_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        clv.bgnbd_prob_alive(*args)


def test_fitters_refuse_data_that_cannot_identify_the_model():
    with pytest.raises(ValueError, match=r"all 3 have frequency 0"):
        clv.fit_bgnbd([0, 0, 0], [0, 0, 0], [10, 20, 30])
    with pytest.raises(ValueError, match=r"needs customers with repeat purchases"):
        clv.fit_gamma_gamma([0, 0], [0.0, 0.0])
    with pytest.raises(ValueError, match=r"monetary_value\(=-3 at index 1\) must be > 0"):
        clv.fit_gamma_gamma([1, 2], [4.0, -3.0])


def test_fit_that_runs_out_of_iterations_raises_convergence_error():
    rng = np.random.default_rng(1)
    x, tx, T, _ = simulate_bgnbd(500, **CDNOW, T=39.0, rng=rng)
    with pytest.raises(clv.ConvergenceError, match=r"BG/NBD fit did not converge within maxiter=5"):
        clv.fit_bgnbd(x, tx, T, maxiter=5)


def test_fit_with_no_dropout_signal_reports_the_drifting_parameter():
    # Everyone buys steadily to the end of the window: nothing suggests dropout, so the
    # likelihood rises without bound as the mean dropout probability a / (a + b) -> 0.
    x = np.array([3, 5, 8, 2, 6, 4] * 20)
    T = np.full(x.size, 40.0)
    tx = T - 0.01
    with pytest.raises(clv.ConvergenceError, match=r"drifted to .* no interior maximum"):
        clv.fit_bgnbd(x, tx, T)


# ------------------------------------------------------------------------ RFM summary


def test_rfm_summary_by_hand():
    log = pd.DataFrame(
        [
            # customer, day, spend
            ("c1", 0, 5.0),
            ("c1", 0, 5.0),  # same day as the first: one occasion worth 10
            ("c1", 10, 20.0),
            ("c1", 10.7, 4.0),  # still day 10: that occasion is worth 24
            ("c1", 20, 30.0),
            ("c2", 5, 7.0),  # a single purchase: no repeat, monetary 0
            ("c3", 9, 6.0),  # log out of order on purpose
            ("c3", 2, 4.0),
            ("c3", 2, 1.0),
        ],
        columns=["customer_id", "day", "spend"],
    )
    out = clv.rfm_summary(log.customer_id, log.day, log.spend, observation_end=30)
    assert out.index.tolist() == ["c1", "c2", "c3"]
    assert out.index.name == "customer_id"
    assert out.columns.tolist() == ["frequency", "recency", "T", "monetary_value"]
    assert out["frequency"].tolist() == [2, 0, 1]
    assert out["recency"].tolist() == [20.0, 0.0, 7.0]
    assert out["T"].tolist() == [30.0, 25.0, 28.0]
    assert out["monetary_value"].tolist() == [27.0, 0.0, 6.0]  # c1: mean(24, 30)

    weeks = clv.rfm_summary(log.customer_id, log.day, log.spend, observation_end=30, time_unit=7)
    np.testing.assert_allclose(weeks["recency"], [20 / 7, 0, 1.0])
    np.testing.assert_allclose(weeks["T"], [30 / 7, 25 / 7, 4.0])
    assert weeks["frequency"].tolist() == [2, 0, 1]


def test_rfm_summary_rejects_bad_logs():
    with pytest.raises(ValueError, match=r"observation_end\(=9\) must be >= every transaction"):
        clv.rfm_summary([1, 1], [0, 12], [1, 1], observation_end=9)
    with pytest.raises(ValueError, match=r"equal length, got lengths 2, 1, 2"):
        clv.rfm_summary([1, 2], [0], [1, 1], observation_end=9)
    with pytest.raises(ValueError, match=r"time_unit\(=0\) must be > 0"):
        clv.rfm_summary([1], [0], [1], observation_end=9, time_unit=0)
    with pytest.raises(ValueError, match=r"customer_id has a missing value at row 1"):
        clv.rfm_summary(["a", None], [0, 1], [1, 1], observation_end=9)
    with pytest.raises(ValueError, match=r"empty"):
        clv.rfm_summary([], [], [], observation_end=9)


def _rfm_by_loop(customer_id, day, spend, observation_end, time_unit):
    """Reference: the lifetimes definitions applied one customer at a time."""
    occasions: dict = {}
    for c, d, s in zip(customer_id, np.floor(day), spend, strict=True):
        occasions.setdefault(c, {}).setdefault(d, 0.0)
        occasions[c][d] += s
    rows = {}
    for c, by_day in occasions.items():
        days = sorted(by_day)
        repeat = [by_day[d] for d in days[1:]]
        rows[c] = (
            len(days) - 1,
            (days[-1] - days[0]) / time_unit,
            (observation_end - days[0]) / time_unit,
            float(np.mean(repeat)) if repeat else 0.0,
        )
    return pd.DataFrame.from_dict(
        rows, orient="index", columns=["frequency", "recency", "T", "monetary_value"]
    ).sort_index()


def test_rfm_summary_matches_a_per_customer_reference():
    # A random log dense enough that many customers buy twice on one day.
    rng = np.random.default_rng(11)
    n = 3000
    ids = rng.integers(0, 400, n)
    day = rng.integers(0, 60, n) + rng.choice([0.0, 0.25, 0.9], n)
    spend = rng.gamma(2.0, 10.0, n).round(2)
    for unit in (1.0, 7.0):
        got = clv.rfm_summary(ids, day, spend, observation_end=61, time_unit=unit)
        want = _rfm_by_loop(ids, day, spend, 61, unit)
        np.testing.assert_array_equal(got.index.to_numpy(), want.index.to_numpy())
        np.testing.assert_array_equal(got["frequency"], want["frequency"])
        np.testing.assert_allclose(got[["recency", "T"]], want[["recency", "T"]], rtol=1e-12)
        np.testing.assert_allclose(got["monetary_value"], want["monetary_value"], rtol=1e-12)
    assert (got["frequency"] < pd.Series(ids).value_counts().sort_index() - 1).any()


# ------------------------------------------------------------------------------ BG/NBD


@pytest.mark.parametrize(("x", "tx", "T"), [(0, 0.0, 39.0), (1, 5.0, 39.0), (4, 30.0, 39.0)])
def test_bgnbd_likelihood_matches_numerical_integration(x, tx, T):
    """The closed form equals the individual likelihood integrated over lambda and p.

    Individual level: L(lambda, p) = (1-p)^x lambda^x e^(-lambda T)
    + [x > 0] p (1-p)^(x-1) lambda^x e^(-lambda t_x); each term factorises in lambda and
    p, so four one-dimensional quadratures suffice.
    """
    r, alpha, a, b = CDNOW.values()
    lam = stats.gamma(r, scale=1 / alpha)
    drop = stats.beta(a, b)
    e_lam = lam.expect(lambda u: u**x * np.exp(-u * T))
    total = drop.expect(lambda p: (1 - p) ** x) * e_lam
    if x > 0:
        e_lam_tx = lam.expect(lambda u: u**x * np.exp(-u * tx))
        total += drop.expect(lambda p: p * (1 - p) ** (x - 1)) * e_lam_tx
    got = clv.bgnbd_log_likelihood([x], [tx], [T], **CDNOW)
    assert got[0] == pytest.approx(np.log(total), rel=1e-6)


def test_vectorised_simulator_agrees_with_the_event_by_event_one():
    n = 4000
    fast = simulate_bgnbd(n, **CDNOW, T=39.0, rng=np.random.default_rng(3))
    slow = simulate_bgnbd_loop(n, **CDNOW, T=39.0, rng=np.random.default_rng(4))
    for a_, b_ in zip(fast[:2], slow, strict=True):
        # Two-sample KS on x and on t_x among repeaters: same process, same law.
        assert stats.ks_2samp(a_, b_).pvalue > 0.01
    assert stats.ks_2samp(fast[1][fast[0] > 0], slow[1][slow[0] > 0]).pvalue > 0.01


def test_expected_purchases_and_prob_alive_match_simulation():
    n, T = 200_000, 39.0
    x, tx, t_obs, alive = simulate_bgnbd(n, **CDNOW, T=T, rng=np.random.default_rng(5))
    for t in (10.0, 39.0):
        xt, *_ = simulate_bgnbd(n, **CDNOW, T=t, rng=np.random.default_rng(6))
        se = xt.std() / np.sqrt(n)
        assert clv.bgnbd_expected_purchases(t, **CDNOW) == pytest.approx(xt.mean(), abs=4 * se)
    assert clv.bgnbd_expected_purchases(0.0, **CDNOW) == 0.0
    # E[P(alive | history)] = P(alive): the conditional probability is calibrated, overall
    # and among repeat buyers; with no repeat purchase a BG/NBD customer cannot have left.
    p_alive = clv.bgnbd_prob_alive(x, tx, t_obs, **CDNOW)
    assert np.all(p_alive[x == 0] == 1.0)
    rep = x > 0
    se = np.sqrt(alive[rep].var() / rep.sum())
    assert p_alive[rep].mean() == pytest.approx(alive[rep].mean(), abs=4 * se)
    low, high = p_alive[rep] < 0.5, p_alive[rep] >= 0.5
    assert alive[rep][low].mean() < 0.5 < alive[rep][high].mean()


def test_expected_purchases_is_continuous_through_a_equal_one():
    near = [clv.bgnbd_expected_purchases(20.0, 0.5, 4.0, a, 2.0) for a in (1 - 1e-3, 1, 1 + 1e-3)]
    assert near[1] == pytest.approx(0.5 * (near[0] + near[2]), rel=1e-5)


def test_bgnbd_recovers_cdnow_parameters():
    """Seed 2005, 3000 customers, 39 weeks (gives r = 0.229, alpha = 3.96).

    Over seeds 0-99 of this design the estimates ranged r 0.22-0.26, alpha 3.7-5.3,
    a 0.50-1.23, b 1.4-4.4, and E[X(39)] stayed within 2% of the mean repeat count.
    """
    rng = np.random.default_rng(2005)
    x, tx, T, _ = simulate_bgnbd(3000, **CDNOW, T=39.0, rng=rng)
    fit = clv.fit_bgnbd(x, tx, T)
    assert set(fit) == {"r", "alpha", "a", "b"}
    assert 0.18 <= fit["r"] <= 0.31
    assert 3.0 <= fit["alpha"] <= 6.5
    assert 0.45 <= fit["a"] <= 1.4
    assert 1.2 <= fit["b"] <= 5.5
    # The fit is a maximum: nudging any parameter lowers the log-likelihood.
    ll = clv.bgnbd_log_likelihood(x, tx, T, **fit).sum()
    assert ll >= clv.bgnbd_log_likelihood(x, tx, T, **CDNOW).sum()
    for name in fit:
        for step in (0.98, 1.02):
            nudged = fit | {name: fit[name] * step}
            assert clv.bgnbd_log_likelihood(x, tx, T, **nudged).sum() < ll
    # A maximum-likelihood BG/NBD reproduces the mean repeat count it was fitted on.
    pred = clv.bgnbd_expected_purchases(39.0, **fit)
    assert pred == pytest.approx(x.mean(), rel=0.05)


def test_bgnbd_fit_is_invariant_to_the_time_unit():
    rng = np.random.default_rng(8)
    x, tx, T, _ = simulate_bgnbd(2000, **CDNOW, T=39.0, rng=rng)
    weeks = clv.fit_bgnbd(x, tx, T)
    days = clv.fit_bgnbd(x, 7 * tx, 7 * T)
    assert days["r"] == pytest.approx(weeks["r"], rel=1e-3)
    assert days["alpha"] == pytest.approx(7 * weeks["alpha"], rel=1e-3)
    assert days["a"] == pytest.approx(weeks["a"], rel=1e-3)


# ------------------------------------------------------------------------- Gamma-Gamma


@pytest.mark.parametrize(("x", "m"), [(1, 12.0), (3, 35.2), (10, 80.0)])
def test_gamma_gamma_likelihood_matches_numerical_integration(x, m):
    # The mean of x Gamma(p, rate nu) spends is Gamma(p x, rate x nu); integrate over nu.
    p, q, v = GG.values()
    dens = stats.gamma(q, scale=1 / v).expect(
        lambda nu: stats.gamma.pdf(m, p * x, scale=1 / (x * nu))
    )
    got = clv.gamma_gamma_log_likelihood([x], [m], **GG)
    assert got[0] == pytest.approx(np.log(dens), rel=1e-6)


def test_gamma_gamma_recovers_spend():
    """Seed 7, 3000 repeat customers with 1-12 repeat purchases each.

    Over seeds 0-99 of this design the fitted mean spend p v / (q - 1) stayed within
    -3% / +5% of 35.2 and q within 10% of 3.74, but p ranged 4.5-10.6 and v 8.7-24.5:
    p is told apart from v only by how the spread of a customer's mean spend shrinks
    with x, a small part of the spread next to the heterogeneity across customers.
    """
    rng = np.random.default_rng(7)
    x = rng.integers(1, 13, 3000)
    m = simulate_gamma_gamma(x, **GG, rng=rng)
    # Customers without repeat purchases carry monetary value 0 and must be ignored.
    fit = clv.fit_gamma_gamma(np.r_[x, 0, 0], np.r_[m, 0.0, 0.0])
    assert set(fit) == {"p", "q", "v"}
    mean_spend = fit["p"] * fit["v"] / (fit["q"] - 1)
    assert mean_spend == pytest.approx(GG["p"] * GG["v"] / (GG["q"] - 1), rel=0.06)
    assert fit["q"] == pytest.approx(GG["q"], rel=0.15)
    assert 0.6 * GG["p"] <= fit["p"] <= 1.8 * GG["p"]
    assert 0.5 * GG["v"] <= fit["v"] <= 1.8 * GG["v"]
    ll = clv.gamma_gamma_log_likelihood(x, m, **fit).sum()
    assert ll >= clv.gamma_gamma_log_likelihood(x, m, **GG).sum()
    for name in fit:
        for step in (0.98, 1.02):
            nudged = fit | {name: fit[name] * step}
            assert clv.gamma_gamma_log_likelihood(x, m, **nudged).sum() < ll


def test_gamma_gamma_expected_spend_shrinks_towards_the_population_mean():
    p, q, v = GG.values()
    pop = p * v / (q - 1)
    got = clv.gamma_gamma_expected_spend([0, 1, 5, 1000], [0.0, 60.0, 60.0, 60.0], **GG)
    assert got[0] == pytest.approx(pop)
    assert pop < got[1] < got[2] < got[3] < 60.0
    assert got[3] == pytest.approx(60.0, rel=1e-3)
    # By hand, x = 1: (p (v + m)) / (p + q - 1).
    assert got[1] == pytest.approx(6.25 * (15.44 + 60.0) / (6.25 + 2.74))
    with pytest.raises(ValueError, match=r"q\(=0\.9\) must be > 1"):
        clv.gamma_gamma_expected_spend([1], [10.0], p, 0.9, v)
