"""Word-of-mouth talk (docs/model.md §3.6)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.mechanisms import word_of_mouth as wom


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
