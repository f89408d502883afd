"""Points buckets and rewards (docs/model.md §4.1)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.programme import points


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
