"""Goal gradient and tier points pressure (docs/model.md §3.1)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.programme import motivation


def test_goal_gradient_shortens_last_interval_by_about_a_fifth():
    # gamma = 0.28 at progress ~0.8 (last step of a 5-visit cycle) vs 0 (first step).
    first = 1 / motivation.goal_gradient_multiplier(np.array([0.0]), 0.28)
    last = 1 / motivation.goal_gradient_multiplier(np.array([0.8]), 0.28)
    assert 0.15 < 1 - (last / first)[0] < 0.25
    assert motivation.goal_gradient_multiplier(np.array([5.0]), 0.28)[0] == pytest.approx(
        np.exp(0.28)
    )


def test_points_pressure_only_near_review_and_when_reachable():
    q = np.array([800.0, 100.0, 800.0])
    thr = np.array([1000.0, 1000.0, np.inf])
    exp = np.array([200.0, 200.0, 200.0])
    m = motivation.points_pressure_multiplier(q, thr, exp, days_to_review=30, strength=0.15)
    assert m[0] == pytest.approx(1 + 0.15 * 0.8) and m[1] == 1 and m[2] == 1
    far = motivation.points_pressure_multiplier(q, thr, exp, days_to_review=90, strength=0.15)
    assert np.all(far == 1)
