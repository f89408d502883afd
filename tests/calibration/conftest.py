"""A synthetic transaction log with known parameters, written by the tests themselves."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
CDNOW = ROOT / "data" / "cdnow" / "cdnow_sample.csv"
# Known truth of the synthetic log: BG/NBD in weeks, Gamma-Gamma in money.
TRUTH = {"r": 0.6, "alpha": 3.0, "a": 0.8, "b": 4.0}
SPEND = {"p": 5.0, "q": 4.0, "v": 40.0}
START = date(2024, 1, 1)


def synthetic_log(
    n: int,
    days: int,
    *,
    seed: int = 0,
    params: dict[str, float] = TRUTH,
    entry_days: int = 56,
    raw_ids: bool = False,
) -> pd.DataFrame:
    """One row per purchase of ``n`` BG/NBD customers, day by day.

    Customer i makes a trial purchase on a uniform day of the first ``entry_days``; then
    on each day buys with probability ``1 - exp(-lambda)`` (lambda ~ Gamma(r, alpha) per
    week), and after each repeat purchase leaves with probability p ~ Beta(a, b)
    (Fader, Hardie & Lee 2005). Spend is Gamma(p, nu), nu ~ Gamma(q, v).
    """
    rng = np.random.default_rng(seed)
    lam = rng.gamma(params["r"], 1.0 / params["alpha"], n) / 7.0
    drop = rng.beta(params["a"], params["b"], n)
    nu = rng.gamma(SPEND["q"], 1.0 / SPEND["v"], n)
    first = rng.integers(0, entry_days, n)
    alive = np.ones(n, dtype=bool)
    cust, day = [np.arange(n)], [first]
    for d in range(days):
        buy = alive & (first < d) & (rng.random(n) < -np.expm1(-lam))
        rows = np.flatnonzero(buy)
        cust.append(rows)
        day.append(np.full(rows.size, d))
        alive[rows[rng.random(rows.size) < drop[rows]]] = False
    c = np.concatenate(cust)
    dd = np.concatenate(day)
    amount = np.round(rng.gamma(SPEND["p"], 1.0 / nu[c]), 2)
    ids = [f"CUST-{k * 7919 % 100003:06d}-X" for k in c] if raw_ids else 1000 + c
    frame = pd.DataFrame(
        {
            "order_id": np.arange(c.size),
            "customer_id": ids,
            "date": [(START + timedelta(days=int(x))).isoformat() for x in dd],
            "amount": amount,
        }
    )
    return frame.sort_values(["date", "order_id"], kind="stable").reset_index(drop=True)


@pytest.fixture(scope="session")
def small_log(tmp_path_factory) -> Path:
    """1,500 customers over 40 weeks, written as CSV."""
    path = tmp_path_factory.mktemp("logs") / "shop.csv"
    synthetic_log(1500, 280, seed=3).to_csv(path, index=False)
    return path


def end_of(path: Path, day: int) -> date:
    """The date ``day`` days after the synthetic logs' start."""
    return START + timedelta(days=day)
