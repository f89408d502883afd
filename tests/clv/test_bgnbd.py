"""The BG/NBD likelihood, fit, expected purchases and P(alive) (the estimation half
of stylized fact 1, docs/model.md §9).

The statistical tests simulate the textbook process with seeded generators, so their
outcomes are fixed; the tolerances are still set from the sampling spread over many
seeds (noted at each test), so that a different seed would pass too.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from simulator import clv

# CDNOW estimates in weeks (Fader, Hardie & Lee 2005, table 1), as in docs/model.md §8.
CDNOW = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


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


# ------------------------------------------------------------------- input validation


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


def test_fit_bgnbd_refuses_data_that_cannot_identify_the_model():
    with pytest.raises(ValueError, match=r"all 3 have frequency 0"):
        clv.fit_bgnbd([0, 0, 0], [0, 0, 0], [10, 20, 30])


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


# ------------------------------------------------------ likelihood, fit and predictions


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
