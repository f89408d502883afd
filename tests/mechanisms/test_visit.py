"""Satisfaction on a visit (docs/model.md §3.3)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.mechanisms import visit


def _s(expectation, quality=7.0):
    return visit.transaction_satisfaction(
        np.array([quality]), np.array([expectation]), np.array([1.0]), np.array([1.0])
    )[0]


def test_value_function_shape():
    v = visit.value_function(np.array([-1.0, 0.0, 1.0, 2.0]))
    assert v[0] == pytest.approx(-2.25) and v[1] == 0 and v[2] == 1
    assert v[3] == pytest.approx(2**0.88)


def test_price_disconfirmation_rewards_a_lower_price():
    lower = visit.transaction_satisfaction(
        np.array([7.0]), np.array([7.0]), np.array([1.0]), np.array([0.9])
    )
    higher = visit.transaction_satisfaction(
        np.array([7.0]), np.array([7.0]), np.array([1.0]), np.array([1.1])
    )
    assert lower[0] > 7.0 > higher[0]


def test_satisfaction_is_clipped_and_smoothed():
    assert _s(0.0, quality=10.0) == 10.0
    assert visit.smooth(np.array([8.0]), np.array([4.0]), 0.15)[0] == pytest.approx(7.4)


def test_failure_subtracts_quality():
    q = visit.experienced_quality(8.7, np.zeros(2), 0.0, np.zeros(2), np.array([False, True]), 3.0)
    assert q.tolist() == pytest.approx([8.7, 5.7])
