"""The engine end to end: shipped scenarios, determinism, stepping, identities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.config.loading import load_yaml, resolve, strategy_names
from simulator.errors import RunError, ScenarioError
from simulator.experiment.run import build_model, run

from ..conftest import SCENARIOS, shipped_scenarios, small

SUMMARY_KEYS = {
    "customers_active",
    "customers_acquired",
    "customers_lapsed",
    "retention_rate_annual",
    "nps",
    "satisfaction_mean",
    "revenue",
    "gross_margin",
    "programme_cost",
    "net_margin",
    "clv_mean",
}


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_every_shipped_scenario_validates_and_runs_every_strategy(path):
    mapping = load_yaml(path)
    names = strategy_names(mapping)
    assert len(names) >= 2, "every shipped scenario defines at least two strategies"
    for name in names:
        res = run(small(mapping, customers=1500, days=20), strategy=name, seed=3)
        assert SUMMARY_KEYS <= res.summary.keys()
        assert res.metrics["day"].max() == 20


def test_same_seed_identical_different_seed_different(coffee):
    sc = small(coffee, customers=3000, days=40)
    a = run(sc, seed=7).metrics
    b = run(sc, seed=7).metrics
    c = run(sc, seed=8).metrics
    pd.testing.assert_frame_equal(a, b)
    assert not a["value"].equals(c["value"])


def test_strategies_share_customers_and_luck(coffee):
    """Common random numbers: the initial population is identical across strategies."""
    sc = small(coffee, customers=3000, days=1)
    m1, _ = build_model(sc, strategy="status_quo", seed=5)
    m2, _ = build_model(sc, strategy="premium", seed=5)
    for name in ("rate", "dropout", "spend_scale", "satisfaction", "segment", "relationship"):
        assert np.array_equal(getattr(m1.pop, name), getattr(m2.pop, name)), name


def test_model_steps_one_day_at_a_time_on_one_clock(coffee):
    model, _ = build_model(small(coffee, customers=1000, days=10), seed=1)
    assert model.time == 0
    model.step()
    model.step()
    assert model.time == 2 and model.day == 2
    days = model.metrics.frame()["day"].unique().tolist()
    assert days == [0, 1, 2]


def test_scheduled_change_fires_before_its_day(coffee):
    sc = small(coffee, customers=500, days=5)
    sc["schedule"] = [{"day": 3, "set": {"firm.quality": 5.0}, "label": "dip"}]
    model, _ = build_model(sc, seed=1)
    model.step()
    model.step()
    assert model.focal.quality == 8.7
    model.step()
    assert model.focal.quality == 5.0 and model.events_log == [(3, "dip")]


def test_customer_is_a_mesa_agent_view(coffee):
    import mesa

    model, _ = build_model(small(coffee, customers=200, days=3), seed=1)
    view = model.customer(5)
    assert isinstance(view, mesa.Agent)
    assert view.satisfaction == pytest.approx(float(model.pop.satisfaction[5]))
    assert set(view.expectation) == {"OurCafe", "BeanCo", "CornerCafe"}
    view.satisfaction = 2.0
    assert model.pop.satisfaction[5] == 2.0
    with pytest.raises(IndexError):
        model.customer(10_000)


def test_firms_are_mesa_agents(coffee):
    import mesa

    model, _ = build_model(small(coffee, customers=200, days=3), seed=1)
    assert len(model.firms) == 3
    assert all(isinstance(f, mesa.Agent) for f in model.firms)


def test_revenue_identities(coffee):
    res = run(small(coffee, customers=3000, days=60), seed=2)
    m = res.metrics[(res.metrics["segment"] == "") & (res.metrics["tier"] == "")]
    daily = m.pivot(index="day", columns="metric", values="value")
    assert daily["revenue"].sum() == pytest.approx(res.summary["revenue"])
    net = (
        daily["gross_margin"]
        - daily["programme_cost"]
        - daily["service_cost"]
        - daily["acquisition_cost"]
    )
    assert np.allclose(daily["net_margin"], net)
    # Stock-flow: active(t) = active(t-1) + acquired + won back - defected - left.
    flow = daily["acquired"] + daily["won_back"] - daily["defected"] - daily["left_category"]
    assert (daily["customers_active"].diff().iloc[1:] == flow.iloc[1:]).all()
    # Customers' cumulative revenue adds up to the firm's.
    assert res.customers["revenue"].sum() == pytest.approx(res.summary["revenue"], rel=1e-4)


def test_competition_off_gives_every_occasion_to_the_focal_firm(coffee):
    sc = small(coffee, customers=2000, days=30)
    sc["modules"] = {"competition": False}
    res = run(sc, seed=1)
    assert res.summary["share_of_wallet"] == pytest.approx(1.0)


def test_run_failure_names_scenario_strategy_and_seed(coffee, monkeypatch):
    def boom(ctx):
        raise FloatingPointError("overflow in hazard")

    from simulator.engine import model as model_module
    from simulator.engine.day import STAGES, Stage

    monkeypatch.setattr(model_module, "STAGES", (*STAGES, Stage("boom", boom, "-")))
    with pytest.raises(
        RunError, match=r"run coffee_chain / strategy 'premium' / seed 9: FloatingPointError"
    ):
        run(small(coffee, customers=300, days=2), strategy="premium", seed=9)


def test_modules_switch_mechanisms_off(coffee):
    sc = small(coffee, customers=2000, days=40)
    sc["modules"] = {
        "satisfaction": False,
        "defection": False,
        "word_of_mouth": False,
        "acquisition": False,
        "complaints": False,
    }
    model, _ = build_model(sc, seed=4)
    s0 = model.pop.satisfaction.copy()
    for _ in range(40):
        model.step()
    assert np.array_equal(model.pop.satisfaction, s0)
    assert model.totals.defected == 0 and model.totals.acquired == 0
    assert model.totals.wom_positive == 0 and model.totals.complaints == 0


def test_resolved_scenario_round_trips(coffee):
    res = run(small(coffee, customers=300, days=3), strategy="premium", seed=1)
    again = resolve(res.resolved)
    assert again.firm.price == 1.08 and again.run.customers == 300
    c = res.customers
    active = c["alive"] & (c["relationship"] == "active")
    assert int(active.sum()) == res.summary["customers_active"]


def test_cli_twice_gives_identical_metrics_bytes(tmp_path):
    """Reproducibility at the CLI level (vivarium's test_reproducibility)."""
    import subprocess
    import sys

    from ..conftest import SCENARIOS

    outs = []
    for k in (1, 2):
        out = tmp_path / f"run{k}"
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "simulator.cli",
                "run",
                str(SCENARIOS / "coffee_chain.yaml"),
                "--set",
                "run.customers=2000",
                "--set",
                "run.days=60",
                "--seed",
                "4",
                "--out",
                str(out),
                "--quiet",
                "--transactions",
            ],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
        outs.append(out)
    for name in ("metrics.parquet", "customers.parquet", "transactions.parquet", "summary.json"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    for name in (
        "scenario.resolved.yaml",
        "metadata.json",
        "active_customers.png",
        "satisfaction.png",
        "nps.png",
        "revenue_vs_programme_cost.png",
    ):
        assert (outs[0] / name).exists(), name


def test_cli_refuses_to_overwrite_a_run_directory(tmp_path):
    import subprocess
    import sys

    from ..conftest import SCENARIOS

    out = tmp_path / "run"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator.cli",
            "run",
            str(SCENARIOS / "coffee_chain.yaml"),
            "--set",
            "run.customers=500",
            "--set",
            "run.days=5",
            "--out",
            str(out),
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "exists already" in proc.stderr
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_readme_python_api_example_runs():
    """The README's notebook example, executed as written (paths from the repo root)."""
    import os
    import re

    from ..conftest import ROOT

    text = (ROOT / "README.md").read_text()
    block = re.search(r"## Python API.*?```python\n(.*?)```", text, re.S).group(1)
    block = block.replace(
        '"run.customers": 5000, "run.days": 180', '"run.customers": 800, "run.days": 20'
    )
    block = block.replace('"run.customers": 2000', '"run.customers": 500')
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        import matplotlib

        matplotlib.use("Agg")
        exec(compile(block, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)


def test_customer_views_do_not_leak_agents(coffee):
    model, _ = build_model(small(coffee, customers=500, days=5), seed=1)
    agents = len(model.agents)
    views = [model.customer(i % 50) for i in range(100)]
    assert len(model.agents) == agents == len(model.firms)
    assert views[0].satisfaction == float(model.pop.satisfaction[0])
    views[1].satisfaction = 2.5
    assert model.pop.satisfaction[1] == np.float32(2.5)
    assert isinstance(views[2].expectation, dict)
    with pytest.raises(IndexError):
        model.customer(model.pop.n)


def test_each_scheduled_change_costs_one_validation(coffee, monkeypatch):
    """Validating n scheduled changes, and firing them, costs O(n) scenario validations
    (it used to re-validate every change at every change: cubic in n)."""
    from pydantic import BaseModel

    from simulator.config.schema import Scenario

    calls = {"n": 0}
    original = Scenario.model_validate.__func__

    def counting(cls, *args, **kwargs):
        calls["n"] += 1
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(Scenario, "model_validate", classmethod(counting))
    assert issubclass(Scenario, BaseModel)

    def validations(n: int) -> int:
        sc = small(coffee, customers=200, days=n + 2)
        sc["schedule"] = [
            {"day": d + 1, "set": {"firm.price": 1.0 + 0.001 * (d % 7)}} for d in range(n)
        ]
        calls["n"] = 0
        model, _ = build_model(sc, seed=1)
        for _ in range(n + 1):
            model.step()
        assert len(model.events_log) == n  # the BeanCo cut on day 182 is beyond
        return calls["n"]

    small_n, large_n = validations(30), validations(90)
    assert large_n <= 3.5 * small_n  # linear in n (cubic would be 27 times)
    assert large_n <= 4 * 90 + 20


def test_a_scheduled_change_of_a_fixed_key_is_refused_up_front(coffee):
    sc = small(coffee, customers=200, days=5)
    sc["schedule"] = [{"day": 3, "set": {"market.segments.0.purchase.r": 3.0}}]
    with pytest.raises(ScenarioError, match="'market.segments.0.purchase.r' cannot change"):
        build_model(sc, seed=1)


def test_changes_valid_alone_but_not_together_are_refused_up_front():
    sc = small(load_yaml(SCENARIOS / "airline_tiers.yaml"), customers=200, days=5)
    levels = "firm.programme.tiers.levels"
    sc["schedule"] = [
        {"day": 2, "set": {f"{levels}.gold.threshold": 3000}},  # above silver's 2500
        {"day": 3, "set": {f"{levels}.silver.threshold": 4000}},  # below gold's 6000
    ]
    with pytest.raises(ScenarioError, match="strictly increasing") as err:
        build_model(sc, seed=1)
    assert err.value.path == "schedule -> 1 -> set"
    sc["schedule"] = sc["schedule"][1:]
    build_model(sc, seed=1)  # alone, each is fine
