"""The driver: write the design, hand points to an executor, land each as it finishes.

Only this process writes. Before the first run it writes the design, the resolved
experiment and the manifest with the design hash; each finished point lands as one
atomic Parquet part, each failed point as its error; a failure never stops the sweep.
``resume`` reopens a directory, refuses it if its design hash differs from the one the
experiment gives now, and runs only the points without a part.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from simulator.config import loading
from simulator.errors import OutputError
from simulator.experiment import run as runner
from simulator.experiment.executor import Executor, TaskError
from simulator.sweep.design import build_design, design_hash, point_seeds
from simulator.sweep.prepare import Sweep
from simulator.sweep.store import FORMAT, SweepStore
from simulator.sweep.task import Context, PointResult, PointTask, run_point

__all__ = ["Outcome", "open_sweep", "run_sweep"]


@dataclass
class Outcome:
    """What one invocation of the driver did."""

    root: Path
    points: int
    skipped: int
    finished: int = 0
    failed: int = 0
    runs: int = 0
    wall_time_s: float = 0.0
    run_seconds: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


def _base_seed(sweep: Sweep) -> int:
    base = loading.resolve(sweep.scenario, overrides=sweep.overrides, source=sweep.source)
    return int(base.run.seed)


def _manifest(sweep: Sweep, design: pd.DataFrame, digest: str) -> dict[str, Any]:
    spec = sweep.spec
    meta = runner.run_metadata(0, 0.0)
    for key in ("seed", "wall_time_s"):
        meta.pop(key)
    return {
        "format": FORMAT,
        "design_hash": digest,
        "name": sweep.name,
        "scenario": str(sweep.scenario.get("name", "")),
        "method": spec.method,
        "points": len(design),
        "uncertainties": spec.names,
        "strategies": sweep.strategies,
        "baseline": spec.baseline_name,
        "replications": spec.replications,
        "runs": len(design) * len(sweep.strategies) * spec.replications,
        "outcomes": dict(spec.outcomes),
        "seeds": spec.seeds,
        "base_seed": _base_seed(sweep),
        "overrides": sweep.overrides,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "status": "running",
        **meta,
    }


def open_sweep(sweep: Sweep, root: str | Path, *, resume: bool) -> tuple[SweepStore, pd.DataFrame]:
    """Create the directory (or reopen it with ``resume``) and return it with its design.

    Raises
    ------
    OutputError
        ``resume`` on a directory of another design (hash differs), or no sweep there.
    """
    store = SweepStore(root)
    design = build_design(sweep.spec)
    digest = design_hash(sweep, design)
    if not resume:
        store.create(_manifest(sweep, design, digest), sweep.resolved(), design)
        return store, design
    manifest = store.manifest()
    if manifest.get("design_hash") != digest:
        raise OutputError(
            f"{store.root}: design hash differs (directory "
            f"{str(manifest.get('design_hash'))[:12]}, experiment now {digest[:12]}): the "
            "experiment file, its scenario or --set "
            "changed since; rerun with the same ones, or start a new --out"
        )
    store.clean_temporary()
    return store, design


def run_sweep(
    sweep: Sweep,
    store: SweepStore,
    design: pd.DataFrame,
    executor: Executor,
    *,
    progress: bool = False,
    on_failure: Callable[[int, str], None] | None = None,
) -> Outcome:
    """Run every point of ``design`` without a part in ``store``; land each as it finishes."""
    started = time.perf_counter()
    spec = sweep.spec
    done = store.finished()
    base_seed = int(store.manifest()["base_seed"])
    names = spec.names
    tasks = [
        PointTask(
            point=int(row[0]),
            values={n: float(v) for n, v in zip(names, row[1:], strict=True)},
            seeds=tuple(point_seeds(spec, base_seed, int(row[0]))),
        )
        for row in design[["point", *names]].itertuples(index=False)
        if int(row[0]) not in done
    ]
    outcome = Outcome(store.root, points=len(design), skipped=len(done))
    context = Context(
        scenario=sweep.scenario,
        overrides=dict(sweep.overrides),
        strategies=tuple(sweep.strategies),
        source=sweep.source,
    )
    fn = partial(run_point, context=context)
    from tqdm import tqdm

    per_point = len(sweep.strategies) * spec.replications
    with tqdm(
        total=len(tasks),
        unit="point",
        desc=f"{sweep.name} sweep",
        disable=not progress,
        dynamic_ncols=True,
    ) as bar:
        for task, result in executor.map_unordered(fn, tasks):
            if isinstance(result, TaskError):
                outcome.failed += 1
                outcome.errors.append(f"point {task.point}: {result.message}")
                store.write_failure(
                    task.point,
                    {
                        "point": task.point,
                        "values": task.values,
                        "seeds": list(task.seeds),
                        "error": result.message,
                        "traceback": result.traceback,
                    },
                )
                if on_failure is not None:
                    on_failure(task.point, result.message)
            else:
                assert isinstance(result, PointResult)
                store.write_part(task.point, result.rows)
                outcome.finished += 1
                outcome.runs += result.runs
                outcome.run_seconds.extend(s / len(sweep.strategies) for s in result.run_seconds)
                outcome.cpu_seconds += result.cpu_seconds
            bar.update(1)
            bar.set_postfix(runs=f"{(outcome.finished + outcome.failed) * per_point:,}")
    outcome.wall_time_s = time.perf_counter() - started
    manifest = store.manifest()
    complete = len(store.finished()) == len(design)
    manifest.update(
        status="complete" if complete else "incomplete",
        finished_points=len(store.finished()),
        failed_points=len(store.failures()),
        last_wall_time_s=round(outcome.wall_time_s, 3),
        last_workers=executor.workers,
        updated=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    store.write_manifest(manifest)
    return outcome
