"""The store-choice kernels against the reference utility and logit (docs/model.md §3.2)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine.state import ACTIVE, NEVER
from simulator.kernels import choice as kchoice
from simulator.kernels.uniforms import uniforms_at
from simulator.mechanisms import choice

from ..conftest import stepped


@pytest.mark.parametrize(
    ("name", "days", "strategy", "edit"),
    [
        # Tiers, status bonuses, points at risk; a rival with points of its own.
        (
            "airline_tiers",
            40,
            None,
            lambda m: m["market"]["competitors"][0].update(reward_rate=0.04),
        ),
        # A rival's conquest offer under way (days 90-180) and retention campaigns.
        ("telecom_competitor_attack", 100, "retention_offers", None),
        ("grocery_points", 30, None, None),
    ],
    ids=["tiers", "conquest_offer", "points"],
)
def test_compiled_utilities_equal_the_reference(name, days, strategy, edit):
    model = stepped(name, days, strategy=strategy, edit=edit)
    p = model.pop
    rows = np.flatnonzero(p.alive)
    # The cases exercise what they claim to.
    assert (p.last_firm[rows] >= 0).mean() > 0.3
    if name == "telecom_competitor_attack":
        assert model.offers.price_cut is not None and model.offers.price_cut.any()
    else:
        assert model.programme.reward_rate(rows).any()
    got = choice.compiled_utilities(model.ctx, rows)
    want = choice.firm_utilities(model.ctx, rows)
    assert got.shape == want.shape == (rows.size, p.n_firms)
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-5)


def test_choice_probabilities_follow_the_logit():
    """Many customers with the same utilities choose in the logit shares."""
    n = 400_000
    utility = np.tile(np.array([[0.4, 0.0, -0.3]]), (n, 1))
    rows = np.arange(n, dtype=np.int64)
    aware = np.ones((n, 3), dtype=bool)
    aware[: n // 2, 2] = False  # half do not know firm 2
    asc = np.array([0.0, 0.1, 0.2])  # "buy nowhere" has utility 0
    relationship = np.full(n, ACTIVE, dtype=np.int8)
    blocked = np.full(n, NEVER, dtype=np.int16)
    kchoice.consider(rows, utility, asc, aware, blocked, relationship, 10)
    chosen = kchoice.choose(uniforms_at(np.uint64(42), rows), np.exp(utility))
    for half, known in ((slice(0, n // 2), [0, 1, 3]), (slice(n // 2, n), [0, 1, 2, 3])):
        v = np.array([0.4 + 0.0, 0.0 + 0.1, -0.3 + 0.2, 0.0])
        w = np.zeros(4)
        w[known] = np.exp(v[known])
        shares = np.bincount(chosen[half], minlength=4) / (n // 2)
        np.testing.assert_allclose(shares, w / w.sum(), atol=0.004)


def test_choose_and_learn_habit_equal_the_choice_mechanisms():
    rng = np.random.default_rng(7)
    m, j = 50_000, 3
    utility = rng.normal(0, 1, (m, j)).astype(np.float32)
    considered = rng.random((m, j)) < 0.8
    uc = rng.random(m).astype(np.float32)
    weights = np.where(considered, np.exp(utility), 0.0)
    got = kchoice.choose(uc, weights)
    want = choice.choose(utility, considered, uc)
    # Only ties at a cumulative weight (float rounding) may differ.
    assert (got != want).mean() < 1e-4
    habit = rng.random((m, j)).astype(np.float32)
    want_habit = choice.update_habit(habit, got, 0.875)
    kchoice.learn_habit(np.arange(m, dtype=np.int64), got, habit, 0.875)
    np.testing.assert_allclose(habit, want_habit, rtol=1e-6, atol=1e-7)


def test_habit_learning_is_exponential_smoothing_towards_the_choice():
    habit = np.zeros((4, 3), dtype=np.float32)
    habit[1] = [0.5, 0.5, 0.0]
    habit[2] = habit[3] = [0.5, 0.0, 0.0]
    rows = np.array([0, 1, 3], dtype=np.int64)
    chosen = np.array([2, 0, 3], dtype=np.int8)  # option 3 = bought nowhere
    # L <- s L + (1 - s) 1[chose], s = 0.2 (Guadagni & Little 1983).
    kchoice.learn_habit(rows, chosen, habit, 0.2)
    np.testing.assert_allclose(habit[0], [0.0, 0.0, 0.8])
    np.testing.assert_allclose(habit[1], [0.9, 0.1, 0.0])
    np.testing.assert_allclose(habit[3], [0.1, 0.0, 0.0])  # skipping only decays
    np.testing.assert_allclose(habit[2], [0.5, 0.0, 0.0])  # not on an occasion today
