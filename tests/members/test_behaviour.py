"""Behaviour points, cheating and policing: the pure rules (docs/model.md §11.4)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.config.members import Behaviour
from simulator.members.behaving import cheat_share
from simulator.programme import behaviour as bh


def test_more_points_on_offer_raise_cheating():
    shares = [
        cheat_share(Behaviour.model_validate({"reviews": {"points": pts}}), 0.05)[0]
        for pts in (0, 10, 50, 200)
    ]
    assert shares[0] == 0.0
    assert shares[0] < shares[1] < shares[2] < shares[3]


def test_policing_deters_and_cancellation_deters_more():
    unpoliced = bh.expected_gain(2.0, 0.5, "deduct", policed=False)
    deduct = bh.expected_gain(2.0, 0.5, "deduct", policed=True)
    cancel = bh.expected_gain(2.0, 0.5, "cancel", policed=True)
    assert unpoliced > deduct > cancel >= 0.0


def test_cheaters_game_the_most_lucrative_rule():
    spec = Behaviour.model_validate({"reviews": {"points": 10}, "referrals": {"points": 100}})
    assert cheat_share(spec, 0.05)[1] == "referrals"


def test_action_rate_rises_with_satisfaction_and_points():
    kw = dict(base_rate=0.01, satisfaction_effect=0.4, points_effect=0.5)
    low, high = bh.action_rate(np.array([5.0, 9.0]), points_value=0.0, **kw)
    assert high > low
    paid = bh.action_rate(np.array([5.0]), points_value=2.0, **kw)[0]
    assert paid == pytest.approx(low * 1.1)


def test_detection_catches_fakes_at_the_catch_rate_and_honest_at_the_false_positive_rate():
    n = 100_000
    u = np.random.default_rng(0).random(n)
    fake = np.arange(n) < n // 2
    caught = bh.detect(fake, u, catch_rate=0.6, false_positive=0.02)
    assert caught[fake].mean() == pytest.approx(0.6, abs=0.01)
    assert caught[~fake].mean() == pytest.approx(0.02, abs=0.003)
