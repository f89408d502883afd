"""Lifecycle stages from observed purchases (docs/model.md §11.2)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.members import lifecycle as lc

RULES = dict(
    new_days=90, growing_ratio=1.5, declining_ratio=0.5, dormant_gaps=3.0, dormant_min_days=60
)


def test_stages_of_hand_checked_customers():
    age = np.array([10.0, 400, 400, 400, 400])
    recency = np.array([2.0, 5, 5, 5, 200])
    recent = np.array([0.1, 0.2, 0.1, 0.02, 0.0])
    usual = np.full(5, 0.1)
    got = lc.stages(age, recency, recent, usual, **RULES)
    assert list(got) == [lc.NEW, lc.GROWING, lc.MATURE, lc.DECLINING, lc.DORMANT]


def test_dormancy_needs_both_many_gaps_and_a_minimum_time():
    # A weekly buyer silent for 30 days: over three gaps but under 60 days.
    got = lc.stages(
        np.array([400.0]), np.array([30.0]), np.array([0.14]), np.array([1 / 7]), **RULES
    )
    assert got[0] != lc.DORMANT


def test_the_corrected_rate_recovers_a_purchase_rate_from_a_short_history():
    rng = np.random.default_rng(0)
    rate, tau, days = 0.1, 120.0, 60
    ewma = np.zeros(20_000, np.float32)
    for _ in range(days):
        ewma += np.float32(-np.expm1(-1 / tau)) * (rng.random(ewma.size) < rate)
        lc.decay(ewma, tau)
    raw = ewma.mean()
    corrected = lc.corrected_rate(ewma, np.full(ewma.size, float(days)), tau).mean()
    assert raw < 0.5 * rate  # uncorrected: far too low after 60 of 120 days
    assert corrected == pytest.approx(rate, rel=0.05)


def test_transition_counts_and_shares():
    before = np.array([0, 0, 2, 2, 3, -1], np.int8)
    after = np.array([2, 2, 2, 3, 4, 0], np.int8)
    counts = lc.transition_counts(before, after)
    assert counts[0, 2] == 2 and counts[2, 2] == 1 and counts[2, 3] == 1 and counts[3, 4] == 1
    assert counts.sum() == 5  # the customer with no stage before is not a transition
    shares = lc.transition_shares(counts)
    assert shares[2].sum() == pytest.approx(1.0)
