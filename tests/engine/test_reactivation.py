"""The reactivation stage: customers who left the category return at a daily hazard,
from their own stream (docs/model.md §3.9)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from simulator.config.loading import load_yaml, resolve
from simulator.engine.model import LoyaltyModel
from simulator.engine.streams import Streams
from simulator.mechanisms import reactivation
from tests.conftest import SCENARIOS


def _ctx(hazard: float, n: int = 40_000, day: int = 5) -> SimpleNamespace:
    alive = np.zeros(n, dtype=bool)
    purchases = np.full(n, 3, dtype=np.int32)
    alive[::4] = True  # alive: nothing to do
    purchases[1::4] = 0  # not entered yet (a later cohort entrant): never "returns"
    purchases[2::4] = 1  # a trial only: BG/NBD drops out after repeat purchases only
    config = SimpleNamespace(
        market=SimpleNamespace(defection=SimpleNamespace(reactivation_hazard=hazard))
    )
    return SimpleNamespace(
        config=config,
        pop=SimpleNamespace(alive=alive, purchases=purchases),
        streams=Streams(7),
        day=day,
    )


def test_dormant_customers_return_at_the_hazard_and_no_one_else():
    ctx = _ctx(0.01)
    dormant = reactivation.dormant_rows(ctx.pop.alive, ctx.pop.purchases)
    assert np.array_equal(dormant, np.arange(3, 40_000, 4))
    before = ctx.pop.alive.copy()
    reactivation.run(ctx)
    back = np.flatnonzero(ctx.pop.alive & ~before)
    assert np.isin(back, dormant).all()
    # 10,000 dormant customers, P = 1 - exp(-0.01): about 99.5 return (sd 9.9).
    assert abs(back.size - 10_000 * -np.expm1(-0.01)) < 4 * 9.95
    # The same seed and day give the same returns (common random numbers).
    again = _ctx(0.01)
    reactivation.run(again)
    assert np.array_equal(np.flatnonzero(again.pop.alive & ~before), back)


def test_zero_hazard_changes_nothing_and_draws_nothing(monkeypatch):
    ctx = _ctx(0.0)
    before = ctx.pop.alive.copy()

    def no_draw(*args, **kwargs):
        raise AssertionError("the reactivation stream was drawn with the hazard at 0")

    monkeypatch.setattr(ctx.streams, "uniforms", no_draw)
    reactivation.run(ctx)
    assert np.array_equal(ctx.pop.alive, before)


def _transactions(hazard: float) -> pd.DataFrame:
    mapping = load_yaml(SCENARIOS / "cdnow_baseline.yaml")
    mapping["run"] = {**mapping["run"], "customers": 1000, "days": 200, "warmup_days": 0}
    mapping["market"]["defection"] = {"reactivation_hazard": hazard}
    model = LoyaltyModel(resolve(mapping, source="<test>"), seed=11, record_transactions=True)
    for _ in range(200):
        model.step()
    return model.transactions(focal_only=True)[["customer_id", "day"]]


def test_returns_add_purchases_and_leave_everyone_else_s_draws_alone():
    off, on = _transactions(0.0), _transactions(0.03)
    assert len(on) > len(off) * 1.05
    # A customer who never left the category (last purchase late, or few purchases) buys
    # on the same days either way: the stage's own stream shifts nobody else's luck.
    grouped_off = off.groupby("customer_id")["day"].apply(tuple)
    grouped_on = on.groupby("customer_id")["day"].apply(tuple)
    same = (grouped_off == grouped_on.reindex(grouped_off.index)).mean()
    assert same > 0.5
    # Every customer's purchases in the run without returns are a prefix of the same
    # customer's purchases with them: returns only add purchases after a dropout.
    for cust, days in grouped_off.items():
        assert grouped_on[cust][: len(days)] == days
