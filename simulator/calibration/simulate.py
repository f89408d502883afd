"""Replications of the calibrated model on the firm's own customers.

Two kinds of run, both with common random numbers (replication ``k`` uses seed
``seed + k`` for the model's streams and for the posterior draws, whatever else
changes):

* :func:`replay_calibration`: the calibration period again, each customer entering on
  the day of their real first purchase with a fresh draw from the fitted segments. Its
  moments against the log's are the fit table;
* :func:`forecast`: the calibrated scenario itself, which starts from the real
  customers at the calibration end (:mod:`simulator.engine.history`).

Both return, per replication, the focal firm's purchases as ``(customer, day)`` arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from tqdm import tqdm

from simulator.config import loading
from simulator.config.schema import Scenario
from simulator.engine.model import LoyaltyModel

__all__ = ["Purchases", "forecast", "replay_calibration"]


@dataclass(frozen=True)
class Purchases:
    """One replication's focal purchases: customer id and day of each."""

    customer: NDArray[np.int64]
    day: NDArray[np.int64]

    def split(self, n: int) -> tuple[Purchases, Purchases]:
        """The purchases of customers ``0..n-1`` (those of the calibration period), and
        those of customers who came later (ids from ``n`` on, in the log as in a run)."""
        old = self.customer < n
        return (
            Purchases(self.customer[old], self.day[old]),
            Purchases(self.customer[~old], self.day[~old]),
        )


def _config(mapping: dict[str, Any], *, customers: int, days: int, spread: int) -> Scenario:
    # A cohort entering on its real trial days, drawn from the segments (no histories).
    # Every customer of the period is in it: new customers at the scenario's rate would
    # be counted twice.
    m = {k: v for k, v in mapping.items() if k != "strategies"}
    run = {**m.get("run", {}), "customers": customers, "days": days, "warmup_days": 0}
    market = dict(m.get("market", {}))
    market["initial"] = {"active": 1.0, "lapsed": 0.0, "entry_spread_days": spread}
    market["entry"] = {"mode": "none"}
    return loading.resolve({**m, "run": run, "market": market}, source="<calibrated scenario>")


def _purchases(model: LoyaltyModel, shift: int) -> Purchases:
    tx = model.transactions(focal_only=True)
    return Purchases(tx["customer_id"].to_numpy(np.int64), tx["day"].to_numpy(np.int64) - shift)


def _replications(
    seeds: list[int], label: str, progress: bool, one: Callable[[int], Purchases]
) -> Iterator[Purchases]:
    for seed in tqdm(seeds, desc=label, unit="rep", disable=not progress, leave=False):
        yield one(seed)


def replay_calibration(
    mapping: dict[str, Any],
    first_day: NDArray[np.int64],
    end_day: int,
    seeds: list[int],
    *,
    progress: bool = False,
) -> list[Purchases]:
    """The calibration period simulated again from the customers' real trial days.

    Days are those of the log (0 = its first date); customer ``i`` makes its trial
    purchase on ``first_day[i]``.
    """
    n = int(first_day.size)
    config = _config(mapping, customers=n, days=end_day + 1, spread=int(first_day.max()) + 1)

    def one(seed: int) -> Purchases:
        model = LoyaltyModel(config, seed=seed, record_transactions=True)
        # Model day 1 is the log's day 0: each customer enters on its own first day.
        model.pop.entry_day[:n] = (first_day + 1).astype(np.int16)
        for _ in range(end_day + 1):
            model.step()
        return _purchases(model, 1)

    return list(_replications(seeds, "replaying the calibration period", progress, one))


def forecast(
    mapping: dict[str, Any],
    days: int,
    seeds: list[int],
    *,
    progress: bool = False,
) -> list[Purchases]:
    """``days`` days of the calibrated scenario, which starts from the real customers
    (``market.initial.customers``) the day after the calibration end (day 1).

    This is what ``loyalty-sim run`` does with the scenario: the engine draws each
    customer's state from their history (:mod:`simulator.engine.history`).
    """
    m = {k: v for k, v in mapping.items() if k != "strategies"}
    config = loading.resolve({**m, "run": {**m["run"], "days": days}}, source="<calibrated>")

    def one(seed: int) -> Purchases:
        model = LoyaltyModel(config, seed=seed, record_transactions=True)
        for _ in range(days):
            model.step()
        return _purchases(model, 0)

    return list(_replications(seeds, "forecasting the hold-out", progress, one))
