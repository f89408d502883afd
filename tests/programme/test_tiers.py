"""Tier status and demotion (docs/model.md §4.2)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.programme import tiers


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
