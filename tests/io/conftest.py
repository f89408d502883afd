"""A tiny run and a tiny comparison to write (50 customers, 5 days)."""

from __future__ import annotations

import pytest

from simulator.config.loading import load_yaml
from simulator.experiment.compare import run_comparison
from simulator.experiment.run import run
from tests.cli.helpers import COFFEE

SMALL = {"run.customers": 50, "run.days": 5}
FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="package")
def result():
    return run(load_yaml(COFFEE), overrides=SMALL, seed=2)


@pytest.fixture(scope="package")
def comparison():
    mapping = load_yaml(COFFEE)
    mapping["strategies"][FORMULA] = {"firm.price": 1.02}
    return run_comparison(mapping, ["status_quo", FORMULA], 2, jobs=1, overrides=SMALL)
