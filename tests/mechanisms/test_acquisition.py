"""Bass-style awareness (docs/model.md §3.7)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.mechanisms import acquisition


def test_bass_half_time():
    assert acquisition.bass_half_time(0.03, 0.38) == pytest.approx(6.55, abs=0.01)
    h = acquisition.awareness_hazard(np.array([0.0, 0.5]), p_ext=0.03, q_int=0.38, advertising=2)
    assert h.tolist() == pytest.approx([0.06 / 365, (0.06 + 0.19) / 365])
