"""Complaints and recovery (docs/model.md §3.3)."""

from __future__ import annotations

import numpy as np

from simulator.mechanisms import complaints, visit


def test_complaint_probability():
    p = complaints.complaint_probability(
        np.array([3.0, 3.0, 5.0]),
        np.array([False, True, True]),
        threshold=4,
        rate=0.04,
        rate_after_failure=0.3,
    )
    assert p.tolist() == [0.04, 0.3, 0.0]


def test_recovery_paradox_restores_satisfaction():
    s_before = np.array([8.0])
    s_tx = np.array([3.0])
    s_now = visit.smooth(s_before, s_tx, 0.15)
    rec = complaints.recovered_satisfaction(s_now, s_tx, s_before, omega=0.15, lift=0.3)
    assert rec[0] >= s_before[0]
