"""A run as a function of plain data: (scenario mapping, strategy, seed) -> plain results.

Nothing here touches files, so runs can be shipped to worker processes or a cluster.
"""

from __future__ import annotations

import platform
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any, Literal

import numpy as np

from simulator.config import loading
from simulator.config.schema import Scenario
from simulator.engine.model import LoyaltyModel
from simulator.engine.transactions import recorded_purchases
from simulator.errors import LoyaltySimError, RunError
from simulator.experiment import protocol
from simulator.experiment.customers import customers_frame
from simulator.experiment.results import RunResult
from simulator.metrics.summary import summarise

# Which purchases a run's transaction log keeps: every firm's, or the focal firm's.
TransactionLog = Literal["all", "focal"]


def build_model(
    scenario: Mapping[str, Any] | Scenario,
    *,
    strategy: str | None = None,
    seed: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    transactions: bool = False,
    source: str = "<mapping>",
) -> tuple[LoyaltyModel, str]:
    """A model at day 0 of its reported window, ready to step a day at a time.

    The baseline is warmed up for ``run.warmup_days`` and the strategy applied to it
    (docs/model.md §10); set ``run.warmup_days`` to 0 to start from the initial state.
    """
    if isinstance(scenario, Scenario):
        scenario = scenario.model_dump(mode="python")
    names = loading.strategy_names(scenario)
    chosen = strategy if strategy is not None else names[0]
    experiment = protocol.prepare(scenario, [chosen], overrides, source=source)
    seed = int(experiment.base.run.seed if seed is None else seed)
    model = experiment.warm_up(seed, transactions=transactions)
    experiment.start(model, chosen)
    return model, chosen


def run(
    scenario: Mapping[str, Any] | Scenario,
    *,
    strategy: str | None = None,
    seed: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    transactions: bool | TransactionLog = False,
    progress: bool | Callable[[int, int], None] = False,
    source: str = "<mapping>",
) -> RunResult:
    """Run a scenario and return its results.

    The baseline is warmed up for ``run.warmup_days`` (not reported), then the strategy
    is applied and ``run.days`` days are reported (docs/model.md §10).

    Parameters
    ----------
    scenario
        The scenario as a mapping (e.g. ``yaml.safe_load`` of a file) or a validated
        :class:`~simulator.config.schema.Scenario`.
    strategy
        A strategy name from ``scenario['strategies']``; default the first.
    seed
        Run seed; default ``run.seed`` of the scenario.
    overrides
        Dotted key paths applied last, e.g. ``{"run.customers": 5000}``.
    transactions
        Also return the transaction log of the reported window: ``True`` or ``"all"``
        for every firm's purchases, ``"focal"`` for the focal firm's only.
    progress
        ``True`` for a tqdm bar on stderr, or a callback ``f(day, days)`` counting the
        warm-up and the reported days.
    """
    started = time.perf_counter()
    if isinstance(scenario, Scenario):
        scenario = scenario.model_dump(mode="python")
    names = loading.strategy_names(scenario)
    chosen = strategy if strategy is not None else names[0]
    experiment = protocol.prepare(scenario, [chosen], overrides, source=source)
    config = experiment.strategies[chosen]
    seed = int(config.run.seed if seed is None else seed)
    with _progress(progress, experiment, config.name) as tick:
        try:
            model = experiment.warm_up(seed, transactions=bool(transactions), progress=tick)
            experiment.start(model, chosen)
            experiment.report(model, progress=tick)
            result = results_of(model, chosen, transactions=transactions)
        except LoyaltySimError:
            raise
        except Exception as exc:  # noqa: BLE001 - any crash must name the run to replay it
            raise RunError(
                f"{type(exc).__name__}: {exc}", scenario=config.name, strategy=chosen, seed=seed
            ) from exc
    result.metadata.update(run_metadata(seed, time.perf_counter() - started))
    return result


def summary_of(model: LoyaltyModel) -> dict[str, Any]:
    """The headline KPIs of a finished run (``summary.json``), and nothing else: what a
    sweep keeps of each run, without the per-customer table of :func:`results_of`."""
    return summarise(model.ctx, model.metrics.frame())


def results_of(
    model: LoyaltyModel, strategy: str, *, transactions: bool | TransactionLog = False
) -> RunResult:
    """Everything a finished run produces, as plain data (``transactions`` as in :func:`run`)."""
    config = model.config
    metrics = model.metrics.frame()
    meta = {
        "scenario": config.name,
        "strategy": strategy,
        "days": config.run.days,
        "warmup_days": config.run.warmup_days,
        "customers": config.run.customers,
        "people_rows": int(model.pop.n),
    }
    return RunResult(
        scenario=config.name,
        strategy=strategy,
        seed=model.seed,
        metrics=metrics,
        customers=customers_frame(model),
        summary=summarise(model.ctx, metrics),
        resolved=config.model_dump(mode="json"),
        metadata=meta,
        purchases=(
            recorded_purchases(model.ctx, focal_only=transactions == "focal")
            if transactions
            else None
        ),
        events=list(model.events_log),
    )


@contextmanager
def _progress(
    progress: bool | Callable[[int, int], None], experiment: protocol.Experiment, name: str
) -> Iterator[Callable[[int, int], None] | None]:
    if progress is True:
        from tqdm import tqdm

        total = experiment.warmup_days + experiment.days
        with tqdm(total=total, unit="day", desc=name, leave=False) as bar:

            def tick(done: int, _total: int) -> None:
                if done == experiment.warmup_days + 1:
                    bar.set_description(f"{name} (reported)")
                bar.update(1)

            if experiment.warmup_days:
                bar.set_description(f"{name} (warm-up)")
            yield tick
    else:
        yield progress if callable(progress) else None


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).resolve().parent,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def run_metadata(seed: int, wall_time: float) -> dict[str, Any]:
    """Provenance: seed, versions, git commit, wall time."""

    def version(pkg: str) -> str | None:
        try:
            return importlib_metadata.version(pkg)
        except importlib_metadata.PackageNotFoundError:
            return None

    return {
        "seed": int(seed),
        "package_version": version("loyalty-sim"),
        "git_commit": _git_commit(),
        "wall_time_s": round(wall_time, 3),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mesa": version("mesa"),
        "platform": platform.platform(),
    }
