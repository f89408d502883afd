"""The metric registry: every recorded name and summary key declared once, and coherent."""

from __future__ import annotations

import pandas as pd
import pytest

import simulator
from simulator.cli.run import format_summary
from simulator.experiment.stats import INCREMENTAL_ROI, MARGIN_PER_COST
from simulator.metrics import registry
from simulator.metrics.registry import COMPARISON, GROUPS, METRICS

from .conftest import SCENARIOS

# Each shipped scenario once, plus the strategies that switch on a points card, tiers,
# campaigns and retention offers, so that every programme key appears somewhere.
RUNS = [
    ("coffee_chain", "status_quo"),
    ("coffee_chain", "loyalty_card"),
    ("airline_tiers", "fourth_tier"),
    ("grocery_points", "double_points_month"),
    ("telecom_competitor_attack", "retention_offers"),
    ("service_recovery", "staff_2"),
    ("cdnow_baseline", "base_process"),
    # Membership systems (docs/model.md §11): surveys, stages, warning, policed points.
    ("member_programme", "behaviour_points_policed"),
]


@pytest.fixture(scope="module")
def runs() -> list[simulator.RunResult]:
    out = []
    for scenario, strategy in RUNS:
        mapping = simulator.load_yaml(SCENARIOS / f"{scenario}.yaml")
        out.append(
            simulator.run(
                mapping,
                strategy=strategy,
                seed=1,
                overrides={"run.customers": 2000, "run.days": 60},
            )
        )
    return out


def _totals(metrics: pd.DataFrame) -> pd.DataFrame:
    return metrics[(metrics["segment"] == "") & (metrics["tier"] == "")]


def test_every_recorded_metric_is_declared_daily(runs):
    for result in runs:
        for name in set(_totals(result.metrics)["metric"]):
            assert name in METRICS, f"{result.scenario}: daily metric {name!r} is not declared"
            assert METRICS[name].daily, f"{name!r} is recorded each day but not declared so"


def test_every_breakdown_is_declared_by_its_group(runs):
    for result in runs:
        m = result.metrics
        for group in GROUPS:
            for name in set(m.loc[m[group] != "", "metric"]):
                assert name in METRICS, f"breakdown {name!r} is not declared"
                assert METRICS[name].daily and group in METRICS[name].by, (name, group)


def test_every_summary_key_is_declared_final(runs):
    for result in runs:
        for key in result.summary:
            assert key in METRICS, f"{result.scenario}: summary key {key!r} is not declared"
            assert METRICS[key].final, f"{key!r} is in summary.json but not declared final"


def test_every_declaration_is_recorded_somewhere(runs):
    """A stale declaration (a metric the model no longer records) fails here."""
    daily = set().union(*(set(r.metrics["metric"]) for r in runs))
    final = set().union(*(set(r.summary) for r in runs))
    assert [m.name for m in METRICS.values() if m.daily and m.name not in daily] == []
    assert [m.name for m in METRICS.values() if m.final and m.name not in final] == []
    assert [m.name for m in METRICS.values() if m.kind == COMPARISON] == [
        MARGIN_PER_COST,
        INCREMENTAL_ROI,
    ]


def test_the_two_programme_returns_are_labelled_apart():
    """Issue 12: 'margin per 1.00 of programme cost' and ROI (= that - 1), each labelled."""
    assert METRICS[MARGIN_PER_COST].label == "margin gained per 1.00 of extra programme cost"
    assert METRICS[INCREMENTAL_ROI].label == (
        "incremental programme ROI (margin gained per 1.00 of cost \u2212 1)"
    )
    # The ROI is read around 0 (signed), the ratio around 1.
    assert METRICS[INCREMENTAL_ROI].signed and not METRICS[MARGIN_PER_COST].signed
    assert METRICS[INCREMENTAL_ROI].direction == METRICS[MARGIN_PER_COST].direction == 1


@pytest.mark.parametrize("role", ["headline", "compared", "objective", "trajectory"])
def test_positions_are_one_to_n(role):
    positions = sorted(getattr(m, role) for m in METRICS.values() if getattr(m, role))
    assert positions == list(range(1, len(positions) + 1)), role


def test_roles_fit_the_kind():
    for m in METRICS.values():
        assert m.direction in (-1, 0, 1), m.name
        assert isinstance(m.value_text(1234.5), str) and isinstance(m.diff_text(-0.5), str)
        if m.headline or m.compared:
            assert m.final, f"{m.name}: shown from summary.json but not final"
        if m.compared_daily or m.breakdown:
            assert m.daily, f"{m.name}: read from metrics.parquet but not daily"
        if m.trajectory:
            assert m.compared_daily, f"{m.name}: plotted but not kept by compare"
        if m.objective:
            assert m.compared and m.direction != 0, f"{m.name}: an objective must be judged"
        assert set(m.by) <= set(GROUPS) and bool(m.by) == bool(m.breakdown), m.name
        assert m.points in (None, 1.0, 100.0), m.name


def test_lookups():
    assert registry.get("nps") is METRICS["nps"]
    assert registry.get("not_declared").label == "not_declared"
    assert [m.name for m in registry.breakdowns("tier")] == ["members", "satisfaction_mean"]
    assert METRICS["revenue"].chart_title == "Revenue, cumulative"
    assert METRICS["nps"].chart_title == "Net Promoter Score" and METRICS["nps"].signed
    assert METRICS["retention_rate_annual"].diff_text(0.012) == "+1.2 pp"
    assert registry.directions()["programme_cost"] == -1


def test_run_summary_table_reads_the_headline(runs):
    table = format_summary(runs[1].summary).splitlines()
    shown = [m for m in registry.headline() if m.name in runs[1].summary]
    assert len(table) == len(shown)
    assert table[0].split()[:3] == ["Active", "customers", "(end)"]
    assert table[5].strip().startswith("NPS (end)")
