"""Reading a run directory back: the files `loyalty-sim run` wrote, as a comparison.

A single run is a comparison of one strategy with one replication, so the report has
one renderer for both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from simulator.errors import ReportError
from simulator.experiment.assemble import assemble, record_from_parts
from simulator.experiment.results import ComparisonResult

__all__ = ["REQUIRED", "load_run_dir"]

REQUIRED = ("metrics.parquet", "summary.json", "scenario.resolved.yaml", "metadata.json")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ReportError(f"{path}: expected a JSON object, got {type(data).__name__}")
    return data


def _read_parquet(path: Path, columns: set[str]) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several unrelated types
        raise ReportError(f"{path}: not a readable Parquet file ({type(exc).__name__})") from None
    missing = columns - set(frame.columns)
    if missing:
        raise ReportError(f"{path}: missing columns {sorted(missing)}")
    return frame


def load_run_dir(run_dir: str | Path) -> ComparisonResult:
    """Read a run directory into a one-strategy, one-replication comparison.

    Raises
    ------
    ReportError
        Not a directory, a required file missing, or a file that cannot be read.
    """
    root = Path(run_dir)
    if not root.is_dir():
        raise ReportError(
            f"{root}: not a directory; expected a run directory written by `loyalty-sim run`"
        )
    missing = [name for name in REQUIRED if not (root / name).is_file()]
    if missing:
        raise ReportError(f"{root}: not a run directory: missing {', '.join(missing)}")
    summary = _read_json(root / "summary.json")
    meta = _read_json(root / "metadata.json")
    try:
        resolved = yaml.safe_load((root / "scenario.resolved.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ReportError(
            f"{root / 'scenario.resolved.yaml'}: not readable YAML ({type(exc).__name__})"
        ) from None
    if not isinstance(resolved, dict):
        raise ReportError(f"{root / 'scenario.resolved.yaml'}: expected a mapping")
    metrics = _read_parquet(root / "metrics.parquet", {"day", "metric", "value", "segment", "tier"})
    customers = None
    if (root / "customers.parquet").is_file():
        customers = _read_parquet(root / "customers.parquet", set())
    strategy = str(meta.get("strategy") or "run")
    seed = int(meta.get("seed") or 0)
    days = int(resolved.get("run", {}).get("days") or metrics["day"].max())
    # The run directory does not keep the event log; the schedule says the same.
    events = [
        (int(c["day"]), str(c.get("label") or ", ".join(c.get("set", {}))))
        for c in resolved.get("schedule") or []
        if int(c.get("day", days + 1)) <= days
    ]
    record = record_from_parts(
        summary, metrics, customers, events, meta.get("wall_time_s", float("nan"))
    )
    overrides = (resolved.get("strategies") or {}).get(strategy) or {}
    return assemble(
        scenario=str(meta.get("scenario") or resolved.get("name") or root.name),
        strategies=[strategy],
        baseline=strategy,
        seeds=[seed],
        records={(strategy, 0): record},
        resolved=resolved,
        strategy_overrides={strategy: overrides},
        metadata=meta,
    )
