"""Writing a run directory: data, provenance and plots, all or nothing.

Everything is written into a hidden staging folder beside the target and renamed into
place at the end (:mod:`simulator.io.staging`), so a failure never leaves a
half-written result, and an existing run directory is never overwritten (vivarium's
output layout).
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from simulator.io.staging import (
    safe_slug,
    staged_directory,
    unique_dir,
    utc_stamp,
)
from simulator.io.transactions import write_transaction_log

if TYPE_CHECKING:
    from simulator.experiment.results import RunResult

# staged_directory, unique_dir and utc_stamp live in io.staging; kept importable here.
__all__ = [
    "default_run_dir",
    "staged_directory",
    "unique_dir",
    "utc_stamp",
    "write_json",
    "write_run",
]


def default_run_dir(scenario: str, seed: int, root: str | Path = "results") -> Path:
    """``results/<scenario>/<timestamp>-seed<N>``: a default name, made unique when the
    results are moved into place (:func:`~simulator.io.staging.staged_directory`)."""
    return Path(root) / safe_slug(scenario) / f"{utc_stamp()}-seed{seed}"


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, date | datetime | timedelta):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def write_json(path: Path, data: dict[str, Any]) -> None:
    """JSON with NaN written as null, keys in insertion order."""
    path.write_text(json.dumps(_clean(data), indent=2, default=_json_default) + "\n")


def write_run(result: RunResult, out: str | Path | None = None, *, plots: bool = True) -> Path:
    """Write a run's files into a new directory and return its path.

    Raises
    ------
    OutputError
        If ``out`` exists already or cannot be created, or appeared during the run (the
        results are then kept beside it, and the message says where).
    """
    target = Path(out) if out is not None else default_run_dir(result.scenario, result.seed)
    with staged_directory(target, unique=out is None) as staged:
        staging = staged.path
        result.metrics.to_parquet(staging / "metrics.parquet", index=False)
        result.customers.to_parquet(staging / "customers.parquet", index=False)
        if result.purchases is not None:
            write_transaction_log(result.purchases, staging / "transactions.parquet")
        write_json(staging / "summary.json", result.summary)
        write_json(staging / "metadata.json", result.metadata)
        (staging / "scenario.resolved.yaml").write_text(
            yaml.safe_dump(result.resolved, sort_keys=False, allow_unicode=True)
        )
        if plots:
            from simulator.report.run_plots import plot_run

            plot_run(result, staging)
    assert staged.final is not None
    return staged.final
