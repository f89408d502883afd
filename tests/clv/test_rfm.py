"""The RFM summary: lifetimes' definitions, by hand and against a per-customer loop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator import clv


def test_rfm_summary_by_hand():
    log = pd.DataFrame(
        [
            # customer, day, spend
            ("c1", 0, 5.0),
            ("c1", 0, 5.0),  # same day as the first: one occasion worth 10
            ("c1", 10, 20.0),
            ("c1", 10.7, 4.0),  # still day 10: that occasion is worth 24
            ("c1", 20, 30.0),
            ("c2", 5, 7.0),  # a single purchase: no repeat, monetary 0
            ("c3", 9, 6.0),  # log out of order on purpose
            ("c3", 2, 4.0),
            ("c3", 2, 1.0),
        ],
        columns=["customer_id", "day", "spend"],
    )
    out = clv.rfm_summary(log.customer_id, log.day, log.spend, observation_end=30)
    assert out.index.tolist() == ["c1", "c2", "c3"]
    assert out.index.name == "customer_id"
    assert out.columns.tolist() == ["frequency", "recency", "T", "monetary_value"]
    assert out["frequency"].tolist() == [2, 0, 1]
    assert out["recency"].tolist() == [20.0, 0.0, 7.0]
    assert out["T"].tolist() == [30.0, 25.0, 28.0]
    assert out["monetary_value"].tolist() == [27.0, 0.0, 6.0]  # c1: mean(24, 30)

    weeks = clv.rfm_summary(log.customer_id, log.day, log.spend, observation_end=30, time_unit=7)
    np.testing.assert_allclose(weeks["recency"], [20 / 7, 0, 1.0])
    np.testing.assert_allclose(weeks["T"], [30 / 7, 25 / 7, 4.0])
    assert weeks["frequency"].tolist() == [2, 0, 1]


def test_rfm_summary_rejects_bad_logs():
    with pytest.raises(ValueError, match=r"observation_end\(=9\) must be >= every transaction"):
        clv.rfm_summary([1, 1], [0, 12], [1, 1], observation_end=9)
    with pytest.raises(ValueError, match=r"equal length, got lengths 2, 1, 2"):
        clv.rfm_summary([1, 2], [0], [1, 1], observation_end=9)
    with pytest.raises(ValueError, match=r"time_unit\(=0\) must be > 0"):
        clv.rfm_summary([1], [0], [1], observation_end=9, time_unit=0)
    with pytest.raises(ValueError, match=r"customer_id has a missing value at row 1"):
        clv.rfm_summary(["a", None], [0, 1], [1, 1], observation_end=9)
    with pytest.raises(ValueError, match=r"empty"):
        clv.rfm_summary([], [], [], observation_end=9)


def _rfm_by_loop(customer_id, day, spend, observation_end, time_unit):
    """Reference: the lifetimes definitions applied one customer at a time."""
    occasions: dict = {}
    for c, d, s in zip(customer_id, np.floor(day), spend, strict=True):
        occasions.setdefault(c, {}).setdefault(d, 0.0)
        occasions[c][d] += s
    rows = {}
    for c, by_day in occasions.items():
        days = sorted(by_day)
        repeat = [by_day[d] for d in days[1:]]
        rows[c] = (
            len(days) - 1,
            (days[-1] - days[0]) / time_unit,
            (observation_end - days[0]) / time_unit,
            float(np.mean(repeat)) if repeat else 0.0,
        )
    return pd.DataFrame.from_dict(
        rows, orient="index", columns=["frequency", "recency", "T", "monetary_value"]
    ).sort_index()


def test_rfm_summary_matches_a_per_customer_reference():
    # A random log dense enough that many customers buy twice on one day.
    rng = np.random.default_rng(11)
    n = 3000
    ids = rng.integers(0, 400, n)
    day = rng.integers(0, 60, n) + rng.choice([0.0, 0.25, 0.9], n)
    spend = rng.gamma(2.0, 10.0, n).round(2)
    for unit in (1.0, 7.0):
        got = clv.rfm_summary(ids, day, spend, observation_end=61, time_unit=unit)
        want = _rfm_by_loop(ids, day, spend, 61, unit)
        np.testing.assert_array_equal(got.index.to_numpy(), want.index.to_numpy())
        np.testing.assert_array_equal(got["frequency"], want["frequency"])
        np.testing.assert_allclose(got[["recency", "T"]], want[["recency", "T"]], rtol=1e-12)
        np.testing.assert_allclose(got["monetary_value"], want["monetary_value"], rtol=1e-12)
    assert (got["frequency"] < pd.Series(ids).value_counts().sort_index() - 1).any()
