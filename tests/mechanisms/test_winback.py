"""Win-back (docs/model.md §3.5)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.mechanisms import winback


def test_winback_hazard():
    h = winback.winback_hazard(np.array([2.0, 5.0, 5.0]), np.array([0.0, 0.0, 0.2]))
    assert h[0] == 0 and h[1] == pytest.approx(0.0005) and h[2] == pytest.approx(0.0005 * np.e)
