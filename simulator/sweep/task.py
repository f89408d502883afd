"""One task of a sweep: one design point, every strategy, every replication.

Replication ``k`` of a point warms that point's baseline market up once and forks it to
every strategy (docs/model.md §10: a strategy is an intervention on a running market),
so the strategies are paired on the same customers and the same luck, and the warm-up
is paid once per replication, not once per strategy. The task is a pure function of
plain data (the :class:`Context` and a :class:`PointTask`): where it runs, and in which
order, cannot change what it returns.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simulator.engine.model import LoyaltyModel
from simulator.experiment import finite
from simulator.experiment import run as runner
from simulator.experiment.protocol import prepare

__all__ = ["PART_COLUMNS", "Context", "PointResult", "PointTask", "run_point"]

# The tidy columns of a part, before the uncertainty columns (point values).
PART_COLUMNS = ["point", "strategy", "replication", "seed", "metric", "value"]


@dataclass(frozen=True)
class Context:
    """What every point shares: the scenario, fixed overrides, strategies (baseline first)."""

    scenario: dict[str, Any]
    overrides: dict[str, Any]
    strategies: tuple[str, ...]
    source: str = "<experiment>"


@dataclass(frozen=True)
class PointTask:
    """One design point: its index, its parameter values and one seed per replication."""

    point: int
    values: dict[str, float]
    seeds: tuple[int, ...]


@dataclass
class PointResult:
    """Every final KPI of every run of a point (tidy rows), and what it cost."""

    point: int
    rows: pd.DataFrame
    runs: int
    wall_time_s: float
    run_seconds: list[float] = field(default_factory=list)
    # CPU seconds of this process for the point: on a shared machine the wall time
    # measures the neighbours too, this measures the point.
    cpu_seconds: float = 0.0


def _kpis(summary: Mapping[str, Any]) -> dict[str, float]:
    out = {}
    for key, value in summary.items():
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            continue
        number = float(value)
        # An undefined ratio (no redemptions yet) is missing, not a number to average.
        if math.isfinite(number):
            out[key] = number
    return out


def run_point(task: PointTask, *, context: Context) -> PointResult:
    """Run every strategy and replication of one point; raise on the first failed run.

    A point is analysed whole (its strategies are paired), so one failed run fails the
    point; the executor records the error against it and the sweep goes on.
    """
    started, cpu = time.perf_counter(), time.process_time()
    overrides = {**context.overrides, **task.values}
    strategies = list(context.strategies)
    experiment = prepare(context.scenario, strategies, overrides, source=context.source)
    frames: list[pd.DataFrame] = []
    seconds: list[float] = []
    with finite.raising():  # a NaN must fail the point, not slip into the indices
        for k, seed in enumerate(task.seeds):
            t0 = time.perf_counter()
            warmed = experiment.warm_up(seed)
            snapshot = warmed.snapshot() if len(strategies) > 1 else None
            for i, name in enumerate(strategies):
                last = i == len(strategies) - 1
                model = warmed if last or snapshot is None else LoyaltyModel.restore(snapshot)
                try:
                    experiment.start(model, name)
                    experiment.report(model)
                    summary = runner.summary_of(model)
                except Exception as exc:
                    raise RuntimeError(
                        f"strategy {name!r} replication {k} (seed {seed}): "
                        f"{type(exc).__name__}: {exc}"
                    ) from exc
                kpis = _kpis(summary)
                frames.append(
                    pd.DataFrame(
                        {
                            "point": np.int64(task.point),
                            "strategy": name,
                            "replication": np.int32(k),
                            "seed": np.int64(seed),
                            "metric": list(kpis),
                            "value": np.fromiter(kpis.values(), dtype=np.float64),
                        }
                    )
                )
            seconds.append(time.perf_counter() - t0)
    rows = pd.concat(frames, ignore_index=True)
    for name, value in task.values.items():
        rows[name] = np.float64(value)
    return PointResult(
        point=task.point,
        rows=rows,
        runs=len(task.seeds) * len(strategies),
        wall_time_s=time.perf_counter() - started,
        run_seconds=seconds,
        cpu_seconds=time.process_time() - cpu,
    )
