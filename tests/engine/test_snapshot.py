"""Snapshot, restore and fork (docs/model.md §10): a model carries on byte for byte."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from simulator.config.loading import load_yaml
from simulator.engine.model import LoyaltyModel
from simulator.experiment.run import build_model, customers_frame
from simulator.metrics.summary import summarise

from ..conftest import SCENARIOS, small


def _model(name: str, strategy: str | None = None, days: int = 200) -> LoyaltyModel:
    mapping = small(load_yaml(SCENARIOS / f"{name}.yaml"), customers=3000, days=days)
    model, _ = build_model(mapping, strategy=strategy, seed=5, transactions=True)
    return model


def _outputs(model: LoyaltyModel) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    metrics = model.metrics.frame()
    return metrics, customers_frame(model), summarise(model.ctx, metrics)


def _same(a: LoyaltyModel, b: LoyaltyModel) -> None:
    ma, ca, sa = _outputs(a)
    mb, cb, sb = _outputs(b)
    pd.testing.assert_frame_equal(ma, mb, check_exact=True)
    pd.testing.assert_frame_equal(ca, cb, check_exact=True)
    assert sa == sb
    pd.testing.assert_frame_equal(a.transactions(), b.transactions(), check_exact=True)
    assert a.events_log == b.events_log


# A scenario per kind of state: tiers with reviews and a grace period, campaigns and
# points expiry, a rival's offer with reactions, a busy complaint desk, entrants.
# The split day is where the state is rich: the desk has a queue on day 63 (seed 5).
CASES = [
    ("airline_tiers", None, 100),
    ("grocery_points", "double_points_month", 100),
    ("telecom_competitor_attack", "retention_offers", 100),
    ("service_recovery", "staff_2", 63),
    ("coffee_chain", "loyalty_card", 100),
    ("cdnow_baseline", "with_behaviour", 100),
]


@pytest.mark.parametrize(("name", "strategy", "split"), CASES, ids=[c[0] for c in CASES])
def test_restoring_a_snapshot_carries_on_byte_for_byte(name, strategy, split):
    straight = _model(name, strategy)
    for _ in range(200):
        straight.step()
    first = _model(name, strategy)
    for _ in range(split):
        first.step()
    data = pickle.loads(pickle.dumps(first.snapshot()))  # plain data: it travels
    if name == "service_recovery":
        # The desk is mid-dip: cases wait in the queue with their timers running.
        assert data["desk"]["queued"] and data["desk"]["serving_cases"]
    if name == "airline_tiers":
        assert any(e["action"] == "programme.review" for e in data["calendar"])
    resumed = LoyaltyModel.restore(data)
    assert resumed.time == split and resumed.day == split
    for _ in range(200 - split):
        resumed.step()
    _same(straight, resumed)


def test_a_fork_that_changes_nothing_stays_identical_to_its_parent():
    parent = _model("coffee_chain", "loyalty_card")
    for _ in range(60):
        parent.step()
    twin = parent.fork()
    assert twin is not parent and twin.pop.satisfaction is not parent.pop.satisfaction
    for _ in range(80):
        parent.step()
        twin.step()
    _same(parent, twin)


def test_a_fork_that_changes_the_price_diverges_only_from_that_day():
    parent = _model("coffee_chain")
    for _ in range(50):
        parent.step()
    twin = parent.fork()
    twin.apply_changes({"firm.price": 1.1}, label="price up")
    for _ in range(40):
        parent.step()
        twin.step()
    a = parent.metrics.frame()
    b = twin.metrics.frame()
    key = ["day", "metric", "segment", "tier"]
    joined = a.merge(b, on=key, suffixes=("_a", "_b"))
    both_nan = joined["value_a"].isna() & joined["value_b"].isna()
    differs = (joined["value_a"] != joined["value_b"]) & ~both_nan
    assert not differs[joined["day"] <= 50].any()
    first_day = joined.loc[differs, "day"].min()
    assert first_day == 51
    revenue = joined[(joined["metric"] == "revenue") & (joined["segment"] == "")]
    assert (revenue["day"] > 50).any()
    assert twin.events_log[-1] == (51, "price up")  # takes effect on the next day


def test_forks_are_independent():
    parent = _model("coffee_chain")
    for _ in range(10):
        parent.step()
    twin = parent.fork()
    twin.pop.satisfaction[:] = 0.0
    assert twin.programme is not parent.programme
    assert parent.pop.satisfaction.max() > 0
    assert not np.shares_memory(parent.pop.habit, twin.pop.habit)
