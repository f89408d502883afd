"""Campaign targeting (docs/model.md §4.3)."""

from __future__ import annotations

import numpy as np

from simulator.programme import campaigns


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
