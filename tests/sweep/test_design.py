"""Designs have the sizes their methods promise, and a hash that changes with them."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.sweep.design import build_design, design_hash, point_seeds
from simulator.sweep.prepare import load_sweep
from simulator.sweep.spec import ExperimentSpec
from tests.sweep.helpers import experiment, write


def spec(**changes) -> ExperimentSpec:
    data = experiment(**changes)
    return ExperimentSpec.model_validate(data)


@pytest.mark.parametrize(
    ("changes", "points"),
    [
        ({"method": "sobol", "samples": 8}, 8 * (2 + 2)),  # N (D + 2), no second order
        ({"method": "sobol", "samples": 8, "options": {"second_order": True}}, 8 * (2 * 2 + 2)),
        ({"method": "morris", "samples": 5}, 5 * (2 + 1)),  # trajectories (D + 1)
        ({"method": "fast", "samples": 65}, 65 * 2),  # N D
        ({"method": "latin", "samples": 10}, 10),
        ({"method": "random", "samples": 7}, 7),
        ({"method": "grid", "samples": None, "options": {"grid_levels": 3}}, 9),
    ],
)
def test_sizes(changes, points):
    design = build_design(spec(**changes))
    assert len(design) == points
    assert list(design["point"]) == list(range(points))
    for name, (lo, hi) in experiment()["uncertainties"].items():
        assert design[name].between(lo, hi).all()


def test_latin_puts_one_point_in_each_stratum():
    design = build_design(spec(method="latin", samples=20))
    for name, (lo, hi) in experiment()["uncertainties"].items():
        strata = np.floor((design[name] - lo) / (hi - lo) * 20).astype(int)
        assert sorted(strata) == list(range(20))


def test_grid_levels_and_integers():
    s = spec(
        method="grid",
        samples=None,
        uncertainties={
            "market.competitive_intensity": {"levels": [0.2, 0.5, 0.9]},
            "firm.desk.staff": {"bounds": [1, 4], "integer": True},
        },
    )
    design = build_design(s)
    assert len(design) == 3 * 3
    assert set(design["market.competitive_intensity"]) == {0.2, 0.5, 0.9}
    assert set(design["firm.desk.staff"]) == {1.0, 2.0, 4.0}  # 2.5 rounds to even


def test_same_design_for_the_same_seed_and_another_for_another():
    a = build_design(spec(method="sobol", samples=8))
    b = build_design(spec(method="sobol", samples=8))
    c = build_design(spec(method="sobol", samples=8, seed=2))
    assert a.equals(b) and not a.equals(c)


def test_hash_covers_the_experiment_the_scenario_values_and_the_design(tmp_path):
    path = write(tmp_path)
    one = load_sweep(path)
    digest = design_hash(one, build_design(one.spec))
    assert digest == design_hash(load_sweep(path), build_design(one.spec))
    other = load_sweep(path, {"run.days": 21})
    assert design_hash(other, build_design(other.spec)) != digest
    three = load_sweep(write(tmp_path, experiment(replications=3), "b.yaml"))
    assert design_hash(three, build_design(three.spec)) != digest


def test_seeds_depend_on_point_and_replication_only():
    common = spec()
    assert point_seeds(common, 7, 0) == point_seeds(common, 7, 5) == [7, 8]
    independent = spec(seeds="independent")
    a, b = point_seeds(independent, 7, 0), point_seeds(independent, 7, 1)
    assert a == point_seeds(independent, 99, 0)  # the base seed plays no part
    assert len(set(a + b)) == 4
    assert all(0 <= s <= 2**63 - 1 for s in a + b)
