"""The base process fitted to a log: recovery on a synthetic log, CDNOW's published
estimates, the mixture, and BG/NBD's conditional expectation."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from simulator import clv
from simulator.calibration.fit import fit_base
from simulator.calibration.log import read_log
from simulator.clv.posterior import draw_posterior
from tests.calibration.conftest import CDNOW, SPEND, TRUTH, synthetic_log

# Fader, Hardie & Lee (2005), table 1 (weeks), and the Gamma-Gamma of Fader, Hardie &
# Lee (2005b) on the same 2,357 customers.
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_SPEND = {"p": 6.25, "q": 3.74, "v": 15.44}


def _arrays(frame):
    c = frame["customer_id"].to_numpy() - 1000
    d = (np.array(frame["date"], dtype="datetime64[D]") - np.datetime64("2024-01-01")).astype(int)
    return c, d, frame["amount"].to_numpy()


def test_recovers_the_parameters_of_a_synthetic_log():
    c, d, amount = _arrays(synthetic_log(3000, 280, seed=1))
    fit = fit_base(c, d, amount, 279)
    (seg,) = fit.segments
    # Tolerances from the sampling spread of five seeds (r, alpha within 6%, a and b
    # within 20%): the ratios the forecast rests on are tighter than the parameters.
    assert seg.r == pytest.approx(TRUTH["r"], rel=0.10)
    assert seg.alpha == pytest.approx(TRUTH["alpha"], rel=0.12)
    assert seg.r / seg.alpha == pytest.approx(TRUTH["r"] / TRUTH["alpha"], rel=0.08)
    mean_p = TRUTH["a"] / (TRUTH["a"] + TRUTH["b"])
    assert seg.a / (seg.a + seg.b) == pytest.approx(mean_p, rel=0.10)
    for k, v in SPEND.items():
        assert fit.spend[k] == pytest.approx(v, rel=0.2), k


def test_cdnow_calibration_gives_the_published_estimates():
    end = date(1997, 9, 30)
    log = read_log(
        CDNOW, customer_col="customer_id", date_col="date", amount_col="amount", until=end
    )
    assert log.customers == 2357
    fit = fit_base(log.customer, log.day, log.amount, log.day_of(end))
    (seg,) = fit.segments
    for k, v in PUBLISHED.items():
        assert getattr(seg, k) == pytest.approx(v, rel=0.005), k
    for k, v in PUBLISHED_SPEND.items():
        assert fit.spend[k] == pytest.approx(v, rel=0.005), k


@pytest.mark.slow
def test_a_two_segment_mixture_finds_a_fast_and_a_slow_segment():
    fast = {"r": 2.0, "alpha": 2.0, "a": 1.0, "b": 8.0}
    slow = {"r": 2.0, "alpha": 40.0, "a": 1.0, "b": 8.0}
    a = synthetic_log(1500, 280, seed=5, params=fast)
    b = synthetic_log(1500, 280, seed=6, params=slow)
    b["customer_id"] += 10_000
    frame = a._append(b, ignore_index=True) if hasattr(a, "_append") else None
    c1, d1, m1 = _arrays(a)
    c2, d2, m2 = _arrays(b)
    c = np.concatenate([c1, c2 - 10_000 + 1500])
    fit = fit_base(c, np.concatenate([d1, d2]), np.concatenate([m1, m2]), 279, segments=2)
    low, high = fit.segments
    assert low.share == pytest.approx(0.5, abs=0.1) and high.share == pytest.approx(0.5, abs=0.1)
    assert high.r / high.alpha == pytest.approx(1.0, rel=0.2)
    assert low.r / low.alpha == pytest.approx(0.05, rel=0.3)
    # Membership follows the truth for most customers.
    assert (fit.membership[:1500, 1] > 0.5).mean() > 0.8
    assert (fit.membership[1500:, 0] > 0.5).mean() > 0.8
    del frame
    assert fit.log_likelihood > fit_base(c, np.concatenate([d1, d2]), None, 279).log_likelihood


def test_posterior_draws_reproduce_p_alive_and_the_conditional_expectation():
    c, d, amount = _arrays(synthetic_log(3000, 280, seed=2))
    fit = fit_base(c, d, amount, 279)
    seg = fit.segments[0]
    rfm = fit.rfm
    x, tx, t = (rfm[k].to_numpy() for k in ("frequency", "recency", "T"))
    one = [seg.params()]
    draws = [
        draw_posterior(x, tx, t, np.ones((x.size, 1)), one, np.random.default_rng(k))
        for k in range(20)
    ]
    alive = np.mean([s["alive"].mean() for s in draws])
    assert alive == pytest.approx(np.mean(clv.bgnbd_prob_alive(x, tx, t, **seg.params())), abs=0.01)
    # Expected purchases over the next 10 weeks from the drawn state, in continuous
    # time, against BG/NBD's equation (10).
    horizon = 10.0
    expected = []
    for s in draws:
        lam = s["rate"]
        # An active customer's expected purchases over t with dropout p after each one:
        # (1 - exp(-lam p t)) / p.
        expected.append(
            np.where(s["alive"], -np.expm1(-lam * s["dropout"] * horizon) / s["dropout"], 0).sum()
        )
    truth = clv.bgnbd_conditional_expected_purchases(horizon, x, tx, t, **seg.params()).sum()
    assert np.mean(expected) == pytest.approx(truth, rel=0.02)
