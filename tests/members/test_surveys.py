"""Simulated surveys (docs/model.md §11.1): answers, response, scores and their interval."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.members import surveys as sv

RESPONSE = dict(base_rate=0.2, extremity_weight=0.0, recency_weight=0.0, engagement_weight=0.0)


def _hist(answers: np.ndarray, kind: str) -> np.ndarray:
    lo, hi = sv.SCALES[kind]
    return np.bincount(answers - lo, minlength=hi - lo + 1).astype(float)


@pytest.mark.parametrize("kind", ["nps", "csat", "ces"])
def test_a_larger_sample_narrows_the_interval(kind):
    rng = np.random.default_rng(0)
    lo, hi = sv.SCALES[kind]
    population = rng.integers(lo, hi + 1, 100_000)
    widths = [sv.score(_hist(population[:n], kind), kind)[1] for n in (100, 400, 1600)]
    assert widths[0] > widths[1] > widths[2]
    # The interval shrinks as 1/sqrt(n): four times the sample, half the width.
    assert widths[0] / widths[1] == pytest.approx(2.0, rel=0.15)


def test_the_interval_covers_the_truth_at_its_nominal_rate():
    rng = np.random.default_rng(1)
    population = rng.choice(11, 200_000, p=np.r_[np.full(7, 0.05), 0.1, 0.15, 0.2, 0.2])
    truth, _ = sv.score(_hist(population, "nps"), "nps")
    hits = 0
    for _ in range(400):
        est, half = sv.score(_hist(rng.choice(population, 300), "nps"), "nps")
        hits += abs(est - truth) <= half
    assert 0.92 <= hits / 400 <= 0.98


def test_nps_score_is_promoters_minus_detractors():
    answers = np.array([10, 9, 8, 7, 6, 0])  # 2 promoters, 2 detractors
    assert sv.score(_hist(answers, "nps"), "nps")[0] == pytest.approx(0.0)
    answers = np.array([10, 10, 10, 5])
    assert sv.score(_hist(answers, "nps"), "nps")[0] == pytest.approx(50.0)


def test_response_is_likelier_at_the_extremes_and_among_recent_engaged_customers():
    one = np.ones(1)
    kw = dict(base_rate=0.1, extremity_weight=1.0, recency_weight=1.0, engagement_weight=1.0)
    mid = sv.response_probability(0 * one, 0 * one, 0 * one, **kw)
    assert sv.response_probability(one, 0 * one, 0 * one, **kw) > mid
    assert sv.response_probability(0 * one, one, 0 * one, **kw) > mid
    assert sv.response_probability(0 * one, 0 * one, one, **kw) > mid
    assert sv.response_probability(0 * one, 0 * one, 0 * one, **kw, reminder=0.4) > mid


def test_an_incentive_moves_the_least_engaged_most():
    one = np.ones(1)
    kw = dict(RESPONSE, incentive_effect=0.2)
    gain = [
        sv.response_probability(0 * one, 0 * one, e * one, **kw, incentive=5.0)
        / sv.response_probability(0 * one, 0 * one, e * one, **kw)
        for e in (0.0, 1.0)
    ]
    assert gain[0] > gain[1] > 1.0


def _survey(answers, engaged, rng, **weights):
    kw = dict(RESPONSE, **weights)
    prob = sv.response_probability(
        sv.extremity(answers, "nps"), np.zeros(answers.size), engaged, **kw
    )
    responded = rng.random(answers.size) < prob
    wave = sv.Wave("nps")
    wave.add(answers, np.ones(answers.size, bool), responded)
    return wave.close(1)


def test_engagement_bias_is_positive_when_engaged_customers_are_happier():
    # Engaged customers (members) are more satisfied, so their extra response pushes
    # the measured NPS above the frame's true NPS.
    rng = np.random.default_rng(2)
    engaged = (rng.random(50_000) < 0.4).astype(float)
    s = np.where(engaged > 0, 8.5, 7.0) + rng.normal(0, 1.2, engaged.size)
    answers = sv.nps_answers(s, rng.normal(0, 1, s.size))
    result = _survey(answers, engaged, rng, engagement_weight=1.5)
    assert result["bias"] > 3.0
    # and without the engagement effect there is no bias beyond sampling noise
    flat = _survey(answers, engaged, rng)
    assert abs(flat["bias"]) < 2.0 * flat["ci"]


def test_extremity_bias_over_represents_both_tails():
    rng = np.random.default_rng(3)
    answers = rng.integers(0, 11, 60_000).astype(np.int8)
    prob = sv.response_probability(
        sv.extremity(answers, "nps"),
        np.zeros(answers.size),
        np.zeros(answers.size),
        **dict(RESPONSE, extremity_weight=2.0),
    )
    responded = rng.random(answers.size) < prob
    tails = (answers <= 1) | (answers >= 9)
    middle = (answers >= 4) & (answers <= 6)
    assert tails[responded].mean() > tails.mean() + 0.03
    assert middle[responded].mean() < middle.mean() - 0.03


def test_extremity_bias_raises_nps_when_most_answers_sit_above_the_middle():
    # The NPS scale's middle is 5, but most customers answer 7-10: promoters are more
    # extreme than the typical detractor (5-6), so they answer more (the sign the
    # mechanism implies for a satisfied base).
    rng = np.random.default_rng(4)
    answers = sv.nps_answers(rng.normal(7.8, 1.5, 60_000), rng.normal(0, 1, 60_000))
    result = _survey(answers, np.zeros(answers.size), rng, extremity_weight=1.5)
    assert result["bias"] > 3.0


def test_ces_is_easier_for_quick_resolutions():
    noise = np.zeros(3)
    ces = sv.ces_answers(np.array([0.0, 1.0, 1.0]), np.array([True, True, False]), noise)
    assert ces[0] > ces[1] > ces[2]
    assert ces.min() >= 1 and ces.max() <= 7


def test_csat_follows_the_visit():
    s = np.array([0.0, 5.0, 10.0])
    assert list(sv.csat_answers(s, np.zeros(3))) == [1, 3, 5]
