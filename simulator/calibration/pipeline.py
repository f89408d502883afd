"""Calibrate on a log, and check the forecast on the weeks after it: plain computation,
no files (the CLI writes them, :mod:`simulator.calibration.outputs`)."""

from __future__ import annotations

import copy
import tempfile
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from simulator.calibration.fit import BaseFit, fit_base
from simulator.calibration.holdout import Holdout, compare_holdout, compare_new_customers
from simulator.calibration.log import TransactionLog
from simulator.calibration.moments import calibration_moments, weekly_repeats
from simulator.calibration.scenario import DEFAULT_HORIZON, calibrated_mapping, histories
from simulator.calibration.simulate import Purchases, forecast, replay_calibration
from simulator.calibration.smm import (
    DEFAULT_BUDGET,
    SmmFit,
    apply,
    entry_rate,
    fit_smm,
    subsample,
)
from simulator.errors import LogError
from simulator.io.staging import safe_slug

__all__ = ["Calibration", "calibrate", "check_window", "run_holdout"]

SMM_REPLICATIONS = 4  # replays per trial of the moment search (common random numbers)


@dataclass(frozen=True)
class Calibration:
    """A fitted log: the fit, the scenario, and the fit table (moments of the log
    against the calibrated model's replay of the same period)."""

    log_name: str
    origin: date
    end: date
    end_day: int
    first_day: NDArray[np.int64]
    fit: BaseFit
    mapping: dict[str, Any]
    histories: pd.DataFrame
    fit_table: pd.DataFrame
    weekly: pd.DataFrame
    seeds: list[int]
    smm: SmmFit


def check_window(log: TransactionLog, end: date, holdout_end: date | None = None) -> None:
    """Refuse a calibration end (or hold-out end) outside the log."""
    if end < log.origin or end > log.last_date:
        raise LogError(
            f"--calibration-end {end.isoformat()} is outside the log: the log runs from "
            f"{log.origin.isoformat()} to {log.last_date.isoformat()}",
            source=log.source,
        )
    if holdout_end is not None and not (end < holdout_end <= log.last_date):
        raise LogError(
            f"--holdout-end {holdout_end.isoformat()} must be after the calibration end "
            f"{end.isoformat()} and no later than the log's last date "
            f"{log.last_date.isoformat()}",
            source=log.source,
        )


def _band(frame: pd.DataFrame) -> pd.DataFrame:
    lo, hi = np.percentile(frame.to_numpy(), (5.0, 95.0), axis=0)
    return pd.DataFrame(
        {"simulated_mean": frame.mean().to_numpy(), "simulated_p05": lo, "simulated_p95": hi},
        index=frame.columns,
    )


def calibrate(
    log: TransactionLog,
    end: date,
    *,
    base: dict[str, Any],
    segments: int = 1,
    replications: int = 10,
    seed: int = 1,
    progress: bool = False,
    customers_file: str = "customers.parquet",
    horizon: int = DEFAULT_HORIZON,
    budget: int = DEFAULT_BUDGET,
    storage: str | None = None,
    smm_replications: int = SMM_REPLICATIONS,
) -> Calibration:
    """Fit the base process on purchases up to ``end`` and replay the period.

    Only rows dated on or before ``end`` are used, whatever else ``log`` holds. The
    scenario starts from the real customers, whose histories it expects in
    ``customers_file`` (relative to the scenario), and runs ``horizon`` days. The
    return hazard and the dropout scale are then fitted by simulated method of moments
    (:func:`simulator.calibration.smm.fit_smm`; ``budget`` trials of
    ``smm_replications`` replays, in the Optuna ``storage``, resumable). New customers
    arrive in the scenario at the rate of the last 13 weeks' first purchases
    (``market.entry.mode: new_customers``), when there are any.
    """
    check_window(log, end)
    end_day = log.day_of(end)
    keep = log.day <= end_day
    customer, day = log.customer[keep], log.day[keep]
    amount = None if log.amount is None else log.amount[keep]
    # Customers are numbered by first purchase: those seen by ``end`` come first.
    n = int(customer.max()) + 1
    first_day = log.first_days()[:n]
    fit = fit_base(customer, day, amount, end_day, segments=segments, source=log.source)
    # Entry is counted on every customer, not the search's sample.
    entry_per_day = entry_rate(first_day, end_day)
    name = Path(log.source).stem
    mapping = calibrated_mapping(
        base,
        fit,
        name=f"{safe_slug(name)}_calibrated",
        customers_file=customers_file,
        start=end + timedelta(days=1),
        days=horizon,
        entry_per_day=entry_per_day,
    )
    observed = calibration_moments(customer, day, first_day, end_day)
    s_customer, s_day, s_first = subsample(customer, day, first_day)
    smm = fit_smm(
        mapping,
        calibration_moments(s_customer, s_day, s_first, end_day),
        s_first,
        end_day,
        [seed + k for k in range(smm_replications)],
        budget=budget,
        storage=storage,
        sampler_seed=seed,
        progress=progress,
    )
    smm = replace(smm, entry_per_day=entry_per_day)
    if smm.reactivation_hazard > 0.0 or smm.dropout_b_scale != 1.0:
        mapping = apply(mapping, smm.reactivation_hazard, smm.dropout_b_scale)
    seeds = [seed + k for k in range(replications)]
    replays = replay_calibration(mapping, first_day, end_day, seeds, progress=progress)
    sims = pd.DataFrame(
        [calibration_moments(r.customer, r.day, first_day, end_day) for r in replays]
    )
    sims = sims.reindex(columns=observed.index).fillna(0.0)
    table = _band(sims)
    table.insert(0, "observed", observed.to_numpy())
    table.insert(0, "moment", observed.index)
    weeks = (end_day + 1 + 6) // 7
    sim_weeks = pd.DataFrame([weekly_repeats(r.customer, r.day, first_day, weeks) for r in replays])
    weekly = _band(sim_weeks)
    # The band of the cumulative count is taken over cumulated replications, not
    # cumulated from the weekly bands.
    cumulative = _band(sim_weeks.cumsum(axis=1)).add_prefix("cumulative_")
    weekly = pd.concat([weekly, cumulative], axis=1).reset_index(drop=True)
    weekly.insert(0, "actual", weekly_repeats(customer, day, first_day, weeks))
    weekly.insert(0, "week", np.arange(1, weeks + 1))
    return Calibration(
        log_name=Path(log.source).name,
        origin=log.origin,
        end=end,
        end_day=end_day,
        first_day=first_day,
        fit=fit,
        mapping=mapping,
        histories=histories(fit),
        fit_table=table.reset_index(drop=True),
        weekly=weekly.reset_index(drop=True),
        seeds=seeds,
        smm=smm,
    )


def run_holdout(
    log: TransactionLog,
    end: date,
    holdout_end: date,
    *,
    base: dict[str, Any],
    segments: int = 1,
    replications: int = 20,
    seed: int = 1,
    progress: bool = False,
    budget: int = DEFAULT_BUDGET,
    storage: str | None = None,
) -> tuple[Calibration, Holdout]:
    """Calibrate up to ``end``, forecast to ``holdout_end``, compare with the log."""
    check_window(log, end, holdout_end)
    days = (holdout_end - end).days
    cal = calibrate(
        log,
        end,
        base=base,
        segments=segments,
        replications=min(replications, 10),
        seed=seed,
        progress=progress,
        horizon=days,
        budget=budget,
        storage=storage,
    )
    n = cal.first_day.size
    later = log.day > cal.end_day
    # The calibration customers are compared as Fader, Hardie & Lee do; customers first
    # seen in the hold-out (ids from n on, in the log as in a run) on their own.
    actual, actual_new = Purchases(log.customer[later], log.day[later] - cal.end_day).split(n)
    seeds = [seed + k for k in range(replications)]
    with tempfile.TemporaryDirectory() as tmp:
        # The scenario as ``run`` would read it, its histories in a file of their own.
        path = Path(tmp) / "customers.parquet"
        cal.histories.to_parquet(path, index=False)
        mapping = copy.deepcopy(cal.mapping)
        mapping["market"]["initial"]["customers"] = str(path)
        sims = [s.split(n) for s in forecast(mapping, days, seeds, progress=progress)]
    first_week = (cal.end_day + 1) // 7 + 1
    new = compare_new_customers(actual_new, [s[1] for s in sims], days)
    ho = compare_holdout(
        cal.fit, actual, [s[0] for s in sims], days, first_week=first_week, new_customers=new
    )
    return cal, ho
