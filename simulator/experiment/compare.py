"""Strategy comparison with common random numbers: run every strategy R times, pair them.

Replication ``k`` warms the baseline up once with seed ``base_seed + k`` and applies
every strategy to that same warmed-up market (docs/model.md §10). Because each
mechanism draws from its own named substream keyed by seed and day
(:mod:`simulator.engine.streams`), the strategies meet the same customers and the same
luck, and the per-replication difference against the baseline isolates the strategy's
effect (common random numbers; Law 2015, ch. 11). Replications are independent tasks
handed to an :class:`~simulator.experiment.executor.Executor`; results are assembled in
(strategy, replication) order and never depend on where or in which order runs finished.

Nothing here prints or writes: failures are returned (and passed to ``on_failure``) so
the CLI, a notebook or a test decides what to show, and :mod:`simulator.io.comparison`
writes the files.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from simulator.config import loading as scenario_io
from simulator.engine.model import LoyaltyModel
from simulator.errors import LoyaltySimError, RunError, ScenarioError
from simulator.experiment import run as runner
from simulator.experiment.assemble import assemble, record_from_parts
from simulator.experiment.executor import (
    Executor,
    LocalProcessExecutor,
    SerialExecutor,
    TaskError,
)
from simulator.experiment.protocol import Experiment, prepare
from simulator.experiment.results import ComparisonResult, Failure, RunRecord

__all__ = ["CompareError", "Replication", "run_comparison"]


class CompareError(LoyaltySimError):
    """A comparison cannot be set up (bad arguments) or produced no result at all."""


@dataclass(frozen=True)
class Replication:
    """One task of a comparison: every strategy on one warmed-up market (one seed)."""

    replication: int
    seed: int


Outcome = RunRecord | TaskError


def _execute(
    task: Replication, *, experiment: Experiment, strategies: Sequence[str]
) -> dict[str, Outcome]:
    """Warm the baseline up once, then run every strategy from that state.

    Each strategy but the last runs on a restored snapshot of the warmed-up model, the
    last on the model itself: all start from the very same state (docs/model.md §10).
    A failure comes back as a :class:`TaskError` for the strategies it hit, never
    raised. Module-level so worker processes can unpickle it.
    """
    try:
        warmed = experiment.warm_up(task.seed)
        snapshot = warmed.snapshot() if len(strategies) > 1 else None
    except Exception as exc:  # noqa: BLE001 - one bad replication must not sink the others
        error = _error(exc)
        return dict.fromkeys(strategies, error)
    out: dict[str, Outcome] = {}
    for i, name in enumerate(strategies):
        try:
            last = i == len(strategies) - 1
            model = warmed if last or snapshot is None else LoyaltyModel.restore(snapshot)
            started = time.perf_counter()
            experiment.start(model, name)
            experiment.report(model)
            result = runner.results_of(model, name)
            out[name] = record_from_parts(
                result.summary,
                result.metrics,
                result.customers,
                result.events,
                time.perf_counter() - started,
            )
        except Exception as exc:  # noqa: BLE001
            out[name] = _error(exc)
    return out


def _error(exc: BaseException) -> TaskError:
    failed = TaskError.from_exception(exc)
    if isinstance(exc, RunError):
        # RunError already names the run; the Failure record carries that separately.
        prefix = f"run {exc.scenario} / strategy {exc.strategy!r} / seed {exc.seed}: "
        return TaskError(str(exc).removeprefix(prefix), failed.traceback)
    if isinstance(exc, LoyaltySimError):
        return TaskError(str(exc), failed.traceback)
    return failed


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
    executor: Executor | None = None,
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
        Runs at once, this process included; default ``os.cpu_count()``; 1 runs
        everything in this process. Ignored when ``executor`` is given.
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
    executor
        Where the runs go; default a :class:`SerialExecutor` for 1 job, else a
        :class:`LocalProcessExecutor`. A given executor is left open for the caller.

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
    experiment = prepare(mapping, chosen, overrides, source=source)
    base = experiment.base
    if base_seed is None:
        base_seed = int(base.run.seed)
    seeds = [int(base_seed) + k for k in range(replications)]
    tasks = [Replication(k, seeds[k]) for k in range(replications)]
    runs = len(tasks) * len(chosen)

    records: dict[tuple[str, int], RunRecord] = {}
    failures: list[Failure] = []
    fn = partial(_execute, experiment=experiment, strategies=chosen)
    own = executor is None
    if executor is None:
        jobs = min(jobs or os.cpu_count() or 1, len(tasks))
        executor = SerialExecutor() if jobs == 1 else LocalProcessExecutor(jobs)

    from tqdm import tqdm

    # An executor made here is shut down here (cancelling its queue if interrupted).
    with (
        executor if own else nullcontext(),
        tqdm(
            total=runs,
            unit="run",
            desc=f"{base.name} compare",
            disable=not progress,
            dynamic_ncols=True,
        ) as bar,
    ):
        for task, outcomes in executor.map_unordered(fn, tasks):
            bar.update(len(chosen))
            if isinstance(outcomes, TaskError):  # the worker itself died
                outcomes = dict.fromkeys(chosen, outcomes)
            for name, outcome in outcomes.items():
                if not isinstance(outcome, TaskError):
                    records[(name, task.replication)] = outcome
                    continue
                failure = Failure(
                    name, task.replication, task.seed, outcome.message, outcome.traceback
                )
                failures.append(failure)
                if on_failure is not None:
                    on_failure(failure)

    if not records:
        first = failures[0].describe() if failures else "nothing ran"
        raise CompareError(f"{base.name}: all {runs} runs failed; first: {first}")
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
        jobs=executor.workers,
        runs=runs,
        runs_failed=len(failures),
        days=int(base.run.days),
        warmup_days=int(base.run.warmup_days),
        customers=int(base.run.customers),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    return assemble(
        scenario=base.name,
        strategies=chosen,
        baseline=baseline,
        seeds=seeds,
        records=records,
        failures=failures,
        resolved=resolved,
        strategy_overrides=strategy_overrides,
        overrides=overrides,
        metadata=meta,
    )
