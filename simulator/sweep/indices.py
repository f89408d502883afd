"""Sensitivity indices with confidence intervals, through SALib's ``ProblemSpec``.

The design's rows go back to SALib in point order with the point means of each target
(``set_results``), and the analyser that matches the sampler runs: Sobol (S1, ST and
bootstrap intervals; Saltelli 2002, Jansen 1999), Morris (mu*, sigma; Campolongo et al.
2007) or FAST (Cukier et al. 1973; Saltelli et al. 1999). Random, Latin-hypercube and
grid designs get RBD-FAST first-order indices (Tarantola et al. 2006), which accept any
sample. Indices need every point: a sweep with missing points is analysed when it is
complete, and the report says so.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from simulator.sweep.design import problem
from simulator.sweep.spec import ExperimentSpec

__all__ = ["INDEX_COLUMNS", "analyser", "indices"]

INDEX_COLUMNS = ["metric", "strategy", "kind", "parameter", "index", "value", "conf"]
RESAMPLES = 200
CONF_LEVEL = 0.95


# Index and the key of its interval (None: SALib gives none) per analyser.
_PAIRS: dict[str, list[tuple[str, str | None]]] = {
    "sobol": [("S1", "S1_conf"), ("ST", "ST_conf")],
    "fast": [("S1", "S1_conf"), ("ST", "ST_conf")],
    "rbd_fast": [("S1", "S1_conf")],
    "morris": [("mu_star", "mu_star_conf"), ("sigma", None), ("mu", None)],
}


def analyser(method: str) -> str:
    """The SALib analyser used for a design method."""
    return {"sobol": "sobol", "morris": "morris", "fast": "fast"}.get(method, "rbd_fast")


def _analyse(spec: ExperimentSpec, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    from SALib import ProblemSpec

    sp = ProblemSpec({**problem(spec), "outputs": ["y"]})
    sp.set_samples(x)
    sp.set_results(y)
    common = {"num_resamples": RESAMPLES, "conf_level": CONF_LEVEL, "seed": spec.seed}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        # SALib's estimators divide by the output's variance; a flat target was
        # filtered out before, and near-flat ones give wide intervals, not warnings.
        warnings.simplefilter("ignore")
        method = analyser(spec.method)
        if method == "sobol":
            sp.analyze_sobol(calc_second_order=spec.options.second_order, **common)
        elif method == "morris":
            sp.analyze_morris(num_levels=spec.options.num_levels, **common)
        elif method == "fast":
            sp.analyze_fast(M=spec.options.M, **common)
        else:
            sp.analyze_rbd_fast(M=min(spec.options.M, max(1, (len(y) - 1) // 2)), **common)
    return dict(sp.analysis)


def _rows(result: dict[str, Any], names: list[str], method: str) -> list[dict[str, Any]]:
    pairs = _PAIRS[method]
    rows = []
    for index, conf in pairs:
        values = np.ma.filled(np.asarray(result[index], dtype=np.float64), np.nan)
        confs = (
            np.ma.filled(np.asarray(result[conf], dtype=np.float64), np.nan)
            if conf
            else np.full(len(names), np.nan)
        )
        for j, name in enumerate(names):
            rows.append({"parameter": name, "index": index, "value": values[j], "conf": confs[j]})
    if method == "sobol" and "S2" in result:
        s2 = np.asarray(result["S2"], dtype=np.float64)
        s2c = np.asarray(result["S2_conf"], dtype=np.float64)
        for i, a in enumerate(names):
            for j in range(i + 1, len(names)):
                rows.append(
                    {
                        "parameter": f"{a} x {names[j]}",
                        "index": "S2",
                        "value": s2[i, j],
                        "conf": s2c[i, j],
                    }
                )
    return rows


def indices(
    spec: ExperimentSpec, design: pd.DataFrame, targets: dict[tuple[str, str, str], pd.Series]
) -> tuple[pd.DataFrame, list[str]]:
    """Indices of each target (``(metric, strategy, kind)`` -> point means by point).

    Returns the tidy table (:data:`INDEX_COLUMNS`) and notes on targets skipped.
    """
    names = spec.names
    x = design.sort_values("point")[names].to_numpy(dtype=np.float64)
    points = design["point"].sort_values().to_numpy()
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    method = analyser(spec.method)
    for (metric, strategy, kind), series in targets.items():
        y = series.reindex(points).to_numpy(dtype=np.float64)
        label = f"{metric} ({strategy}{' - baseline' if kind == 'difference' else ''})"
        missing = int(np.isnan(y).sum())
        if missing:
            notes.append(f"{label}: {missing} of {len(y)} points missing; no indices")
            continue
        spread = float(np.std(y))
        if not math.isfinite(spread) or spread <= 1e-12 * max(1.0, float(np.abs(y).max())):
            notes.append(f"{label}: the same at every point; no indices")
            continue
        result = _analyse(spec, x, y)
        for row in _rows(result, names, method):
            rows.append({"metric": metric, "strategy": strategy, "kind": kind, **row})
    return pd.DataFrame(rows, columns=INDEX_COLUMNS), notes
