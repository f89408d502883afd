"""A sweep directory's analysis: levels, paired differences, indices, noise, verdict map.

Reads the design and the finished parts, computes every table, and writes them as tidy
Parquet files under ``DIR/analysis/`` (one atomic file each) for pandas or DuckDB. The
report (:mod:`simulator.sweep.report`) draws from the returned :class:`Analysis`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.experiment.stats import BETTER, NO_DIFFERENCE, WORSE
from simulator.sweep import tables
from simulator.sweep.discovery import Box, prim
from simulator.sweep.indices import analyser, indices
from simulator.sweep.spec import ExperimentSpec
from simulator.sweep.store import SweepStore, atomic_write

__all__ = ["Analysis", "Discovery", "analyse"]

ANALYSIS = "analysis"


@dataclass(frozen=True)
class Discovery:
    """Where one strategy is better, worse or indistinguishable, on the first outcome."""

    strategy: str
    metric: str
    counts: dict[str, int]
    failing: str
    box: Box | None

    def where(self) -> str:
        """Where the strategy fails, in words: the PRIM rules, everywhere or nowhere."""
        total = sum(self.counts.values())
        fails = (
            self.counts["worse"]
            if self.failing == "detectably worse"
            else (total - self.counts["better"])
        )
        if fails == 0:
            return f"{self.failing} nowhere"
        if fails == total:
            return f"{self.failing} everywhere"
        if self.box is None or not self.box.restricted:
            return f"{self.failing} at {fails} points, in no region a box describes"
        return f"{self.failing} where " + " and ".join(self.box.rules())


@dataclass
class Analysis:
    """Everything the report shows, as plain tables."""

    spec: ExperimentSpec
    manifest: dict[str, Any]
    design: pd.DataFrame
    levels: pd.DataFrame
    differences: pd.DataFrame
    indices: pd.DataFrame
    noise: pd.DataFrame
    discoveries: list[Discovery]
    failures: dict[int, dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    @property
    def baseline(self) -> str:
        """The strategy the others are paired with."""
        return str(self.manifest["baseline"])

    @property
    def strategies(self) -> list[str]:
        """Strategies, baseline first."""
        return list(self.manifest["strategies"])

    @property
    def finished(self) -> int:
        """Points with results."""
        return int(self.levels["point"].nunique()) if len(self.levels) else 0


def _spec(store: SweepStore) -> ExperimentSpec:
    import yaml

    data = yaml.safe_load((store.root / "experiment.resolved.yaml").read_text("utf-8"))
    data["scenario"] = "<inlined>"
    return ExperimentSpec.model_validate(data)


def _discover(
    design: pd.DataFrame, diffs: pd.DataFrame, spec: ExperimentSpec, strategies: list[str]
) -> list[Discovery]:
    metric = next(iter(spec.outcomes))
    out = []
    for strategy in strategies:
        rows = diffs[(diffs["strategy"] == strategy) & (diffs["metric"] == metric)]
        if rows.empty:
            continue
        merged = rows.merge(design, on="point").sort_values("point")
        counts = {v: int((merged["verdict"] == v).sum()) for v in (BETTER, NO_DIFFERENCE, WORSE)}
        # "Fails" is detectably worse; if it never is, where it is not detectably better.
        if counts[WORSE]:
            failing, fails = "detectably worse", merged["verdict"] == WORSE
        else:
            failing, fails = "not detectably better", merged["verdict"] != BETTER
        x = merged[spec.names].to_numpy(dtype=np.float64)
        box = prim(x, fails.to_numpy(), spec.names) if 0 < fails.sum() < len(fails) else None
        out.append(Discovery(strategy, metric, counts, failing, box))
    return out


def analyse(root: str, *, write: bool = True) -> Analysis:
    """Analyse the sweep in ``root``; write ``analysis/*.parquet`` when ``write``."""
    store = SweepStore(root)
    manifest = store.manifest()
    spec = _spec(store)
    design = store.design()
    parts = store.read_parts()
    strategies = list(manifest["strategies"])
    baseline = str(manifest["baseline"])
    outcomes = dict(spec.outcomes)
    notes: list[str] = []
    if parts.empty:
        empty = pd.DataFrame()
        return Analysis(
            spec, manifest, design, empty, empty, empty, empty, [], store.failures(),
            ["no point has finished yet"],
        )  # fmt: skip
    table = tables.replicate_table(parts, list(outcomes))
    levels = tables.levels(table)
    diffs = tables.differences(table, baseline, strategies, outcomes)
    noise = tables.noise(table, baseline, strategies, outcomes)
    targets: dict[tuple[str, str, str], pd.Series] = {}
    for metric in outcomes:
        for strategy in strategies:
            sel = levels[(levels["metric"] == metric) & (levels["strategy"] == strategy)]
            targets[(metric, strategy, "level")] = sel.set_index("point")["mean"]
            if strategy != baseline:
                sel = diffs[(diffs["metric"] == metric) & (diffs["strategy"] == strategy)]
                targets[(metric, strategy, "difference")] = sel.set_index("point")["diff"]
    missing = len(design) - levels["point"].nunique()
    if missing:
        notes.append(
            f"{missing} of {len(design)} points have no result yet; {analyser(spec.method)} "
            "indices need every point: finish the sweep with --resume"
        )
        index_table = pd.DataFrame()
    else:
        index_table, skipped = indices(spec, design, targets)
        notes.extend(skipped)
    discoveries = _discover(design, diffs, spec, [s for s in strategies if s != baseline])
    result = Analysis(
        spec, manifest, design, levels, diffs, index_table, noise, discoveries,
        store.failures(), notes,
    )  # fmt: skip
    if write:
        _write(store, result)
    return result


def _write(store: SweepStore, result: Analysis) -> None:
    folder = store.root / ANALYSIS
    folder.mkdir(exist_ok=True)
    boxes = [
        {
            "strategy": d.strategy,
            "metric": d.metric,
            "failing": d.failing,
            **{f"n_{k.replace(' ', '_')}": v for k, v in d.counts.items()},
            "rules": " and ".join(d.box.rules()) if d.box else "",
            "density": d.box.density if d.box else np.nan,
            "coverage": d.box.coverage if d.box else np.nan,
        }
        for d in result.discoveries
    ]
    frames = {
        "levels": result.levels,
        "differences": result.differences,
        "indices": result.indices,
        "noise": result.noise,
        "verdicts": pd.DataFrame(boxes),
    }
    for name, frame in frames.items():
        atomic_write(folder / f"{name}.parquet", _parquet_writer(frame))


def _parquet_writer(frame: pd.DataFrame) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        frame.to_parquet(tmp, index=False)

    return write
