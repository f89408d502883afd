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


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_compare_with_overflow_stops_at_the_first_run(tmp_path, jobs):
    code, out, err = cli(
        "compare", COFFEE, *TINY, *GENEROUS, "--strategies", "status_quo",
        "--replications", "3", "--jobs", jobs, "--quiet", "--out", tmp_path / "o",
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


def overflow(x: float) -> float:
    """Module level, so that worker processes can run it; says which process raised."""
    import os
    import time

    time.sleep(0.3)  # long enough for the worker to start and take tasks
    try:
        return float(np.exp(np.array([x]))[0])
    except FloatingPointError as exc:
        raise FloatingPointError(f"{exc} in process {os.getpid()}") from None


def test_workers_raise_on_floating_point_errors_too():
    import os

    from simulator.experiment.executor import LocalProcessExecutor, TaskError
    from simulator.experiment.finite import raise_in_this_process

    with LocalProcessExecutor(2, initializer=raise_in_this_process) as ex, raising():
        outcomes = dict(ex.map_unordered(overflow, [1000.0 + k for k in range(20)]))
    assert len(outcomes) == 20
    for outcome in outcomes.values():
        assert isinstance(outcome, TaskError) and "FloatingPointError" in outcome.message
    here = f"in process {os.getpid()}"
    assert any(here not in o.message for o in outcomes.values()), "no task ran in a worker"


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan"])
def test_no_infinite_or_nan_input(value):
    from simulator.config.loading import parse_set, resolve
    from simulator.errors import ScenarioError

    mapping = {"name": "a", "firm": {"programme": {"tiers": {"levels": [
        {"name": "gold", "threshold": 100.0}]}}}}  # fmt: skip
    for key in ("firm.programme.tiers.levels.0.threshold", "firm.price"):
        with pytest.raises(ScenarioError, match=r"finite number|less than or equal"):
            resolve(mapping, overrides=parse_set([f"{key}={value}"]))
