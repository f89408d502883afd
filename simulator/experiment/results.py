"""What runs and comparisons produce, as plain data.

:class:`RunResult` is one run; a comparison keeps a :class:`RunRecord` of each, notes a
:class:`Failure` for each that raised, and returns a :class:`ComparisonResult`.

Result types only: no running, no statistics, no files. The report reads these, the
comparison (:mod:`simulator.experiment.compare`) fills them, and :mod:`simulator.io`
writes and reads them back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simulator.engine.transactions import Purchases

__all__ = ["ComparisonResult", "Failure", "RunRecord", "RunResult"]


@dataclass
class RunResult:
    """Everything a run produces, as plain data (picklable)."""

    scenario: str
    strategy: str
    seed: int
    metrics: pd.DataFrame
    customers: pd.DataFrame
    summary: dict[str, Any]
    resolved: dict[str, Any]
    metadata: dict[str, Any]
    purchases: Purchases | None = None
    events: list[tuple[int, str]] = field(default_factory=list)

    @property
    def transactions(self) -> pd.DataFrame | None:
        """The recorded purchases as one table (``None`` if the run did not record them)."""
        return self.purchases.frame() if self.purchases is not None else None

    def kpis(self) -> pd.Series:
        """The summary as a Series (handy in notebooks)."""
        return pd.Series(self.summary, name=f"{self.scenario}/{self.strategy}/seed{self.seed}")

    def metric(self, name: str) -> pd.Series:
        """One total metric as a Series indexed by day."""
        m = self.metrics
        sel = m[(m["metric"] == name) & (m["segment"] == "") & (m["tier"] == "")]
        return sel.set_index("day")["value"].rename(name)


@dataclass(frozen=True)
class Failure:
    """One replication that raised: enough to replay it with ``loyalty-sim run``."""

    strategy: str
    replication: int
    seed: int
    message: str
    traceback: str = ""

    def describe(self) -> str:
        """One line for a warning."""
        return (
            f"strategy {self.strategy!r} replication {self.replication} "
            f"(seed {self.seed}) failed: {self.message}"
        )


@dataclass
class RunRecord:
    """The slice of one run a comparison keeps (picklable, small)."""

    summary: dict[str, float]
    daily: pd.DataFrame
    breakdowns: pd.DataFrame
    satisfaction: np.ndarray | None = None
    events: list[tuple[int, str]] = field(default_factory=list)
    wall_time_s: float = math.nan


@dataclass
class ComparisonResult:
    """Everything a comparison produces, as plain data.

    Attributes
    ----------
    kpis
        ``strategy, replication, seed, metric, value``: final KPIs of each successful run.
    daily
        ``strategy, replication, seed, day, metric, value``: daily totals of the metrics
        declared ``compared_daily`` in :mod:`simulator.metrics.registry`.
    breakdowns
        ``strategy, replication, seed, day, metric, segment, tier, value``: the last
        recorded day's breakdowns by segment and by tier.
    satisfaction
        ``strategy, replication, seed, satisfaction``: final satisfaction of each active
        customer in one replication (the same one for every strategy when possible).
    table
        One row per strategy and KPI (see :func:`simulator.experiment.stats.comparison_table`).
    resolved
        The base scenario after the user's overrides, before any strategy.
    strategy_overrides
        Each compared strategy's overrides, as written in the scenario.
    """

    scenario: str
    strategies: list[str]
    baseline: str
    replications: int
    seeds: list[int]
    kpis: pd.DataFrame
    daily: pd.DataFrame
    breakdowns: pd.DataFrame
    satisfaction: pd.DataFrame
    table: pd.DataFrame
    failures: list[Failure]
    resolved: dict[str, Any]
    strategy_overrides: dict[str, dict[str, Any]]
    overrides: dict[str, Any]
    events: list[tuple[int, str]]
    metadata: dict[str, Any]

    def tidy(self) -> pd.DataFrame:
        """One long table of every value (``comparison.parquet``).

        ``kind`` is ``kpi`` (final value, ``day`` missing), ``daily`` (totals by day) or
        ``breakdown`` (by segment or tier, last day); ``segment``/``tier`` are empty
        strings for totals.
        """
        kpi = self.kpis.assign(kind="kpi", day=pd.NA, segment="", tier="")
        daily = self.daily.assign(kind="daily", segment="", tier="")
        bd = self.breakdowns.assign(kind="breakdown")
        cols = [
            "scenario",
            "strategy",
            "replication",
            "seed",
            "kind",
            "day",
            "metric",
            "segment",
            "tier",
            "value",
        ]
        parts = [f.assign(scenario=self.scenario)[cols] for f in (kpi, daily, bd) if len(f)]
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        out = pd.concat(parts, ignore_index=True)
        out["day"] = out["day"].astype("Int32")
        out["replication"] = out["replication"].astype("int32")
        out["seed"] = out["seed"].astype("int64")
        out["value"] = out["value"].astype("float64")
        return out
