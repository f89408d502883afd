"""Comparisons made by hand: a comparison table from chosen per-replication values, so
that the summary, the recommendation and the scorecard are tested on known verdicts
without running the model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from simulator.experiment import stats
from simulator.experiment.results import ComparisonResult
from simulator.metrics import registry

REPS = 5
# Small replication-to-replication wobble: a shift of 10 is detected, one of 0 is not.
WOBBLE = np.array([-0.4, 0.3, -0.1, 0.5, -0.3])


def kpis(values: Mapping[str, Mapping[str, Sequence[float]]]) -> pd.DataFrame:
    """Long table ``strategy, replication, metric, value`` from {strategy: {metric: values}}."""
    rows = [
        {"strategy": s, "replication": k, "metric": m, "value": float(v)}
        for s, by_metric in values.items()
        for m, vs in by_metric.items()
        for k, v in enumerate(vs)
    ]
    return pd.DataFrame(rows)


def shifted(level: float, shift: float, noise: float = 1.0) -> list[float]:
    """``level + shift`` with a wobble of its own per replication (``noise`` times)."""
    return list(level + shift + noise * WOBBLE)


def table(values: Mapping[str, Mapping[str, Sequence[float]]], baseline: str) -> pd.DataFrame:
    """The real comparison table (registry order and directions) of hand-made values."""
    metrics = [m.name for m in registry.compared()]
    return stats.comparison_table(kpis(values), list(values), baseline, REPS, metrics)


def result(
    values: Mapping[str, Mapping[str, Sequence[float]]],
    baseline: str,
    *,
    warmup: int | None = 390,
) -> ComparisonResult:
    """A comparison result around :func:`table`, with no daily data."""
    empty = pd.DataFrame()
    return ComparisonResult(
        scenario="hand_made",
        strategies=list(values),
        baseline=baseline,
        replications=REPS,
        seeds=list(range(1, REPS + 1)),
        kpis=kpis(values),
        daily=pd.DataFrame(columns=["strategy", "replication", "seed", "day", "metric", "value"]),
        breakdowns=empty,
        satisfaction=pd.DataFrame(columns=["strategy", "replication", "seed", "satisfaction"]),
        table=table(values, baseline),
        failures=[],
        resolved={"run": {"days": 365, "customers": 1000, "warmup_days": warmup}},
        strategy_overrides={s: {} for s in values},
        overrides={},
        events=[],
        metadata={} if warmup is None else {"warmup_days": warmup},
    )
