"""Writing a run directory: data, provenance and plots, all or nothing.

Everything is written into a hidden staging folder beside the target and renamed into
place at the end, so a failure never leaves a half-written result, and an existing
run directory is never overwritten (vivarium's output layout).
"""

from __future__ import annotations

import json
import math
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

from simulator.errors import OutputError

if TYPE_CHECKING:
    from simulator.experiment.results import RunResult


def utc_stamp() -> str:
    """Now in UTC as ``YYYYMMDDTHHMMSSZ``, for directory names that sort by time."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def unique_dir(base: Path) -> Path:
    """``base``, or ``base-2``, ``base-3``... if it exists already."""
    path, k = base, 1
    while path.exists():
        k += 1
        path = base.with_name(f"{base.name}-{k}")
    return path


def default_run_dir(scenario: str, seed: int, root: str | Path = "results") -> Path:
    """``results/<scenario>/<timestamp>-seed<N>``, made unique if it already exists."""
    return unique_dir(Path(root) / scenario / f"{utc_stamp()}-seed{seed}")


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


@contextmanager
def staged_directory(target: Path, *, what: str = "run directory") -> Iterator[Path]:
    """Yield a hidden staging folder beside ``target``; rename it into place on success.

    ``target`` must not exist, before or after: a directory is never overwritten, and
    any failure removes the staging folder so nothing half-written is left behind.
    """
    if target.exists():
        raise OutputError(f"{target}: {what} exists already; choose another --out")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.parent / f".{target.name}.partial-{os.getpid()}"
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
    except OSError as exc:
        raise OutputError(f"{target}: cannot create the {what} ({exc.strerror})") from None
    try:
        yield staging
        # Renaming onto an empty directory would succeed on POSIX: check once more so a
        # directory made during a long run is never replaced.
        if target.exists():
            raise OutputError(f"{target}: {what} appeared meanwhile; choose another --out")
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"{target}: cannot write the results ({exc.strerror or exc})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_run(result: RunResult, out: str | Path | None = None, *, plots: bool = True) -> Path:
    """Write a run's files into a new directory and return its path.

    Raises
    ------
    OutputError
        If ``out`` exists already or cannot be created.
    """
    target = Path(out) if out is not None else default_run_dir(result.scenario, result.seed)
    with staged_directory(target) as staging:
        result.metrics.to_parquet(staging / "metrics.parquet", index=False)
        result.customers.to_parquet(staging / "customers.parquet", index=False)
        if result.transactions is not None:
            result.transactions.to_parquet(staging / "transactions.parquet", index=False)
        write_json(staging / "summary.json", result.summary)
        write_json(staging / "metadata.json", result.metadata)
        (staging / "scenario.resolved.yaml").write_text(
            yaml.safe_dump(result.resolved, sort_keys=False, allow_unicode=True)
        )
        if plots:
            from simulator.report.run_plots import plot_run

            plot_run(result, staging)
    return target
