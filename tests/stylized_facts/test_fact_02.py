"""Stylized fact 2: asymmetry of disconfirmation (docs/model.md §9).

Holding experienced quality fixed and moving the expectation, a disconfirmation of -x
moves transaction satisfaction 1.5-3 times as much as +x, and +2x moves it less than
twice +x (Anderson & Sullivan 1993; Mittal, Ross & Baldasare 1998).
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.mechanisms import visit


def _s(expectation: float, quality: float = 7.0) -> float:
    return visit.transaction_satisfaction(
        np.array([quality]), np.array([expectation]), np.array([1.0]), np.array([1.0])
    )[0]


@pytest.mark.parametrize("x", [0.5, 1.0, 1.5])
def test_losses_weigh_more_than_gains_and_sensitivity_diminishes(x):
    neutral = _s(7.0)
    gain = _s(7.0 - x) - neutral  # quality above expectation by x
    loss = neutral - _s(7.0 + x)  # quality below expectation by x
    assert 1.5 <= loss / gain <= 3.0
    gain2 = _s(7.0 - 2 * x) - neutral
    assert gain2 < 2 * gain
