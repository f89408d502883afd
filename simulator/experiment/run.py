"""A run as a function of plain data: (scenario mapping, strategy, seed) -> plain results.

Nothing here touches files, so runs can be shipped to worker processes or a cluster.
"""

from __future__ import annotations

import platform
import subprocess
import time
from collections.abc import Callable, Mapping
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.config import loading as scenario_io
from simulator.config.schema import Scenario
from simulator.engine.model import LoyaltyModel
from simulator.errors import LoyaltySimError, RunError
from simulator.experiment.results import RunResult
from simulator.metrics.summary import summarise


def build_model(
    scenario: Mapping[str, Any] | Scenario,
    *,
    strategy: str | None = None,
    seed: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    transactions: bool = False,
    source: str = "<mapping>",
) -> tuple[LoyaltyModel, str]:
    """Resolve a scenario and build its model (for stepping a day at a time)."""
    if isinstance(scenario, Scenario):
        scenario = scenario.model_dump(mode="python")
    names = scenario_io.strategy_names(scenario)
    chosen = strategy if strategy is not None else names[0]
    config = scenario_io.resolve(scenario, strategy=chosen, overrides=overrides, source=source)
    return LoyaltyModel(config, seed=seed, record_transactions=transactions), chosen


def run(
    scenario: Mapping[str, Any] | Scenario,
    *,
    strategy: str | None = None,
    seed: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    transactions: bool = False,
    progress: bool | Callable[[int, int], None] = False,
    source: str = "<mapping>",
) -> RunResult:
    """Run a scenario and return its results.

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
        Also return the transaction log.
    progress
        ``True`` for a tqdm bar on stderr, or a callback ``f(day, days)``.
    """
    started = time.perf_counter()
    model, chosen = build_model(
        scenario,
        strategy=strategy,
        seed=seed,
        overrides=overrides,
        transactions=transactions,
        source=source,
    )
    config = model.config
    days = config.run.days
    try:
        _advance(model, days, progress)
        metrics = model.metrics.frame()
        summary = summarise(model.ctx, metrics)
        customers = customers_frame(model)
        tx = model.transactions() if transactions else None
    except LoyaltySimError:
        raise
    except Exception as exc:  # noqa: BLE001 - any crash must name the run to replay it
        raise RunError(
            f"{type(exc).__name__}: {exc}", scenario=config.name, strategy=chosen, seed=model.seed
        ) from exc
    resolved = config.model_dump(mode="json")
    meta = run_metadata(model.seed, time.perf_counter() - started)
    meta.update(scenario=config.name, strategy=chosen, days=days, customers=config.run.customers)
    return RunResult(
        scenario=config.name,
        strategy=chosen,
        seed=model.seed,
        metrics=metrics,
        customers=customers,
        summary=summary,
        resolved=resolved,
        metadata=meta,
        transactions=tx,
        events=list(model.events_log),
    )


def _advance(model: LoyaltyModel, days: int, progress: bool | Callable[[int, int], None]) -> None:
    if progress is True:
        from tqdm import tqdm

        with tqdm(total=days, unit="day", desc=model.config.name, leave=False) as bar:
            for _ in range(days):
                model.step()
                bar.update(1)
    else:
        for d in range(days):
            model.step()
            if callable(progress):
                progress(d + 1, days)


def customers_frame(model: LoyaltyModel) -> pd.DataFrame:
    """Final customer state, one row per customer; per-firm arrays become one column each."""
    cols: dict[str, Any] = {"customer_id": np.arange(model.pop.n, dtype=np.int64)}
    firm_names = [f.name for f in model.firms]
    for name, arr in model.customer_columns().items():
        if arr.ndim == 2:
            for k, firm in enumerate(firm_names):
                cols[f"{name}_{firm}"] = arr[:, k]
        else:
            cols[name] = arr
    df = pd.DataFrame(cols)
    df["segment"] = pd.Categorical.from_codes(
        model.pop.segment, [s.name for s in model.config.market.segments]
    )
    return df


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
