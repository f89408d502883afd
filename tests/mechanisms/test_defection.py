"""The defection hazard (docs/model.md §3.4)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.mechanisms import defection


def _h(s, **kw):
    params = dict(h_min=0.0002, h_max=0.01, k_s=2.0, s50=6.0, intensity=0.5)
    params.update(kw)
    return defection.defection_hazard(np.asarray(s, float), np.zeros(np.size(s)), **params)


def test_hazard_falls_with_satisfaction_and_zones():
    s = np.linspace(0, 10, 21)
    h = _h(s)
    assert np.all(np.diff(h) < 0)
    assert _h([4.0])[0] > 5 * _h([9.5])[0]  # defection zone vs affection zone


def test_quasi_monopoly_is_flat():
    h = _h(np.linspace(0, 10, 11), intensity=0.0)
    assert np.allclose(h, 0.0002)


def test_members_discount_bad_experiences_monotone_and_continuous():
    s = np.linspace(0, 10, 101)
    sp = defection.perceived_satisfaction(s, np.ones_like(s, bool), 0.3)
    assert np.all(np.diff(sp) > 0)
    assert sp[70] == pytest.approx(7.0) and sp[0] == pytest.approx(2.1)
    assert np.all(sp[71:] == s[71:])


def test_switching_costs_and_referral_damp_hazard():
    base = _h([6.0])[0]
    sc = defection.switching_cost(np.array([365.0]), 0.0)
    assert sc[0] == pytest.approx(0.3 + 0.5 * (1 - np.exp(-1)))
    damped = defection.defection_hazard(
        np.array([6.0]),
        sc,
        h_min=0.0002,
        h_max=0.01,
        k_s=2.0,
        s50=6.0,
        intensity=0.5,
        referral_factor=0.82,
    )
    assert damped[0] == pytest.approx(base * np.exp(-sc[0]) * 0.82)
