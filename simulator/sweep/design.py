"""The design: which points of the uncertainty space a sweep runs, and its hash.

Sobol, Morris and FAST come from SALib's ``ProblemSpec`` samplers, so the analysis
(:mod:`simulator.sweep.analysis`) can hand the same rows back to SALib's analysers;
grid, random and Latin hypercube are the plain designs of exploratory modelling. Row
``i`` of the design is point ``i``: its parameter values, nothing else. The hash covers
the resolved experiment (scenario inlined) and every value of the design, so a resumed
sweep can tell whether its finished points still belong to it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import warnings
from typing import Any

import numpy as np
import pandas as pd

from simulator.sweep.prepare import Sweep
from simulator.sweep.spec import ExperimentSpec

__all__ = ["POINT", "build_design", "design_hash", "point_seeds", "problem"]

POINT = "point"


def problem(spec: ExperimentSpec) -> dict[str, Any]:
    """The SALib problem dictionary of a spec (names and bounds)."""
    return {
        "names": spec.names,
        "bounds": [[u.low, u.high] for u in spec.uncertainties.values()],
        "num_vars": len(spec.names),
    }


def _salib(spec: ExperimentSpec) -> np.ndarray:
    from SALib import ProblemSpec

    sp = ProblemSpec(problem(spec))
    n = int(spec.samples or 0)
    opts = spec.options
    with warnings.catch_warnings():
        # SALib warns when N is not a power of 2 (Sobol's balance): the docs say so.
        warnings.simplefilter("ignore")
        if spec.method == "sobol":
            sp.sample_sobol(n, calc_second_order=opts.second_order, seed=spec.seed)
        elif spec.method == "morris":
            sp.sample_morris(n, num_levels=opts.num_levels, seed=spec.seed)
        else:
            sp.sample_fast(n, M=opts.M, seed=spec.seed)
    return np.asarray(sp.samples, dtype=np.float64)


def _values(spec: ExperimentSpec) -> np.ndarray:
    d = len(spec.names)
    lows = np.array([u.low for u in spec.uncertainties.values()])
    highs = np.array([u.high for u in spec.uncertainties.values()])
    if spec.method in ("sobol", "morris", "fast"):
        return _salib(spec)
    rng = np.random.default_rng(spec.seed)
    n = int(spec.samples or 0)
    if spec.method == "random":
        return lows + rng.random((n, d)) * (highs - lows)
    if spec.method == "latin":
        # One point in each of n equal strata of every parameter, strata paired at random.
        strata = np.stack([rng.permutation(n) for _ in range(d)], axis=1)
        return lows + (strata + rng.random((n, d))) / n * (highs - lows)
    levels = [
        list(u.levels)
        if u.levels is not None
        else list(np.linspace(u.low, u.high, spec.options.grid_levels))
        for u in spec.uncertainties.values()
    ]
    return np.array(list(itertools.product(*levels)), dtype=np.float64).reshape(-1, d)


def build_design(spec: ExperimentSpec) -> pd.DataFrame:
    """One row per point: ``point`` and the value of each uncertainty.

    Integer uncertainties are rounded here, so what is stored is what runs.
    """
    values = _values(spec)
    for j, u in enumerate(spec.uncertainties.values()):
        if u.integer:
            values[:, j] = np.round(values[:, j])
    frame = pd.DataFrame(values, columns=spec.names)
    frame.insert(0, POINT, np.arange(len(frame), dtype=np.int64))
    return frame


def point_seeds(spec: ExperimentSpec, base_seed: int, point: int) -> list[int]:
    """The seed of each replication of ``point``: a function of (point, replication) only.

    ``common``: replication ``k`` uses ``base_seed + k`` at every point, as ``compare``
    does across strategies, so neighbouring points (a Morris step) differ by the
    parameter and not by luck. ``independent``: drawn from ``(spec.seed, point, k)``.
    """
    if spec.seeds == "common":
        return [int(base_seed) + k for k in range(spec.replications)]
    out = []
    for k in range(spec.replications):
        state = np.random.SeedSequence([spec.seed, point, k]).generate_state(2, np.uint32)
        out.append(int((int(state[0]) << 31) ^ int(state[1])))
    return out


def design_hash(sweep: Sweep, design: pd.DataFrame) -> str:
    """SHA-256 of the resolved experiment and every value of the design."""
    payload = {
        "experiment": sweep.resolved(),
        "columns": list(design.columns),
        "values": design.to_numpy(dtype=np.float64).tolist(),
    }
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
