"""The calibrated scenario: the base scenario's firm, competitors and programme, with the
fitted segments, starting from the firm's real customers at the calibration end, and new
customers arriving at the rate the log's last 13 weeks show.

The result is validated like any scenario (every strategy of the base, too), so what
``calibrate`` writes is what ``run`` and ``compare`` accept.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from simulator.calibration.fit import WEEK, BaseFit
from simulator.config import loading

__all__ = [
    "DEFAULT_BASE",
    "DEFAULT_HORIZON",
    "calibrated_mapping",
    "entry_mapping",
    "histories",
    "scenario_yaml",
]

DEFAULT_BASE = Path(__file__).resolve().parents[2] / "scenarios" / "cdnow_baseline.yaml"
_DIGITS = 6
DEFAULT_HORIZON = 365  # days a calibrated scenario runs by default (change with --set run.days)


def _round(x: float) -> float:
    return float(f"{x:.{_DIGITS}g}")


def _segments(base: dict[str, Any], fit: BaseFit, price: float) -> list[dict[str, Any]]:
    template = dict((base.get("market", {}).get("segments") or [{}])[0])
    shares = [_round(s.share) for s in fit.segments]
    # Shares must sum to 1: the last takes what rounding left.
    shares[-1] = _round(1.0 - sum(shares[:-1]))
    out = []
    for j, seg in enumerate(fit.segments):
        entry = copy.deepcopy(template)
        entry["name"] = "customers" if len(fit.segments) == 1 else f"segment_{j + 1}"
        entry["share"] = shares[j]
        entry["purchase"] = {"r": _round(seg.r), "alpha": _round(seg.alpha * WEEK)}
        entry["dropout"] = {"a": _round(seg.a), "b": _round(seg.b)}
        if fit.spend is not None:
            sp = fit.spend
            # The model's basket is Gamma(p, 1/nu) times the price: nu's rate scales down
            # with the price so that the spend in money is the log's.
            entry["spend"] = {
                "p": _round(sp["p"]),
                "q": _round(sp["q"]),
                "gamma": _round(sp["v"] / price),
            }
        out.append(entry)
    return out


def histories(fit: BaseFit) -> pd.DataFrame:
    """Each customer's history in days (``market.initial.customers``; sequential ids)."""
    rfm = fit.rfm
    return pd.DataFrame(
        {
            "customer": np.arange(len(rfm), dtype=np.int64),
            "frequency": rfm["frequency"].to_numpy(dtype=np.int64),
            # Whole days, measured in weeks by the fit: back to days without rounding error.
            "recency": np.rint(rfm["recency"].to_numpy() * WEEK).astype(np.int64),
            "T": np.rint(rfm["T"].to_numpy() * WEEK).astype(np.int64),
            "monetary_value": rfm["monetary_value"].to_numpy(dtype=float),
        }
    )


def calibrated_mapping(
    base: dict[str, Any],
    fit: BaseFit,
    *,
    name: str,
    customers_file: str,
    start: date,
    days: int = DEFAULT_HORIZON,
    entry_per_day: float = 0.0,
) -> dict[str, Any]:
    """The base scenario with the fitted segments, starting from the real customers.

    Day 1 is ``start`` (the day after the calibration end); the run lasts ``days`` and
    starts from the histories in ``customers_file`` (relative to the scenario). New
    customers arrive at ``entry_per_day`` (``market.entry.mode: new_customers``); at 0
    the market is closed (``none``), as for a cohort such as CDNOW's.
    """
    out = copy.deepcopy(base)
    out["name"] = name
    out["description"] = (
        f"Calibrated on a transaction log of {fit.membership.shape[0]:,} customers "
        f"({len(fit.segments)} segment(s)); firm, competitors and programme from "
        f"{base.get('name', 'the base scenario')}."
    )
    price = float(loading.resolve(base, source="<base>").firm.price)
    market = out.setdefault("market", {})
    market["segments"] = _segments(base, fit, price)
    market["initial"] = {
        "active": 1.0,
        "lapsed": 0.0,
        "entry_spread_days": 0,
        "customers": customers_file,
    }
    market["entry"] = entry_mapping(entry_per_day)
    run = out.setdefault("run", {})
    run.update(
        {
            "customers": int(fit.membership.shape[0]),
            "days": int(days),
            "warmup_days": 0,
            "start_date": start.isoformat(),
        }
    )
    return out


def entry_mapping(per_day: float) -> dict[str, Any]:
    """``market.entry`` for new customers arriving at ``per_day`` (closed at 0)."""
    if per_day > 0:
        return {"mode": "new_customers", "customers_per_day": _round(per_day)}
    return {"mode": "none"}


def scenario_yaml(mapping: dict[str, Any], header: str) -> str:
    """The scenario as YAML text under a comment ``header`` (no timestamp: the same log
    gives the same bytes)."""
    lines = "".join(f"# {line}\n" for line in header.splitlines())
    return lines + yaml.safe_dump(mapping, sort_keys=False, allow_unicode=True, width=88)
