"""Reading a run directory back: the files `loyalty-sim run` wrote, as a comparison.

A single run is a comparison of one strategy with one replication, so the report has
one renderer for both.

A run folder may have been edited by hand or hold links (issue 17, items 6 and 11), so
only regular files inside the folder are read (a symbolic link is refused, never
followed: a ``scenario.resolved.yaml`` linking elsewhere would put that file into
``report.html``), within a size limit, and every value the report uses is checked,
each problem named in one line with its file and key.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from simulator.config import safe_yaml
from simulator.config.files import FileRefused, open_regular, read_regular
from simulator.config.seeds import SEED_MAX
from simulator.errors import ReportError
from simulator.experiment.assemble import assemble, record_from_parts
from simulator.experiment.results import ComparisonResult
from simulator.metrics import registry

__all__ = ["REQUIRED", "load_run_dir"]

REQUIRED = ("metrics.parquet", "summary.json", "scenario.resolved.yaml", "metadata.json")
# Text files of a run are small; a resolved scenario with every default is ~20 KB.
TEXT_LIMIT = 20_000_000
PARQUET_LIMIT = 20_000_000_000


def _bytes(path: Path) -> bytes:
    try:
        return read_regular(path, limit=TEXT_LIMIT, follow=False)
    except FileRefused as exc:
        raise ReportError(
            f"{path}: {exc}; report reads only files inside the run directory"
        ) from None


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(_bytes(path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ReportError(f"{path}: not readable JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise ReportError(f"{path}: expected a JSON object, got {type(data).__name__}")
    return data


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = safe_yaml.loads(_bytes(path).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise ReportError(f"{path}: not readable YAML ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise ReportError(f"{path}: expected a mapping")
    return data


def _read_parquet(path: Path, columns: set[str]) -> pd.DataFrame:
    try:
        with open_regular(path, limit=PARQUET_LIMIT, follow=False) as handle:
            frame = pd.read_parquet(handle)
    except FileRefused as exc:
        raise ReportError(
            f"{path}: {exc}; report reads only files inside the run directory"
        ) from None
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several unrelated types
        raise ReportError(f"{path}: not a readable Parquet file ({type(exc).__name__})") from None
    missing = columns - set(frame.columns)
    if missing:
        raise ReportError(f"{path}: missing columns {sorted(missing)}")
    return frame


def _number(value: Any) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _check_summary(path: Path, summary: dict[str, Any]) -> None:
    for key, value in summary.items():
        # Some entries are records (tier_reviews): only text and booleans are refused.
        if key in registry.METRICS and isinstance(value, str | bool):
            raise ReportError(f"{path}: {key}: expected a number or null, got {value!r:.60}")


def _meta(path: Path, meta: dict[str, Any]) -> tuple[str, int]:
    strategy = meta.get("strategy") or "run"
    if not isinstance(strategy, str):
        raise ReportError(f"{path}: strategy: expected a name, got {strategy!r:.60}")
    seed = meta.get("seed") or 0
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= SEED_MAX:
        raise ReportError(f"{path}: seed: expected an integer in 0..{SEED_MAX}, got {seed!r:.60}")
    wall = meta.get("wall_time_s")
    if not _number(wall):
        raise ReportError(f"{path}: wall_time_s: expected seconds, got {wall!r:.60}")
    return strategy, seed


def _days(path: Path, resolved: dict[str, Any], metrics: pd.DataFrame) -> int:
    run = resolved.get("run", {})
    if not isinstance(run, dict):
        raise ReportError(f"{path}: run: expected a mapping, got {type(run).__name__}")
    days = run.get("days")
    if days is None:
        return int(metrics["day"].max())
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ReportError(f"{path}: run -> days: expected a whole number of days, got {days!r:.60}")
    return days


def _events(path: Path, resolved: dict[str, Any], days: int) -> list[tuple[int, str]]:
    schedule = resolved.get("schedule") or []
    if not isinstance(schedule, list):
        raise ReportError(f"{path}: schedule: expected a list of changes")
    events = []
    for i, change in enumerate(schedule):
        where = f"{path}: schedule -> {i}"
        if not isinstance(change, dict):
            raise ReportError(f"{where}: expected a mapping with day, set and label")
        day, label, changes = change.get("day"), change.get("label"), change.get("set") or {}
        if isinstance(day, bool) or not isinstance(day, int):
            raise ReportError(f"{where} -> day: expected a day number, got {day!r:.60}")
        if not isinstance(changes, dict) or not isinstance(label, str | None):
            raise ReportError(f"{where}: expected a label and a mapping of changes")
        if day <= days:
            events.append((day, label or ", ".join(str(k) for k in changes)))
    return events


def _check_metrics(path: Path, metrics: pd.DataFrame) -> pd.DataFrame:
    if metrics.empty:
        raise ReportError(f"{path}: no rows; expected the daily metrics of a run")
    out = metrics.copy()
    for column in ("day", "value"):
        numbers = pd.to_numeric(out[column], errors="coerce")
        bad = numbers.isna() & out[column].notna()
        if column == "day":
            bad |= numbers.isna() | (numbers.fillna(0) % 1 != 0)
        if bad.any():
            raise ReportError(
                f"{path}: {column}: expected numbers, got {out[column][bad].iloc[0]!r:.60}"
            )
        out[column] = numbers.astype("int64" if column == "day" else "float64")
    return out


def load_run_dir(run_dir: str | Path) -> ComparisonResult:
    """Read a run directory into a one-strategy, one-replication comparison.

    Raises
    ------
    ReportError
        Not a directory, a required file missing, a link or not a regular file, a file
        that cannot be read, or a value the report cannot use.
    """
    root = Path(run_dir)
    if not root.is_dir():
        raise ReportError(
            f"{root}: not a directory; expected a run directory written by `loyalty-sim run`"
        )
    missing = [n for n in REQUIRED if not ((root / n).exists() or (root / n).is_symlink())]
    if missing:
        raise ReportError(f"{root}: not a run directory: missing {', '.join(missing)}")
    summary = _read_json(root / "summary.json")
    _check_summary(root / "summary.json", summary)
    meta = _read_json(root / "metadata.json")
    strategy, seed = _meta(root / "metadata.json", meta)
    resolved = _read_yaml(root / "scenario.resolved.yaml")
    metrics = _read_parquet(root / "metrics.parquet", {"day", "metric", "value", "segment", "tier"})
    metrics = _check_metrics(root / "metrics.parquet", metrics)
    customers = None
    if (root / "customers.parquet").exists() or (root / "customers.parquet").is_symlink():
        customers = _read_parquet(root / "customers.parquet", set())
    days = _days(root / "scenario.resolved.yaml", resolved, metrics)
    # The run directory does not keep the event log; the schedule says the same.
    events = _events(root / "scenario.resolved.yaml", resolved, days)
    strategies = resolved.get("strategies") or {}
    if not isinstance(strategies, dict):
        raise ReportError(f"{root / 'scenario.resolved.yaml'}: strategies: expected a mapping")
    overrides = strategies.get(strategy)
    if not isinstance(overrides, dict | None):
        raise ReportError(
            f"{root / 'scenario.resolved.yaml'}: strategies -> {strategy}: expected a mapping"
        )
    wall = meta.get("wall_time_s")
    record = record_from_parts(
        summary, metrics, customers, events, math.nan if wall is None else float(wall)
    )
    name = meta.get("scenario") or resolved.get("name") or root.name
    return assemble(
        scenario=str(name),
        strategies=[strategy],
        baseline=strategy,
        seeds=[seed],
        records={(strategy, 0): record},
        resolved=resolved,
        strategy_overrides={strategy: overrides or {}},
        metadata=meta,
    )
