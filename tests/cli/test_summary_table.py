"""The `loyalty-sim run` summary table adds up (issue 12, item 7): revenue − cost of goods
− cost of quality = gross margin, and gross margin − programme cost − acquisition cost −
desk cost − surveys and policing = net margin, each on its own line."""

from __future__ import annotations

import pytest

from simulator.cli.run import format_summary
from simulator.config.loading import load_yaml
from simulator.experiment.run import run
from simulator.metrics import registry

from ..conftest import SCENARIOS

SMALL = {"run.customers": 1500, "run.days": 60, "run.warmup_days": 30}


def _row(table: str, label: str) -> float:
    for line in table.splitlines():
        if line.strip().startswith(label):
            return float(line.split()[-1].replace(",", ""))
    raise AssertionError(f"no row {label!r} in\n{table}")


@pytest.mark.parametrize(
    ("scenario", "strategy"),
    [("coffee_chain.yaml", "premium"), ("member_programme.yaml", "behaviour_points_policed")],
)
def test_the_money_rows_add_up(scenario, strategy):
    res = run(load_yaml(SCENARIOS / scenario), strategy=strategy, overrides=SMALL)
    s = res.summary
    assert s["gross_margin"] == pytest.approx(s["revenue"] - s["cost_of_goods"] - s["quality_cost"])
    costs = ("programme_cost", "acquisition_cost", "service_cost", "membership_cost")
    assert s["net_margin"] == pytest.approx(s["gross_margin"] - sum(s.get(c, 0.0) for c in costs))
    table = format_summary(s)
    labels = {m.name: m.headline_label for m in registry.headline()}
    shown = sum(_row(table, labels[c]) for c in costs if c in s)
    # The printed rows (whole currency units) add up to within their rounding.
    assert _row(table, labels["net_margin"]) == pytest.approx(
        _row(table, labels["gross_margin"]) - shown, abs=len(costs)
    )
    if scenario == "member_programme.yaml":
        assert s["membership_cost"] > 0  # the row that was missing
