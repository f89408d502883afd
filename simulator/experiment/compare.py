"""Strategy comparison with common random numbers: run every strategy R times, pair them.

Replication ``k`` of every strategy runs with the same seed ``base_seed + k``. Because
each mechanism draws from its own named substream keyed by seed and day
(:mod:`simulator.engine.streams`), the strategies meet the same customers and the same luck,
and the per-replication difference against the baseline isolates the strategy's
effect (common random numbers; Law 2015, ch. 11). Runs are independent, so they go to
worker processes; results are assembled in (strategy, replication) order and never
depend on which worker finished first.

Nothing here prints: failures are returned (and passed to ``on_failure``) so the CLI,
a notebook or a test decides what to show.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from simulator.config import loading as scenario_io
from simulator.errors import LoyaltySimError, RunError, ScenarioError
from simulator.experiment import run as runner
from simulator.experiment.stats import comparison_table
from simulator.metrics.recorder import DIRECTION

__all__ = [
    "KPIS",
    "DAILY_METRICS",
    "CompareError",
    "Failure",
    "RunRecord",
    "ComparisonResult",
    "run_comparison",
    "record_from_parts",
    "assemble",
    "write_comparison",
    "default_compare_dir",
]

# The KPIs a comparison judges, in report order (issue 5).
KPIS: tuple[str, ...] = (
    "retention_rate_annual",
    "customers_active",
    "clv_mean",
    "nps",
    "wom_positive",
    "wom_negative",
    "revenue",
    "programme_cost",
    "net_margin",
    "programme_roi",
    "points_liability",
)
# Daily totals kept per run for trajectories; the rest of metrics.parquet stays in the
# worker so that 20 x S results cross the process boundary cheaply.
DAILY_METRICS: tuple[str, ...] = (
    "customers_active",
    "nps",
    "revenue",
    "programme_cost",
    "points_liability",
    "satisfaction_mean",
    "net_margin",
)


class CompareError(LoyaltySimError):
    """A comparison cannot be set up (bad arguments) or produced no result at all."""


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
        ``strategy, replication, seed, day, metric, value``: daily totals of
        :data:`DAILY_METRICS`.
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


# --------------------------------------------------------------------------- one run


def record_from_parts(
    summary: Mapping[str, Any],
    metrics: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    events: Sequence[tuple[int, str]] = (),
    wall_time_s: float = math.nan,
) -> RunRecord:
    """Keep what a comparison needs from one run's summary, metrics and customers.

    Shared by the workers (from a :class:`~simulator.experiment.run.RunResult`) and by
    ``loyalty-sim report`` (from a run directory's files).
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
    daily = totals[totals["metric"].isin(DAILY_METRICS)]
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
    from simulator.engine.state import ACTIVE

    active = customers["alive"].to_numpy(dtype=bool) & (
        customers["relationship"].to_numpy() == ACTIVE
    )
    return customers["satisfaction"].to_numpy(dtype=np.float32)[active]


def _execute(
    mapping: Mapping[str, Any],
    strategy: str,
    seed: int,
    overrides: Mapping[str, Any] | None,
    source: str,
) -> RunRecord | tuple[str, str]:
    """Run one replication; a failure comes back as ``(message, traceback)``, never raised.

    Module-level so worker processes can unpickle it; looks ``runner.run`` up at call
    time so that tests can replace it.
    """
    try:
        result = runner.run(
            mapping, strategy=strategy, seed=seed, overrides=overrides, source=source
        )
        return record_from_parts(
            result.summary,
            result.metrics,
            result.customers,
            result.events,
            result.metadata.get("wall_time_s", math.nan),
        )
    except Exception as exc:  # noqa: BLE001 - one bad replication must not sink the others
        message = str(exc)
        if isinstance(exc, RunError):
            # RunError already names the run; the Failure record carries that separately.
            prefix = f"run {exc.scenario} / strategy {exc.strategy!r} / seed {exc.seed}: "
            message = message.removeprefix(prefix)
        elif not isinstance(exc, LoyaltySimError):
            message = f"{type(exc).__name__}: {exc}"
        return message, "".join(traceback.format_exception(exc))


# --------------------------------------------------------------------------- many runs


def _choose(
    mapping: Mapping[str, Any],
    strategies: Sequence[str] | None,
    baseline: str | None,
    source: str,
) -> tuple[list[str], str]:
    names = scenario_io.strategy_names(mapping)
    chosen = list(dict.fromkeys(strategies)) if strategies else list(names)
    unknown = [s for s in chosen + ([baseline] if baseline else []) if s not in names]
    if unknown:
        raise ScenarioError(
            f"unknown strategy {unknown[0]!r}; options are {names}",
            source=source,
            path="strategies",
        )
    if baseline is None:
        baseline = "status_quo" if "status_quo" in chosen else chosen[0]
    if baseline not in chosen:
        chosen.insert(0, baseline)
    return chosen, baseline


def _context() -> multiprocessing.context.BaseContext:
    # Set per pool, never globally: a library must not change the caller's start
    # method. forkserver/spawn give clean workers (no copied threads or locks).
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def run_comparison(
    mapping: Mapping[str, Any],
    strategies: Sequence[str] | None = None,
    replications: int = 20,
    jobs: int | None = None,
    baseline: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    base_seed: int | None = None,
    progress: bool = False,
    *,
    source: str = "<mapping>",
    on_failure: Callable[[Failure], None] | None = None,
) -> ComparisonResult:
    """Run each strategy ``replications`` times with common random numbers and compare.

    Parameters
    ----------
    mapping
        The scenario as plain data (:func:`simulator.config.loading.load_yaml`).
    strategies
        Strategy names to compare, in report order; default all of the scenario's.
    replications
        Runs per strategy (at least 2, for intervals).
    jobs
        Worker processes; default ``os.cpu_count()``; 1 runs everything in this process.
    baseline
        Strategy the others are compared against; default ``status_quo`` if compared,
        else the first. Added to ``strategies`` if missing.
    overrides
        Dotted key paths applied to every strategy (``--set``).
    base_seed
        Replication ``k`` uses seed ``base_seed + k``; default the scenario's ``run.seed``.
    progress
        One tqdm bar on stderr counting finished runs.
    source
        Named in error messages (the scenario file).
    on_failure
        Called with each :class:`Failure` as it happens (the CLI prints a warning).

    Raises
    ------
    ScenarioError
        Unknown strategy, or a strategy or override that does not validate.
    CompareError
        Fewer than 2 replications, fewer than 1 job, or every run failed.
    """
    started = time.perf_counter()
    if replications < 2:
        raise CompareError(
            f"--replications must be >= 2 for confidence intervals, got {replications}"
        )
    if jobs is not None and jobs < 1:
        raise CompareError(f"--jobs must be >= 1, got {jobs}")
    chosen, baseline = _choose(mapping, strategies, baseline, source)
    overrides = dict(overrides or {})
    # Validate every strategy before starting: a typo must cost seconds, not a run.
    for name in chosen:
        scenario_io.resolve(mapping, strategy=name, overrides=overrides, source=source)
    bare = {k: v for k, v in mapping.items() if k != "strategies"}
    base = scenario_io.resolve(bare, overrides=overrides, source=source)
    if base_seed is None:
        base_seed = int(base.run.seed)
    seeds = [int(base_seed) + k for k in range(replications)]
    tasks = [(s, k, seeds[k]) for s in chosen for k in range(replications)]
    jobs = min(jobs or os.cpu_count() or 1, len(tasks))

    outcomes: dict[tuple[str, int], RunRecord] = {}
    failures: list[Failure] = []

    def collect(task: tuple[str, int, int], outcome: RunRecord | tuple[str, str]) -> None:
        strategy, k, seed = task
        if isinstance(outcome, RunRecord):
            outcomes[(strategy, k)] = outcome
            return
        failure = Failure(strategy, k, seed, *outcome)
        failures.append(failure)
        if on_failure is not None:
            on_failure(failure)

    from tqdm import tqdm

    with tqdm(
        total=len(tasks),
        unit="run",
        desc=f"{base.name} compare",
        disable=not progress,
        dynamic_ncols=True,
    ) as bar:
        if jobs == 1:
            for task in tasks:
                collect(task, _execute(mapping, task[0], task[2], overrides, source))
                bar.update(1)
        else:
            _run_pool(mapping, tasks, jobs, overrides, source, collect, bar)

    if not outcomes:
        first = failures[0].describe() if failures else "nothing ran"
        raise CompareError(f"{base.name}: all {len(tasks)} runs failed; first: {first}")
    order = {s: i for i, s in enumerate(chosen)}
    failures.sort(key=lambda f: (order[f.strategy], f.replication))
    strategy_overrides = {s: dict((mapping.get("strategies") or {}).get(s) or {}) for s in chosen}
    resolved = base.model_dump(mode="json")
    resolved["strategies"] = strategy_overrides
    meta = runner.run_metadata(seeds[0], time.perf_counter() - started)
    meta.pop("seed")
    meta.update(
        scenario=base.name,
        strategies=chosen,
        baseline=baseline,
        replications=replications,
        seeds=seeds,
        jobs=jobs,
        runs=len(tasks),
        runs_failed=len(failures),
        days=int(base.run.days),
        customers=int(base.run.customers),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    return assemble(
        scenario=base.name,
        strategies=chosen,
        baseline=baseline,
        seeds=seeds,
        records=outcomes,
        failures=failures,
        resolved=resolved,
        strategy_overrides=strategy_overrides,
        overrides=overrides,
        metadata=meta,
    )


def _run_pool(
    mapping: Mapping[str, Any],
    tasks: list[tuple[str, int, int]],
    jobs: int,
    overrides: Mapping[str, Any],
    source: str,
    collect: Callable[[tuple[str, int, int], RunRecord | tuple[str, str]], None],
    bar: Any,
) -> None:
    """Run ``tasks`` on ``jobs - 1`` worker processes and on this process.

    This process has its imports done and its kernels loaded, so it takes tasks from
    the same queue as the workers while they start (about 1.5 s each): with 2 jobs on
    2 cores that start-up is otherwise a sizeable share of a comparison. One thread per
    worker hands it the next task when it finishes the last, so no one idles while
    tasks remain; outcomes are collected under a lock, whoever ran them.
    """
    queue = deque(tasks)
    lock = threading.Lock()
    stop = threading.Event()

    def take() -> tuple[str, int, int] | None:
        with lock:
            return queue.popleft() if queue and not stop.is_set() else None

    def report(task: tuple[str, int, int], outcome: RunRecord | tuple[str, str]) -> None:
        with lock:
            collect(task, outcome)
            bar.update(1)

    def feed(pool: ProcessPoolExecutor) -> None:
        while (task := take()) is not None:
            try:
                future = pool.submit(_execute, mapping, task[0], task[2], overrides, source)
                outcome = future.result()
            # BaseException: a worker's SystemExit or KeyboardInterrupt comes back here
            # (signals reach only the main thread), and must not lose the task.
            except BaseException as exc:  # noqa: BLE001
                report(task, (
                    f"worker process failed: {type(exc).__name__}: {exc}",
                    "".join(traceback.format_exception(exc)),
                ))  # fmt: skip
                if isinstance(exc, BrokenProcessPool):
                    return  # a worker was killed: this process runs the remaining tasks
                continue
            report(task, outcome)

    pool = ProcessPoolExecutor(max_workers=jobs - 1, mp_context=_context())
    feeders = [
        threading.Thread(target=feed, args=(pool,), daemon=True, name=f"compare-feed-{i}")
        for i in range(jobs - 1)
    ]
    try:
        for thread in feeders:
            thread.start()
        while (task := take()) is not None:
            report(task, _execute(mapping, task[0], task[2], overrides, source))
        for thread in feeders:
            thread.join()
    except BaseException:
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


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
    order the runs finished in.
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
    table = comparison_table(kpis, strategies, baseline, replications, KPIS, DIRECTION)
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


# --------------------------------------------------------------------------- writing


def default_compare_dir(scenario: str, root: str | Path = "results") -> Path:
    """``results/<scenario>/compare-<UTC timestamp>``, made unique if it exists already."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = Path(root) / scenario / f"compare-{stamp}"
    path, k = base, 1
    while path.exists():
        k += 1
        path = base.with_name(f"{base.name}-{k}")
    return path


def write_comparison(result: ComparisonResult, out: str | Path | None = None) -> Path:
    """Write a comparison's files into a new directory, all or nothing; return its path.

    Files: ``comparison.parquet`` (:meth:`ComparisonResult.tidy`), ``comparison.csv``
    (the KPI table), ``report.html``, ``comparison.resolved.yaml`` (base scenario with
    each strategy's overrides), ``metadata.json`` and, if any run failed,
    ``failures.json``.

    Raises
    ------
    OutputError
        If ``out`` exists already or cannot be created.
    """
    from simulator.io.output import staged_directory, write_json
    from simulator.report.html import write_report

    target = Path(out) if out is not None else default_compare_dir(result.scenario)
    with staged_directory(target, what="directory") as staging:
        result.tidy().to_parquet(staging / "comparison.parquet", index=False)
        result.table.to_csv(staging / "comparison.csv", index=False)
        write_json(staging / "metadata.json", result.metadata)
        if result.failures:
            write_json(
                staging / "failures.json", {"failures": [asdict(f) for f in result.failures]}
            )
        (staging / "comparison.resolved.yaml").write_text(_resolved_yaml(result))
        write_report(result, staging / "report.html")
    return target


def _resolved_yaml(result: ComparisonResult) -> str:
    # The body is itself a valid scenario: `loyalty-sim compare` on this file with the
    # seed below replays the comparison.
    header = [
        f"# Comparison of {result.scenario}: baseline {result.baseline}, "
        f"{result.replications} replications per strategy.",
        f"# Seeds {result.seeds[0]}..{result.seeds[-1]} (replication k uses seed "
        f"{result.seeds[0]} + k); replay with --seed {result.seeds[0]}.",
    ]
    if result.overrides:
        # --set is applied after a strategy's overrides in a comparison, so a key set
        # in both keeps the --set value there but the strategy's value on replay.
        header.append(f"# --set overrides, applied to the base below: {result.overrides}")
    body = yaml.safe_dump(result.resolved, sort_keys=False, allow_unicode=True)
    return "\n".join(header) + "\n" + body
