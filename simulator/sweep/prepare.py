"""From an experiment file to a checked :class:`Sweep`, before anything runs.

A typo must cost a second, not a night of runs: the scenario is loaded, the strategies
and outcomes are looked up, and every strategy is validated with every uncertainty at
its low and at its high end, so a key path the scenario does not know, a bound the
schema refuses or an uncertainty a strategy also sets is one line naming the
experiment file and the key.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.config import loading
from simulator.config.reading import load_yaml
from simulator.errors import ScenarioError
from simulator.metrics import registry
from simulator.sweep.spec import ExperimentSpec, parse_experiment, scenario_path

__all__ = ["Sweep", "load_sweep"]


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: the spec, the scenario as plain data and the fixed overrides.

    Attributes
    ----------
    spec
        The experiment file, validated.
    scenario
        The base scenario mapping (its strategies included), as read.
    overrides
        The experiment's ``set`` then the command line's ``--set``, applied to every
        point before the point's own values.
    source
        The experiment file, named in errors.
    """

    spec: ExperimentSpec
    scenario: dict[str, Any]
    overrides: dict[str, Any] = field(default_factory=dict)
    source: str = "<experiment>"

    @property
    def strategies(self) -> list[str]:
        """Strategies in run order, the baseline first."""
        base = self.spec.baseline_name
        return [base, *[s for s in self.spec.strategies if s != base]]

    @property
    def name(self) -> str:
        """The sweep's name (the experiment's, else the scenario's)."""
        return self.spec.name or str(self.scenario.get("name", "sweep"))

    def resolved(self) -> dict[str, Any]:
        """The experiment as plain data, its scenario inlined (``experiment.resolved.yaml``)."""
        data = self.spec.model_dump(mode="json")
        data["set"] = dict(self.overrides)
        data["scenario"] = self.scenario
        return data


def load_sweep(path: str | Path, cli_overrides: Mapping[str, Any] | None = None) -> Sweep:
    """Read, validate and check an experiment file against its scenario.

    Raises
    ------
    ScenarioError
        Anything wrong in the experiment file or its scenario, as one line.
    """
    source = str(path)
    spec = parse_experiment(load_yaml(path), source=source)
    scenario_file = scenario_path(spec, path)
    if not scenario_file.is_file():
        raise ScenarioError(
            f"{scenario_file}: no such scenario file (a relative path is read from the "
            "experiment file's folder)",
            source=source,
            path="scenario",
        )
    scenario = load_yaml(scenario_file)
    overrides = {**spec.set, **dict(cli_overrides or {})}
    sweep = Sweep(spec, scenario, overrides, source)
    check(sweep, scenario_source=str(scenario_file))
    return sweep


def check(sweep: Sweep, *, scenario_source: str) -> None:
    """Strategies, outcomes and uncertainties against the scenario and the registry."""
    spec, source = sweep.spec, sweep.source
    names = loading.strategy_names(sweep.scenario)
    for i, name in enumerate(spec.strategies):
        if name not in names:
            hint = difflib.get_close_matches(name, names, n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            raise ScenarioError(
                f"unknown strategy {name!r}; the scenario has {names}{extra}",
                source=source,
                path=f"strategies -> {i}",
            )
    _check_outcomes(spec, source)
    strategies = sweep.scenario.get("strategies") or {}
    for key in spec.uncertainties:
        for strategy in spec.strategies:
            if key in (strategies.get(strategy) or {}):
                raise ScenarioError(
                    f"strategy {strategy!r} sets {key!r} too, so the uncertainty would not "
                    "act on it; vary another key or drop it from the strategy",
                    source=source,
                    path=f"uncertainties -> {key}",
                )
    for key in spec.uncertainties:
        for i, change in enumerate(sweep.scenario.get("schedule") or []):
            if isinstance(change, dict) and key in (change.get("set") or {}):
                raise ScenarioError(
                    f"the scenario's schedule -> {i} sets {key!r} on day {change.get('day')}, "
                    "which would overwrite the uncertainty mid-run; vary another key or "
                    "drop the scheduled change with --set",
                    source=source,
                    path=f"uncertainties -> {key}",
                )
    # The fixed overrides alone first, so a bad --set is blamed on --set.
    try:
        loading.resolve(sweep.scenario, overrides=sweep.overrides, source=scenario_source)
    except ScenarioError as exc:
        where = exc.path.removeprefix("--set -> ")
        raise ScenarioError(
            f"{where + ': ' if where else ''}{exc.message}", source=source, path="set"
        ) from None
    for corner in ("low", "high"):
        values = {k: getattr(u, corner) for k, u in spec.uncertainties.items()}
        for strategy in spec.strategies:
            for key, value in values.items():
                try:
                    loading.resolve(
                        sweep.scenario,
                        strategy=strategy,
                        overrides={**sweep.overrides, key: value},
                        source=scenario_source,
                    )
                except ScenarioError as exc:
                    where = exc.path.removeprefix("--set -> ")
                    raise ScenarioError(
                        f"at its {corner} end {value!r}: {where + ': ' if where else ''}"
                        f"{exc.message}",
                        source=source,
                        path=f"uncertainties -> {key}",
                    ) from None


def _check_outcomes(spec: ExperimentSpec, source: str) -> None:
    finals = [m.name for m in registry.METRICS.values() if m.kind in (registry.FINAL, "both")]
    for name, direction in spec.outcomes.items():
        path = f"outcomes -> {name}"
        if name not in finals:
            hint = difflib.get_close_matches(name, finals, n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            raise ScenarioError(
                f"unknown outcome {name!r}: expected a final metric of the registry "
                f"(summary.json){extra}",
                source=source,
                path=path,
            )
        declared = registry.get(name).direction
        if declared and declared != direction:
            better = "higher" if declared > 0 else "lower"
            raise ScenarioError(
                f"direction {direction} contradicts the metric registry ({name}: {better} "
                f"is better, direction {declared})",
                source=source,
                path=path,
            )
