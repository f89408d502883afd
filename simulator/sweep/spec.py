"""What a sweep is: the experiment file's schema, validated like a scenario.

An experiment file names a base scenario and its strategies, the uncertain parameters
(dotted key paths with bounds or levels), the design (grid, random, Latin hypercube, or
SALib's Sobol, Morris or FAST), the number of samples and replications, and the
outcomes with the direction that is better (EMA Workbench's vocabulary: uncertainties,
levers, outcomes). Every problem is one :class:`~simulator.errors.ScenarioError` naming
the file, the key path and what was expected.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from simulator.config.base import Strict
from simulator.config.loading import _format_error  # one error format for every file
from simulator.errors import ScenarioError

__all__ = ["METHODS", "ExperimentSpec", "Uncertainty", "parse_experiment", "scenario_path"]

Method = Literal["grid", "random", "latin", "sobol", "morris", "fast"]
METHODS: tuple[str, ...] = ("grid", "random", "latin", "sobol", "morris", "fast")
# Uncertainties vary what the firm does not control or decides; never the run constants
# (more customers or another seed is not a market condition) nor the strategies.
UNCERTAIN_ROOTS = ("market", "firm", "modules")
Finite = Annotated[float, Field(allow_inf_nan=False)]


class Uncertainty(Strict):
    """One uncertain parameter: bounds to sample between, or levels to choose from."""

    bounds: tuple[Finite, Finite] | None = Field(
        None, description="[low, high] for continuous designs (low < high)."
    )
    levels: list[Finite] | None = Field(
        None, min_length=2, max_length=1000, description="Values a grid takes (grid only)."
    )
    integer: bool = Field(False, description="Round sampled values to whole numbers.")

    @model_validator(mode="after")
    def _one_of(self) -> Uncertainty:
        if (self.bounds is None) == (self.levels is None):
            raise ValueError("expected either bounds: [low, high] or levels: [a, b, ...]")
        if self.bounds is not None and not self.bounds[0] < self.bounds[1]:
            raise ValueError(f"bounds must be [low, high] with low < high, got {list(self.bounds)}")
        return self

    @property
    def low(self) -> float:
        """Smallest value the parameter takes."""
        return self.bounds[0] if self.bounds is not None else min(self.levels or [0.0])

    @property
    def high(self) -> float:
        """Largest value the parameter takes."""
        return self.bounds[1] if self.bounds is not None else max(self.levels or [0.0])


class DesignOptions(Strict):
    """Method-specific settings, with SALib's defaults."""

    second_order: bool = Field(
        False, description="Sobol: also second-order indices (N*(2D+2) points instead of N*(D+2))."
    )
    num_levels: int = Field(4, ge=2, le=100, description="Morris: levels of the grid.")
    M: int = Field(4, ge=1, le=50, description="FAST: interference parameter.")
    grid_levels: int = Field(
        3, ge=2, le=100, description="Grid: levels between the bounds when none are listed."
    )


class ExperimentSpec(Strict):
    """A sweep: one scenario's strategies over a design of uncertain parameters."""

    name: str = Field(
        "", max_length=80, pattern=r"^[A-Za-z0-9_.-]*$", description="Names the result folder."
    )
    description: str = Field("", max_length=4000, description="What question the sweep answers.")
    scenario: str = Field(..., min_length=1, description="Scenario file, relative to this file.")
    strategies: list[Annotated[str, Field(min_length=1)]] = Field(
        ..., min_length=1, max_length=50, description="Strategies run at every point."
    )
    baseline: str | None = Field(
        None, description="Strategy the others are paired with (default status_quo or the first)."
    )
    method: Method = Field(..., description="Design: " + ", ".join(METHODS) + ".")
    samples: int | None = Field(
        None,
        ge=1,
        le=1_000_000,
        description="Sobol/FAST base N, Morris trajectories, or random/latin points "
        "(a grid has one point per combination of levels and takes none).",
    )
    replications: int = Field(
        ..., ge=2, le=1000, description="Replications per strategy and point (>= 2 for intervals)."
    )
    seed: int = Field(1, ge=0, le=2**32 - 1, description="Seed of the design's sampler.")
    seeds: Literal["common", "independent"] = Field(
        "common",
        description="common: replication k uses run.seed + k at every point (common random "
        "numbers across points, as compare does across strategies); independent: a seed "
        "drawn from (point, replication).",
    )
    options: DesignOptions = Field(default_factory=DesignOptions, description="Design settings.")
    set: dict[str, Any] = Field(
        default_factory=dict, description="Dotted key paths applied to the scenario, as --set."
    )
    uncertainties: dict[str, Uncertainty] = Field(
        ..., min_length=1, max_length=100, description="Dotted key path -> bounds or levels."
    )
    outcomes: dict[str, Literal[1, -1]] = Field(
        ..., min_length=1, max_length=50, description="Metric -> 1 (maximise) or -1 (minimise)."
    )

    @field_validator("uncertainties", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        # `path: [low, high]` is the sketched format; `path: {levels: [...]}` the long one.
        if isinstance(value, dict):
            return {
                k: ({"bounds": v} if isinstance(v, list | tuple) else v) for k, v in value.items()
            }
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ExperimentSpec:
        if len(set(self.strategies)) != len(self.strategies):
            raise ValueError(f"strategies are listed twice: {self.strategies}")
        if self.baseline is not None and self.baseline not in self.strategies:
            raise ValueError(f"baseline {self.baseline!r} is not among {self.strategies}")
        if self.method == "grid" and self.samples is not None:
            raise ValueError("a grid has one point per combination of levels: drop samples")
        if self.method != "grid" and self.samples is None:
            raise ValueError(f"method {self.method!r} needs samples")
        levels = [k for k, u in self.uncertainties.items() if u.levels is not None]
        if levels and self.method != "grid":
            raise ValueError(
                f"{levels[0]!r} has levels, which only a grid takes; give bounds for "
                f"method {self.method!r}"
            )
        return self

    @property
    def baseline_name(self) -> str:
        """The strategy the others are paired with."""
        if self.baseline is not None:
            return self.baseline
        return "status_quo" if "status_quo" in self.strategies else self.strategies[0]

    @property
    def names(self) -> list[str]:
        """Uncertain parameters, in file order."""
        return list(self.uncertainties)


def parse_experiment(data: Any, *, source: str) -> ExperimentSpec:
    """Validate an experiment file's data; the first problem becomes a ScenarioError.

    Checks that need the scenario (known strategies, known keys) are in
    :mod:`simulator.sweep.prepare`.
    """
    if not isinstance(data, dict):
        raise ScenarioError(
            f"expected a mapping of experiment keys, got {type(data).__name__}", source=source
        )
    try:
        spec = ExperimentSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        path, msg = _format_error(err)
        if err.get("type") == "extra_forbidden":
            path, msg = _unknown_key(err, path)
        raise ScenarioError(msg, source=source, path=path) from None
    for key in spec.uncertainties:
        root = key.replace("->", ".").split(".")[0].strip()
        if root not in UNCERTAIN_ROOTS:
            raise ScenarioError(
                f"an uncertainty must be a key path under one of {list(UNCERTAIN_ROOTS)}, "
                f"got {key!r}",
                source=source,
                path=f"uncertainties -> {key}",
            )
    return spec


def _unknown_key(err: Any, path: str) -> tuple[str, str]:
    """'did you mean' against the experiment schema (the scenario's would mislead)."""
    loc = tuple(err.get("loc", ()))
    model: type[BaseModel] = ExperimentSpec
    if len(loc) >= 3 and loc[0] == "uncertainties":
        model = Uncertainty
    elif len(loc) == 2 and loc[0] == "options":
        model = DesignOptions
    options = list(model.model_fields)
    hint = difflib.get_close_matches(str(loc[-1]), options, n=1, cutoff=0.5)
    msg = f"unknown key {str(loc[-1])!r}"
    msg += f"; did you mean {hint[0]!r}?" if hint else f"; expected one of {options}"
    return path, msg


def scenario_path(spec: ExperimentSpec, experiment_file: str | Path) -> Path:
    """The scenario file, relative to the experiment file's folder."""
    path = Path(spec.scenario)
    return path if path.is_absolute() else Path(experiment_file).parent / path
