"""Store choice by multinomial logit (docs/model.md §3.2)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.mechanisms import choice


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
