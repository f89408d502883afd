"""Numbers are finite or refused (issue 17, item 14)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator.experiment.finite import NumericalError, check_run, raising
from tests.cli.helpers import COFFEE, TINY, cli, one_line_error

# A reward worth 200 for 50 points: the programme as a price cut of more than 100%.
GENEROUS = [
    "--set",
    "firm.programme={enrol_all_at_start: true, rewards: [{points: 50, value: 200}]}",
]


@pytest.mark.parametrize(
    "overrides",
    [GENEROUS, ["--set", "firm.price=1e-300"]],
    ids=["reward-worth-more-than-its-points", "tiny-price"],
)
def test_run_with_overflow_is_refused_and_writes_nothing(tmp_path, overrides):
    code, out, err = cli("run", COFFEE, *TINY, *overrides, "--quiet", "--out", tmp_path / "o")
    one_line_error(code, err, "the arithmetic left the finite numbers", "outside the range")
    assert not (tmp_path / "o").exists() and "results:" not in out


def test_compare_with_overflow_stops_at_the_first_run(tmp_path):
    code, out, err = cli(
        "compare", COFFEE, *TINY, *GENEROUS, "--strategies", "status_quo",
        "--replications", "3", "--jobs", "1", "--quiet", "--out", tmp_path / "o",
    )  # fmt: skip
    one_line_error(code, err, "the arithmetic left the finite numbers")
    assert not (tmp_path / "o").exists()


def test_raising_turns_numpy_errors_into_one_error():
    with pytest.raises(NumericalError, match=r"\(overflow encountered in exp\)"):
        with raising():
            np.exp(np.array([1000.0]))


def test_check_run_refuses_infinity_and_undefined_amounts():
    from simulator.config.loading import load_yaml
    from simulator.experiment.run import run

    result = run(load_yaml(COFFEE), overrides={"run.customers": 50, "run.days": 5})
    check_run(result)  # NaN in ratios such as the breakage rate is "n/a", not an error
    assert any(
        v is None or (isinstance(v, float) and math.isnan(v)) for v in result.summary.values()
    )

    result.summary["revenue"] = math.inf
    with pytest.raises(NumericalError, match="an infinite value in revenue at the end"):
        check_run(result)
    result.summary["revenue"] = 1.0
    metrics = result.metrics
    row = metrics.index[(metrics["metric"] == "programme_cost") & (metrics["day"] == 3)][0]
    metrics.loc[row, "value"] = math.nan
    with pytest.raises(NumericalError, match="NaN in programme_cost on day 3"):
        check_run(result)
