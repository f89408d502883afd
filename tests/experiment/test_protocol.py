"""The experiment protocol (docs/model.md §10): a strategy is an intervention on a warmed-up
market; the warm-up is shared; constants are calibrated once."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.config.loading import load_yaml
from simulator.engine.model import LoyaltyModel
from simulator.errors import ScenarioError
from simulator.experiment.compare import run_comparison
from simulator.experiment.protocol import prepare
from simulator.experiment.run import run

from ..conftest import COFFEE


def _mapping(customers: int = 8000, days: int = 90, warmup: int = 120) -> dict:
    sc = load_yaml(COFFEE)
    sc["schedule"] = []
    sc["strategies"] = {
        "status_quo": {},
        "price_up": {"firm.price": 1.1},
        "price_up_on_day_1": {"schedule": [{"day": 1, "set": {"firm.price": 1.1}}]},
    }
    sc["run"] = {**sc["run"], "customers": customers, "days": days, "warmup_days": warmup}
    return sc


def test_a_price_rise_as_a_strategy_equals_the_same_rise_scheduled_on_day_1():
    """The check of §10: the same demand response, whether the rise is the strategy or a
    scheduled change on the first reported day (focal visits within each other's 95%
    interval; with one warm-up per replication they are equal run for run)."""
    result = run_comparison(_mapping(), replications=4, jobs=1)
    kpis = result.kpis[result.kpis["metric"] == "focal_visits"]
    by = kpis.pivot(index="replication", columns="strategy", values="value")
    assert np.array_equal(by["price_up"], by["price_up_on_day_1"])
    # And the rise is felt: constants are not re-fitted, so fewer visits, run for run.
    assert (by["price_up"] < by["status_quo"]).all()
    drop = 1 - by["price_up"].sum() / by["status_quo"].sum()
    assert 0.05 < drop < 0.5, drop


def test_strategies_of_a_replication_share_the_warmed_up_market():
    sc = _mapping(customers=2000, days=30, warmup=60)
    experiment = prepare(sc, ["status_quo", "price_up"])
    warmed = experiment.warm_up(seed=5)
    twin = LoyaltyModel.restore(warmed.snapshot())
    assert np.array_equal(twin.ctx.constants.asc, warmed.ctx.constants.asc)
    experiment.start(warmed, "price_up")
    experiment.start(twin, "status_quo")
    # Day 0 of the window is the same state in both: recorded before the strategy acts.
    a, b = warmed.metrics.frame(), twin.metrics.frame()
    assert a.equals(b)
    assert warmed.focal.price == 1.1 and twin.focal.price == 1.0
    # Reference prices and expectations carry over: the rise is a loss to customers.
    assert np.array_equal(warmed.pop.ref_price, twin.pop.ref_price)
    assert warmed.pop.ref_price.max() < 1.1


def test_a_run_reports_its_warm_up():
    res = run(_mapping(customers=1000, days=20, warmup=40), strategy="price_up", seed=2)
    assert res.metadata["warmup_days"] == 40
    assert res.summary["warmup_days"] == 40 and res.summary["days"] == 20
    assert res.metrics["day"].min() == 0 and res.metrics["day"].max() == 20
    assert res.events[0] == (1, "strategy price_up")


def test_a_strategy_that_changes_a_fixed_key_is_refused():
    sc = _mapping()
    sc["strategies"]["bigger"] = {"run.customers": 50_000}
    sc["strategies"]["segments"] = {"market.segments.regulars.purchase.r": 3.0}
    for name in ("bigger", "segments"):
        with pytest.raises(ScenarioError, match="cannot change") as err:
            prepare(sc, [name])
        assert err.value.path == f"strategies -> {name}"


def test_what_the_firm_has_learnt_about_breakage_survives_the_end_of_the_warm_up():
    """The reported totals restart at day 0, the breakage estimate does not: otherwise
    day 1 would revalue the points provision and book a negative reward cost."""
    sc = load_yaml(COFFEE)
    sc["schedule"] = []
    sc["firm"]["programme"] = sc["strategies"]["loyalty_card"]["firm.programme"]
    sc["strategies"] = {"status_quo": {}}
    sc["run"] = {**sc["run"], "customers": 4000, "days": 5, "warmup_days": 400}
    experiment = prepare(sc, ["status_quo"])
    model = experiment.warm_up(3)
    prog = model.programme
    assert prog.accounts.settled["points_expired"] > 0  # the estimate has data to learn from
    learnt = prog.expected_breakage()
    experiment.start(model, "status_quo")
    assert prog.accounts.totals["points_expired"] == 0  # the window starts from zero
    assert prog.expected_breakage() == learnt
    model.step()
    assert prog.accounts.totals["cost_rewards"] >= 0
