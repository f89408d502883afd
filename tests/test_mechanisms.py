"""A unit test for each mechanism's pure function (MODEL.md section 3-4)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.mechanisms import acquisition, choice, complaints, defection, purchase, satisfaction
from simulator.mechanisms import word_of_mouth as wom
from simulator.programme import campaigns, points, tiers


# ----------------------------------------------------------------- purchase (3.1)
def test_occasion_probability_is_poisson_daily_chance():
    rate = np.array([0.0, 0.1, 1.0])
    assert np.allclose(purchase.occasion_probability(rate), 1 - np.exp(-rate))
    assert np.allclose(purchase.occasion_probability(rate, 2.0), 1 - np.exp(-2 * rate))


def test_goal_gradient_shortens_last_interval_by_about_a_fifth():
    # gamma = 0.28 at progress ~0.8 (last step of a 5-visit cycle) vs 0 (first step).
    first = 1 / purchase.goal_gradient_multiplier(np.array([0.0]), 0.28)
    last = 1 / purchase.goal_gradient_multiplier(np.array([0.8]), 0.28)
    assert 0.15 < 1 - (last / first)[0] < 0.25
    assert purchase.goal_gradient_multiplier(np.array([5.0]), 0.28)[0] == pytest.approx(
        np.exp(0.28)
    )


def test_points_pressure_only_near_review_and_when_reachable():
    q = np.array([800.0, 100.0, 800.0])
    thr = np.array([1000.0, 1000.0, np.inf])
    exp = np.array([200.0, 200.0, 200.0])
    m = purchase.points_pressure_multiplier(q, thr, exp, days_to_review=30, strength=0.15)
    assert m[0] == pytest.approx(1 + 0.15 * 0.8) and m[1] == 1 and m[2] == 1
    far = purchase.points_pressure_multiplier(q, thr, exp, days_to_review=90, strength=0.15)
    assert np.all(far == 1)


# ------------------------------------------------------------------- choice (3.2)
def test_choice_probabilities_respect_consideration():
    u = np.array([[1.0, 2.0, 0.0], [1.0, 2.0, 0.0]])
    considered = np.array([[True, True, True], [True, False, True]])
    p = choice.choice_probabilities(u, considered)
    assert np.allclose(p.sum(axis=1), 1)
    assert p[1, 1] == 0
    assert p[0, 1] / p[0, 0] == pytest.approx(np.e)


def test_sample_choice_matches_probabilities():
    rng = np.random.default_rng(0)
    probs = np.tile([0.2, 0.5, 0.3], (200_000, 1))
    picks = choice.sample_choice(probs, rng.random(200_000))
    assert np.allclose(np.bincount(picks, minlength=3) / 200_000, [0.2, 0.5, 0.3], atol=0.005)


def test_calibrated_constants_reproduce_shares_and_skip():
    rng = np.random.default_rng(1)
    base = rng.normal(size=(3000, 3))
    asc = choice.calibrate_constants(
        base, np.ones_like(base, bool), np.array([0.3, 0.45, 0.25]), 0.05
    )
    u = np.concatenate([base + asc, np.zeros((3000, 1))], axis=1)
    shares = choice.choice_probabilities(u, np.ones_like(u, bool)).mean(axis=0)
    assert np.allclose(shares, [0.285, 0.4275, 0.2375, 0.05], atol=1e-6)


def test_habit_smoothing():
    h = np.full((2, 3), 1 / 3, dtype=np.float32)
    out = choice.update_habit(h, np.array([1, 3], dtype=np.int8), 0.875)
    assert out[0] == pytest.approx([0.875 / 3, 0.875 / 3 + 0.125, 0.875 / 3])
    assert out[1] == pytest.approx([0.875 / 3] * 3)  # bought nowhere: decay only


def test_price_elasticity_at_default_beta():
    # -beta_P (1 - share) = -2.62 at a 30% share (Bijmolt et al. 2005).
    u = np.array([[0.0, np.log(0.7 / 0.3)]])
    base = choice.choice_probabilities(np.c_[u, [[-50.0]]], np.ones((1, 3), bool))[0, 0]
    bumped = choice.choice_probabilities(
        np.c_[u + [[-3.74 * np.log(1.0001), 0]], [[-50.0]]], np.ones((1, 3), bool)
    )[0, 0]
    assert (bumped / base - 1) / 0.0001 == pytest.approx(-2.62, abs=0.03)


# ------------------------------------------------------------- satisfaction (3.3)
def _s(expectation, quality=7.0):
    return satisfaction.transaction_satisfaction(
        np.array([quality]), np.array([expectation]), np.array([1.0]), np.array([1.0])
    )[0]


@pytest.mark.parametrize("x", [0.5, 1.0, 1.5])
def test_stylized_fact_2_asymmetry(x):
    """Fact 2: -x moves s 1.5-3 times as much as +x; +2x moves it less than twice +x."""
    neutral = _s(7.0)
    gain = _s(7.0 - x) - neutral  # quality above expectation by x
    loss = neutral - _s(7.0 + x)  # quality below expectation by x
    assert 1.5 <= loss / gain <= 3.0
    gain2 = _s(7.0 - 2 * x) - neutral
    assert gain2 < 2 * gain


def test_value_function_shape():
    v = satisfaction.value_function(np.array([-1.0, 0.0, 1.0, 2.0]))
    assert v[0] == pytest.approx(-2.25) and v[1] == 0 and v[2] == 1
    assert v[3] == pytest.approx(2**0.88)


def test_price_disconfirmation_rewards_a_lower_price():
    lower = satisfaction.transaction_satisfaction(
        np.array([7.0]), np.array([7.0]), np.array([1.0]), np.array([0.9])
    )
    higher = satisfaction.transaction_satisfaction(
        np.array([7.0]), np.array([7.0]), np.array([1.0]), np.array([1.1])
    )
    assert lower[0] > 7.0 > higher[0]


def test_satisfaction_is_clipped_and_smoothed():
    assert _s(0.0, quality=10.0) == 10.0
    assert satisfaction.smooth(np.array([8.0]), np.array([4.0]), 0.15)[0] == pytest.approx(7.4)


def test_failure_subtracts_quality():
    q = satisfaction.experienced_quality(
        8.7, np.zeros(2), 0.0, np.zeros(2), np.array([False, True]), 3.0
    )
    assert q.tolist() == pytest.approx([8.7, 5.7])


# ---------------------------------------------------------------- defection (3.4)
def _h(s, **kw):
    params = dict(h_min=0.0002, h_max=0.01, k_s=2.0, s50=6.0, intensity=0.5)
    params.update(kw)
    return defection.defection_hazard(np.asarray(s, float), np.zeros(np.size(s)), **params)


def test_hazard_falls_with_satisfaction_and_zones():
    s = np.linspace(0, 10, 21)
    h = _h(s)
    assert np.all(np.diff(h) < 0)
    assert _h([4.0])[0] > 5 * _h([9.5])[0]  # defection zone vs affection zone


def test_quasi_monopoly_is_flat():
    h = _h(np.linspace(0, 10, 11), intensity=0.0)
    assert np.allclose(h, 0.0002)


def test_members_discount_bad_experiences_monotone_and_continuous():
    s = np.linspace(0, 10, 101)
    sp = defection.perceived_satisfaction(s, np.ones_like(s, bool), 0.3)
    assert np.all(np.diff(sp) > 0)
    assert sp[70] == pytest.approx(7.0) and sp[0] == pytest.approx(2.1)
    assert np.all(sp[71:] == s[71:])


def test_switching_costs_and_referral_damp_hazard():
    base = _h([6.0])[0]
    sc = defection.switching_cost(np.array([365.0]), 0.0)
    assert sc[0] == pytest.approx(0.3 + 0.5 * (1 - np.exp(-1)))
    damped = defection.defection_hazard(
        np.array([6.0]),
        sc,
        h_min=0.0002,
        h_max=0.01,
        k_s=2.0,
        s50=6.0,
        intensity=0.5,
        referral_factor=0.82,
    )
    assert damped[0] == pytest.approx(base * np.exp(-sc[0]) * 0.82)


def test_winback_hazard():
    h = defection.winback_hazard(np.array([2.0, 5.0, 5.0]), np.array([0.0, 0.0, 0.2]))
    assert h[0] == 0 and h[1] == pytest.approx(0.0005) and h[2] == pytest.approx(0.0005 * np.e)


# --------------------------------------------------------------- complaints (3.3)
def test_complaint_probability():
    p = complaints.complaint_probability(
        np.array([3.0, 3.0, 5.0]),
        np.array([False, True, True]),
        threshold=4,
        rate=0.04,
        rate_after_failure=0.3,
    )
    assert p.tolist() == [0.04, 0.3, 0.0]


def test_recovery_paradox_restores_satisfaction():
    s_before = np.array([8.0])
    s_tx = np.array([3.0])
    s_now = satisfaction.smooth(s_before, s_tx, 0.15)
    rec = complaints.recovered_satisfaction(s_now, s_tx, s_before, omega=0.15, lift=0.3)
    assert rec[0] >= s_before[0]


# ----------------------------------------------------------- word-of-mouth (3.6)
def test_talk_rates_by_class():
    n = 400_000
    rng = np.random.default_rng(2)
    ltr = np.repeat(np.array([3, 8, 10], dtype=np.int8), n)
    v = wom.talk(
        ltr,
        rng.random(3 * n),
        rng.random(3 * n),
        promoter_rate=0.015,
        passive_rate=0.004,
        passive_positive=0.7,
        detractor_rate=0.03,
    )
    det, pas, pro = v[:n], v[n : 2 * n], v[2 * n :]
    assert (det != 0).mean() == pytest.approx(0.03, rel=0.05) and np.all(det <= 0)
    assert (pro != 0).mean() == pytest.approx(0.015, rel=0.05) and np.all(pro >= 0)
    assert (pas > 0).sum() / (pas != 0).sum() == pytest.approx(0.7, abs=0.03)


def test_expected_nps_matches_simulated_ltr():
    rng = np.random.default_rng(3)
    s = rng.normal(8.0, 0.9, 200_000)
    ltr = wom.likelihood_to_recommend(s, rng.normal(0, 0.7, s.size))
    simulated = 100 * ((ltr >= 9).mean() - (ltr <= 6).mean())
    assert wom.expected_nps(s, 0.7) == pytest.approx(simulated, abs=0.5)


def test_decay_half_life():
    assert wom.decay_factor(30) ** 30 == pytest.approx(0.5)


# ------------------------------------------------------------- acquisition (3.7)
def test_bass_half_time():
    assert acquisition.bass_half_time(0.03, 0.38) == pytest.approx(6.55, abs=0.01)
    h = acquisition.awareness_hazard(np.array([0.0, 0.5]), p_ext=0.03, q_int=0.38, advertising=2)
    assert h.tolist() == pytest.approx([0.06 / 365, (0.06 + 0.19) / 365])


# ------------------------------------------------------------------ points (4.1)
def test_bucket_layout_and_fifo():
    assert points.bucket_layout("rolling", 365) == (13, 30)
    assert points.bucket_layout("none", 365)[0] == 1
    b = np.array([[5, 10, 20]], dtype=np.int32)  # newest = column 0 -> oldest is column 1
    order = points.bucket_order(0, 3)
    assert order.tolist() == [1, 2, 0]
    points.deduct_fifo(b, np.array([0]), np.array([12]), order)
    assert b.tolist() == [[5, 0, 18]]
    with pytest.raises(ValueError, match="negative"):
        points.deduct_fifo(b, np.array([0]), np.array([100]), order)


def test_earned_points_are_whole_and_rewards_chosen():
    assert points.earned_points(np.array([9.99, 10.0]), 1.0, 1.5).tolist() == [14, 15]
    assert points.choose_reward(
        np.array([49, 50, 120, 1000]), np.array([50, 100, 500])
    ).tolist() == [-1, 0, 1, 2]
    assert points.breakage_rate(70, 30) == pytest.approx(0.3)


# ------------------------------------------------------------------- tiers (4.2)
def test_status_dilution_and_tier_below():
    """Fact 9 (status): enlarging gold lowers gold status; adding silver does not."""
    # levels: base, gold
    small_gold = tiers.status_values(np.array([1.0, 0.05]), np.array([False, True]))
    big_gold = tiers.status_values(np.array([1.0, 0.20]), np.array([False, True]))
    assert big_gold[1] < small_gold[1]
    # levels: base, silver, gold with the same gold share
    with_silver = tiers.status_values(np.array([1.0, 0.20, 0.05]), np.array([False, True, True]))
    assert with_silver[2] >= small_gold[1]
    assert small_gold[1] == pytest.approx(0.5)


def test_review_and_demotion_penalty():
    cur = np.array([2, 2, 0], dtype=np.int8)
    qual = np.array([0, 1, 1], dtype=np.int8)
    assert tiers.review_level(cur, qual, soft_landing=True).tolist() == [1, 1, 1]
    assert tiers.review_level(cur, qual, soft_landing=False).tolist() == [0, 1, 1]
    pen = tiers.demotion_penalty(np.array([0.5]), np.array([180]), factor=2.0)
    assert pen[0] == pytest.approx(0.5)
    assert tiers.qualified_level(np.array([0, 100, 600]), np.array([100.0, 500.0])).tolist() == [
        0,
        1,
        2,
    ]


def test_campaign_targeting():
    mask = campaigns.target_mask(
        segment=np.array([0, 1, 1]),
        segment_codes=[1],
        tier=None,
        tier_codes=None,
        satisfaction=np.array([5.0, 5.0, 8.0]),
        max_satisfaction=6.0,
        days_since_visit=np.array([0, 40, 40]),
        min_days_since_visit=30,
        eligible=np.ones(3, bool),
    )
    assert mask.tolist() == [False, True, False]


def test_choose_matches_normalised_sampling():
    rng = np.random.default_rng(4)
    u = rng.normal(size=(50_000, 3)).astype(np.float32)
    considered = rng.random((50_000, 3)) < 0.8
    uni = rng.random(50_000).astype(np.float32)
    fast = choice.choose(u, considered, uni)
    full = np.concatenate([u, np.zeros((50_000, 1), np.float32)], axis=1)
    cons = np.concatenate([considered, np.ones((50_000, 1), bool)], axis=1)
    slow = choice.sample_choice(choice.choice_probabilities(full, cons), uni)
    assert (fast == slow).mean() > 0.999  # identical up to float rounding at the edges
    assert not np.any(~considered[np.arange(50_000)[fast < 3], fast[fast < 3]])
