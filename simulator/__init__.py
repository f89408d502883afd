"""loyalty-sim: an agent-based loyalty-strategy simulator.

Quick start::

    import simulator as ls
    scenario = ls.load_yaml("scenarios/coffee_chain.yaml")
    result = ls.run(scenario, strategy="status_quo", seed=1, overrides={"run.customers": 5000})
    result.metric("customers_active").plot()
"""

from simulator.config.loading import (
    apply_overrides,
    load_scenario,
    load_yaml,
    resolve,
    strategy_names,
)
from simulator.errors import LoyaltySimError, OutputError, RunError, ScenarioError

__version__ = "0.1.0"

__all__ = [
    "LoyaltyModel",
    "LoyaltySimError",
    "OutputError",
    "RunError",
    "RunResult",
    "ScenarioError",
    "apply_overrides",
    "build_model",
    "load_scenario",
    "load_yaml",
    "resolve",
    "run",
    "strategy_names",
]


def __getattr__(name: str):
    # Lazy: importing the package must not import Mesa, SimPy and matplotlib
    # (no work at import time; `loyalty-sim schema` stays instant).
    if name in ("run", "build_model", "RunResult"):
        from simulator.experiment import run as runner

        return getattr(runner, name)
    if name == "LoyaltyModel":
        from simulator.engine.model import LoyaltyModel

        return LoyaltyModel
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")
