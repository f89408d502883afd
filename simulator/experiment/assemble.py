"""From runs to a comparison's tables: keep a slice of each run, then pair them up.

:func:`record_from_parts` keeps what a comparison needs from one run (in the worker, so
little crosses the process boundary; and from a run directory's files, for
``loyalty-sim report``). :func:`assemble` builds a :class:`ComparisonResult` from the
records in (strategy, replication) order, so it never depends on which run finished
first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simulator.experiment.results import ComparisonResult, Failure, RunRecord
from simulator.experiment.stats import comparison_table
from simulator.metrics import registry

__all__ = ["assemble", "record_from_parts"]


def record_from_parts(
    summary: Mapping[str, Any],
    metrics: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    events: Sequence[tuple[int, str]] = (),
    wall_time_s: float = math.nan,
) -> RunRecord:
    """Keep what a comparison needs from one run's summary, metrics and customers.

    Shared by the workers (from a :class:`~simulator.experiment.run.RunResult`) and by
    ``loyalty-sim report`` (from a run directory's files). Of the daily totals, only
    the metrics declared ``compared_daily`` are kept.
    """
    kpis = {
        k: float(v)
        for k, v in summary.items()
        if isinstance(v, int | float | np.number)
        and not isinstance(v, bool)
        and math.isfinite(float(v))
    }
    seg = metrics["segment"].astype(str)
    tier = metrics["tier"].astype(str)
    totals = metrics[(seg == "") & (tier == "")]
    daily = totals[totals["metric"].isin([m.name for m in registry.compared_daily()])]
    daily = pd.DataFrame(
        {
            "day": daily["day"].to_numpy(dtype=np.int64),
            "metric": daily["metric"].astype(str).to_numpy(dtype=object),
            "value": daily["value"].to_numpy(dtype=np.float64),
        }
    )
    split = metrics[(seg != "") | (tier != "")]
    if len(split):
        split = split[split["day"] == split["day"].max()]
    breakdowns = pd.DataFrame(
        {
            "day": split["day"].to_numpy(dtype=np.int64),
            "metric": split["metric"].astype(str).to_numpy(dtype=object),
            "segment": split["segment"].astype(str).to_numpy(dtype=object),
            "tier": split["tier"].astype(str).to_numpy(dtype=object),
            "value": split["value"].to_numpy(dtype=np.float64),
        }
    )
    return RunRecord(
        kpis,
        daily,
        breakdowns,
        _active_satisfaction(customers),
        [(int(d), str(label)) for d, label in events],
        float(wall_time_s),
    )


def _active_satisfaction(customers: pd.DataFrame | None) -> np.ndarray | None:
    needed = {"alive", "relationship", "satisfaction"}
    if customers is None or not needed <= set(customers.columns):
        return None
    active = customers["alive"].to_numpy(dtype=bool) & (
        customers["relationship"].to_numpy() == "active"
    )
    return customers["satisfaction"].to_numpy(dtype=np.float32)[active]


def assemble(
    *,
    scenario: str,
    strategies: Sequence[str],
    baseline: str,
    seeds: Sequence[int],
    records: Mapping[tuple[str, int], RunRecord],
    failures: Sequence[Failure] = (),
    resolved: dict[str, Any] | None = None,
    strategy_overrides: dict[str, dict[str, Any]] | None = None,
    overrides: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
) -> ComparisonResult:
    """Build the comparison's tables from per-run records keyed by (strategy, replication).

    Iterates in strategy then replication order, so the result does not depend on the
    order the runs finished in. The KPIs judged, their order and directions are those
    the registry declares ``compared``.
    """
    replications = len(seeds)
    kpi_rows: list[tuple] = []
    daily, breakdowns = [], []
    keys = [(s, k) for s in strategies for k in range(replications) if (s, k) in records]
    for s, k in keys:
        rec = records[(s, k)]
        kpi_rows += [(s, k, seeds[k], m, v) for m, v in rec.summary.items()]
        daily.append(rec.daily.assign(strategy=s, replication=k, seed=seeds[k]))
        breakdowns.append(rec.breakdowns.assign(strategy=s, replication=k, seed=seeds[k]))
    ids = ["strategy", "replication", "seed"]
    kpis = pd.DataFrame(kpi_rows, columns=[*ids, "metric", "value"])
    daily_df = _frame(daily, [*ids, "day", "metric", "value"])
    bd_df = _frame(breakdowns, [*ids, "day", "metric", "segment", "tier", "value"])
    judged = [m.name for m in registry.compared()]
    table = comparison_table(
        kpis, strategies, baseline, replications, judged, registry.directions()
    )
    events: list[tuple[int, str]] = []
    for s in [baseline, *strategies]:
        first = next((records[(s, k)] for k in range(replications) if (s, k) in records), None)
        if first is not None:
            events = first.events
            break
    return ComparisonResult(
        scenario=scenario,
        strategies=list(strategies),
        baseline=baseline,
        replications=replications,
        seeds=[int(s) for s in seeds],
        kpis=kpis,
        daily=daily_df,
        breakdowns=bd_df,
        satisfaction=_satisfaction(records, strategies, seeds),
        table=table,
        failures=list(failures),
        resolved=resolved or {},
        strategy_overrides=strategy_overrides or {s: {} for s in strategies},
        overrides=overrides or {},
        events=events,
        metadata=metadata or {},
    )


def _frame(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    out = pd.concat(parts, ignore_index=True)[columns]
    out["replication"] = out["replication"].astype(np.int64)
    out["seed"] = out["seed"].astype(np.int64)
    return out


def _satisfaction(
    records: Mapping[tuple[str, int], RunRecord], strategies: Sequence[str], seeds: Sequence[int]
) -> pd.DataFrame:
    """Final satisfaction of one replication per strategy: the same seed for all if possible."""

    def has(s: str, k: int) -> bool:
        return (s, k) in records and records[(s, k)].satisfaction is not None

    common = next((k for k in range(len(seeds)) if all(has(s, k) for s in strategies)), None)
    parts = []
    for s in strategies:
        k = (
            common
            if common is not None
            else next((k for k in range(len(seeds)) if has(s, k)), None)
        )
        if k is None:
            continue
        values = np.asarray(records[(s, k)].satisfaction, dtype=np.float64)
        parts.append(
            pd.DataFrame(
                {"strategy": s, "replication": k, "seed": seeds[k], "satisfaction": values}
            )
        )
    return _frame(parts, ["strategy", "replication", "seed", "satisfaction"])
