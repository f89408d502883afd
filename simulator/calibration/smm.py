"""What else the log identifies, by simulated method of moments: reactivation of
customers who left (a daily return hazard, ``market.defection.reactivation_hazard``)
with the BG/NBD dropout it trades off against, and the entry of new customers.

The search minimises the distance between the log's calibration-period moments (the
fit table's, :func:`simulator.calibration.moments.calibration_moments`) and the mean
of R replays of the same period (:func:`simulator.calibration.simulate.replay_calibration`),
each trial replaying with the same seeds (common random numbers, so that two trials
differ by their parameters, not their luck)::

    J(theta) = sum_k ((m_k(theta) - m_k) / s_k)^2

``s_k`` is the replays' standard deviation of moment k at the maximum-likelihood point
(h = 0, dropout as fitted): the sampling noise of a log of this size. The search is an
Optuna study (TPE; Bergstra et al. 2011) in SQLite storage: a study interrupted (Ctrl-C,
a kill) or run again with a larger budget continues where it stopped; its first trial is
always the maximum-likelihood point, so a fitted hazard above 0 has to beat it.

References
----------
McFadden, D. (1989). A method of simulated moments for estimation of discrete response
models without numerical integration. Econometrica, 57(5), 995-1026.
Bergstra, J., Bardenet, R., Bengio, Y., & Kegl, B. (2011). Algorithms for
hyper-parameter optimization. NeurIPS 24.
Akiba, T., Sano, S., Yanase, T., Ohta, T., & Koyama, M. (2019). Optuna: A
next-generation hyperparameter optimization framework. KDD '19, 2623-2631.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from tqdm import tqdm

from simulator.calibration.moments import calibration_moments
from simulator.calibration.simulate import Purchases, replay_calibration

__all__ = [
    "DEFAULT_BUDGET",
    "HAZARD_MAX",
    "SCALE_RANGE",
    "SmmFit",
    "apply",
    "entry_rate",
    "fit_smm",
    "subsample",
]

DEFAULT_BUDGET = 12  # trials: keeps `calibrate` on CDNOW within minutes on 2 cores
HAZARD_MAX = 0.005  # per day: a dormant customer returns within 200 days on average
SCALE_RANGE = (0.4, 2.5)  # multiplier on every segment's dropout b
MAX_CUSTOMERS = 5_000  # customers the search replays (a systematic sample of larger logs)
ENTRY_WINDOW = 91  # days at the end of the calibration period whose first purchases count
_VERSION = 1  # part of the study name: a change of the objective starts a new study

Replay = Callable[[dict[str, Any], list[int]], list[Purchases]]


@dataclass(frozen=True)
class SmmFit:
    """The search's answer, and how it stands against the maximum-likelihood point."""

    reactivation_hazard: float
    dropout_b_scale: float
    distance: float
    distance_at_mle: float
    trials: int
    new_trials: int
    study: str
    entry_per_day: float

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``parameters.json``."""
        return {
            "reactivation_hazard_per_day": self.reactivation_hazard,
            "dropout_b_scale": self.dropout_b_scale,
            "distance": self.distance,
            "distance_at_maximum_likelihood": self.distance_at_mle,
            "trials": self.trials,
            "study": self.study,
            "new_customers_per_day_last_13_weeks": self.entry_per_day,
        }


def entry_rate(first_day: NDArray[np.int64], end_day: int, window: int = ENTRY_WINDOW) -> float:
    """New customers per day over the last ``window`` days of the calibration period.

    0 for a closed cohort such as CDNOW's (every first purchase in the first 12 weeks).
    """
    lo = max(end_day - window + 1, 0)
    return float(((first_day >= lo) & (first_day <= end_day)).sum()) / (end_day - lo + 1)


def subsample(
    customer: NDArray[np.int64],
    day: NDArray[np.int64],
    first_day: NDArray[np.int64],
    limit: int = MAX_CUSTOMERS,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Every k-th customer (by first purchase) when there are more than ``limit``.

    The search's cost grows with the customers replayed; a systematic sample keeps the
    spread of first-purchase days, and its moments are compared with replays of the
    same sample, so the fit is consistent (only noisier).
    """
    n = first_day.size
    if n <= limit:
        return customer, day, first_day
    kept = np.arange(0, n, -(-n // limit))
    new = np.full(n, -1, dtype=np.int64)
    new[kept] = np.arange(kept.size)
    rows = new[customer] >= 0
    return new[customer[rows]], day[rows], first_day[kept]


def apply(mapping: dict[str, Any], hazard: float, scale: float) -> dict[str, Any]:
    """A copy of the scenario with the return hazard and every dropout b scaled."""
    out = copy.deepcopy(mapping)
    market = out.setdefault("market", {})
    market.setdefault("defection", {})["reactivation_hazard"] = float(f"{hazard:.6g}")
    for seg in market.get("segments", []):
        seg["dropout"]["b"] = float(f"{seg['dropout']['b'] * scale:.6g}")
    return out


def _study_name(observed: pd.Series, mapping: dict[str, Any], seeds: list[int]) -> str:
    # The problem, not the run: the same log, fit and seeds resume the same study.
    blob = json.dumps(
        {
            "v": _VERSION,
            "moments": {k: round(float(v), 9) for k, v in observed.items()},
            "segments": mapping["market"]["segments"],
            "seeds": seeds,
            "bounds": [HAZARD_MAX, *SCALE_RANGE],
        },
        sort_keys=True,
    )
    return "smm-" + hashlib.sha256(blob.encode()).hexdigest()[:16]


def _moments(
    replays: list[Purchases], first_day: NDArray[np.int64], end_day: int, index: pd.Index
) -> pd.DataFrame:
    frame = pd.DataFrame(
        [calibration_moments(r.customer, r.day, first_day, end_day) for r in replays]
    )
    return frame.reindex(columns=index).fillna(0.0)


def fit_smm(
    mapping: dict[str, Any],
    observed: pd.Series,
    first_day: NDArray[np.int64],
    end_day: int,
    seeds: list[int],
    *,
    budget: int = DEFAULT_BUDGET,
    storage: str | None = None,
    sampler_seed: int = 1,
    replay: Replay | None = None,
    progress: bool = False,
) -> SmmFit:
    """Fit the return hazard and the dropout scale to ``observed`` by SMM.

    Parameters
    ----------
    mapping
        The calibrated scenario (its segments at the maximum-likelihood estimates).
    observed
        The log's calibration-period moments.
    seeds
        One seed per replication, the same in every trial (common random numbers).
    budget
        Total completed trials the study should hold; a study that has them already
        runs none (0: the maximum-likelihood point only, h = 0).
    storage
        An Optuna storage URL (``sqlite:///path/calibration.db``); ``None`` keeps the
        study in memory (not resumable).
    replay
        ``(mapping, seeds) -> replications`` (default: the engine's replay of the
        calibration period from the customers' real first days).
    progress
        Show a progress bar over the trials.
    """
    import optuna

    optuna.logging.set_verbosity(logging.WARNING)
    if replay is None:

        def replay(m: dict[str, Any], s: list[int]) -> list[Purchases]:
            return replay_calibration(m, first_day, end_day, s)

    index = observed.index
    at_mle = _moments(replay(mapping, seeds), first_day, end_day, index)
    scale_k = at_mle.std(ddof=1).to_numpy() if len(seeds) > 1 else np.zeros(index.size)
    # A moment the replays never move (a share always 0) still counts, on its own size.
    floor = 0.01 * np.abs(observed.to_numpy()) + 1e-3
    sd = np.maximum(np.nan_to_num(scale_k), floor)

    def distance(sims: pd.DataFrame) -> float:
        z = (sims.mean().to_numpy() - observed.to_numpy()) / sd
        return float(np.sum(z * z))

    d_mle = distance(at_mle)
    name = _study_name(observed, mapping, seeds)
    sampler = optuna.samplers.TPESampler(seed=sampler_seed, n_startup_trials=5)
    study = optuna.create_study(
        study_name=name,
        storage=storage,
        load_if_exists=True,
        direction="minimize",
        sampler=sampler,
    )
    first = {"reactivation_hazard": 0.0, "dropout_b_scale": 1.0}
    states = optuna.trial.TrialState
    if not any(
        t.params == first and t.state in (states.COMPLETE, states.WAITING) for t in study.trials
    ):
        study.enqueue_trial(first)

    def objective(trial: optuna.Trial) -> float:
        h = trial.suggest_float("reactivation_hazard", 0.0, HAZARD_MAX)
        s = trial.suggest_float("dropout_b_scale", *SCALE_RANGE, log=True)
        if h == 0.0 and s == 1.0:
            return d_mle
        return distance(_moments(replay(apply(mapping, h, s), seeds), first_day, end_day, index))

    done = sum(t.state == states.COMPLETE for t in study.trials)
    todo = max(budget - done, 0)
    if todo == 0 and done == 0:
        todo = 1  # the maximum-likelihood point, so the study has a best trial
    if todo:
        with tqdm(total=todo, desc="fitting by moments", unit="trial", disable=not progress) as bar:
            study.optimize(objective, n_trials=todo, callbacks=[lambda _s, _t: bar.update()])
    best = study.best_trial
    return SmmFit(
        reactivation_hazard=float(best.params["reactivation_hazard"]),
        dropout_b_scale=float(best.params["dropout_b_scale"]),
        distance=float(best.value if best.value is not None else np.nan),
        distance_at_mle=d_mle,
        trials=sum(t.state == states.COMPLETE for t in study.trials),
        new_trials=todo,
        study=name,
        entry_per_day=entry_rate(first_day, end_day),
    )
