"""Purchase occasions (docs/model.md §3.1)."""

from __future__ import annotations

import numpy as np

from simulator.mechanisms import occasions


def test_occasion_probability_is_poisson_daily_chance():
    rate = np.array([0.0, 0.1, 1.0])
    assert np.allclose(occasions.occasion_probability(rate), 1 - np.exp(-rate))
    assert np.allclose(occasions.occasion_probability(rate, 2.0), 1 - np.exp(-2 * rate))
