"""The experiment protocol: warm the baseline up once, then intervene (docs/model.md §10).

A strategy is an intervention on a market that was already running. Each replication
first simulates ``run.warmup_days`` under the baseline (the scenario with the user's
``--set`` values, no strategy, no scheduled change), with the choice constants
calibrated once on it; at the end of the warm-up every counter is reset, day 0 of the
reported window is recorded, and each strategy is applied to the warmed-up market as a
change its customers feel. Strategies of one replication start from the very same
state (a snapshot, restored once per strategy), so they differ only by what they change,
and the warm-up is paid once, not once per strategy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.config import loading
from simulator.config.schema import Scenario
from simulator.engine.model import LoyaltyModel

Progress = Callable[[int, int], None] | None


@dataclass(frozen=True)
class Experiment:
    """A scenario's baseline and the whole scenario of each strategy, validated."""

    base: Scenario
    strategies: dict[str, Scenario]

    @property
    def warmup_days(self) -> int:
        """Days simulated before the reported window."""
        return self.base.run.warmup_days

    @property
    def days(self) -> int:
        """Days reported."""
        return self.base.run.days

    def warm_up(
        self, seed: int, *, transactions: bool = False, progress: Progress = None
    ) -> LoyaltyModel:
        """The baseline market of replication ``seed`` after its warm-up."""
        model = LoyaltyModel(self.base, seed=seed, record_transactions=transactions)
        advance(model, self.warmup_days, progress, offset=0, total=self.warmup_days + self.days)
        return model

    def start(self, model: LoyaltyModel, strategy: str) -> None:
        """Open the reported window on ``model`` with ``strategy`` applied from day 1."""
        model.begin_report(self.strategies[strategy], label=f"strategy {strategy}")

    def report(self, model: LoyaltyModel, progress: Progress = None) -> None:
        """Simulate the reported window."""
        total = self.warmup_days + self.days
        advance(model, self.days, progress, offset=self.warmup_days, total=total)


def prepare(
    mapping: Mapping[str, Any],
    strategies: Sequence[str],
    overrides: Mapping[str, Any] | None = None,
    *,
    source: str = "<mapping>",
) -> Experiment:
    """Validate the baseline and each strategy before anything runs.

    Raises
    ------
    ScenarioError
        A strategy or override that does not validate, or a strategy that changes a
        key fixed once a run starts (it could not be applied to a running market).
    """
    bare = {k: v for k, v in mapping.items() if k != "strategies"}
    base = loading.resolve(bare, overrides=overrides, source=source)
    scenarios = {
        name: loading.resolve(mapping, strategy=name, overrides=overrides, source=source)
        for name in strategies
    }
    return Experiment(base, scenarios)


def advance(
    model: LoyaltyModel, days: int, progress: Progress, *, offset: int = 0, total: int = 0
) -> None:
    """Step ``days`` days, telling ``progress(done, total)`` after each."""
    for d in range(days):
        model.step()
        if progress is not None:
            progress(offset + d + 1, total)
