"""The daily census kernels against numpy and pandas (docs/model.md §7)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.engine.state import ACTIVE
from simulator.kernels import census


def test_census_counts_and_histogram_match_numpy():
    rng = np.random.default_rng(1)
    n = 100_000
    alive = rng.random(n) < 0.9
    relationship = rng.integers(0, 3, n).astype(np.int8)
    sat = rng.uniform(0, 10, n).astype(np.float32)
    sat[:3] = [0.0, 10.0, 4.995]
    by_rel, hist, total = census.census(alive, relationship, sat, 1001)
    assert by_rel.tolist() == np.bincount(relationship[alive], minlength=3).tolist()
    active = alive & (relationship == ACTIVE)
    want_bins = np.minimum((sat[active] * np.float32(100) + np.float32(0.5)).astype(int), 1000)
    assert hist.tolist() == np.bincount(want_bins, minlength=1001).tolist()
    assert total == pytest.approx(sat[active].astype(np.float64).sum(), rel=1e-12)
    # Every active customer is within half a bin of their bin's centre.
    assert np.abs(want_bins / 100 - sat[active]).max() <= 0.005 + 1e-6


def test_group_census_matches_pandas_groupby():
    import pandas as pd

    rng = np.random.default_rng(2)
    n = 20_000
    group = rng.integers(0, 4, n).astype(np.int8)
    include = rng.random(n) < 0.6
    alive = rng.random(n) < 0.9
    relationship = rng.integers(0, 3, n).astype(np.int8)
    sat = rng.uniform(0, 10, n).astype(np.float32)
    revenue = rng.gamma(2.0, 10.0, n)
    n_alive, n_active, s_sum, rev = census.group_census(
        group, include, alive, relationship, sat, revenue, 4
    )
    df = pd.DataFrame(
        dict(g=group, alive=alive, act=alive & (relationship == ACTIVE), s=sat, rev=revenue)
    )
    df = df[include]
    df["s_act"] = df["s"].astype(np.float64) * df["act"]
    want = df.groupby("g")[["alive", "act", "s_act", "rev"]].sum()
    assert n_alive.tolist() == want["alive"].tolist()
    assert n_active.tolist() == want["act"].tolist()
    np.testing.assert_allclose(s_sum, want["s_act"], rtol=1e-10)
    np.testing.assert_allclose(rev, want["rev"], rtol=1e-10)
