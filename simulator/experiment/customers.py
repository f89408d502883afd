"""The customers table of a run (customers.parquet): final state, one row per person.

Written for people and for pandas, not for the engine: codes become labelled
categoricals, "none" becomes a missing value instead of a sentinel, and day stamps count
from the first reported day (day 1 is the first reported day; 0 and below fall in the
warm-up), the same days as metrics.parquet and transactions.parquet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulator.config.members import REASONS, STAGES
from simulator.engine.initial import NOT_YET
from simulator.engine.state import DAY_STAMPS, NEVER, RELATIONSHIPS, SOURCE_NAMES
from simulator.members.state import DAY_STAMPS as MEMBER_DAY_STAMPS
from simulator.programme.state import DAY_STAMPS as PROGRAMME_DAY_STAMPS

if TYPE_CHECKING:
    from simulator.engine.model import LoyaltyModel

__all__ = ["customers_frame"]

SOURCES = tuple(SOURCE_NAMES[k] for k in sorted(SOURCE_NAMES))


def _labels(codes: np.ndarray, names: list[str] | tuple[str, ...], *, first: int = 0) -> Any:
    """Integer codes ``first, first + 1, ...`` as a categorical of ``names``; other
    codes (a "none" code such as -1) become missing."""
    return pd.Categorical.from_codes(
        np.where((codes >= first) & (codes < first + len(names)), codes - first, -1),
        list(names),
    )


def _days(stamps: np.ndarray, report_start: int) -> pd.arrays.IntegerArray:
    """Model days as days of the reported window, missing where there is no such day."""
    return pd.arrays.IntegerArray(stamps.astype(np.int32) - report_start, stamps == NEVER)


def customers_frame(model: LoyaltyModel) -> pd.DataFrame:
    """Final state of everyone who has been in the market, one row each.

    Reserve rows of the open market that never entered (docs/model.md §3.7) are left
    out; ``customer_id`` stays the row number, which is also the network node id.
    """
    cols: dict[str, Any] = {"customer_id": np.arange(model.pop.n, dtype=np.int64)}
    firm_names = [f.name for f in model.firms]
    start = model.ctx.report_start
    day_stamps = set(DAY_STAMPS) | set(PROGRAMME_DAY_STAMPS) | set(MEMBER_DAY_STAMPS)
    for name, arr in model.customer_columns().items():
        if arr.ndim == 2:
            for k, firm in enumerate(firm_names):
                cols[f"{name}_{firm}"] = arr[:, k]
        elif name in day_stamps:
            cols[name] = _days(arr, start)
        else:
            cols[name] = arr
    cols["segment"] = _labels(model.pop.segment, [s.name for s in model.config.market.segments])
    cols["relationship"] = _labels(model.pop.relationship, RELATIONSHIPS)
    cols["last_firm"] = _labels(model.pop.last_firm, firm_names)
    cols["acquisition_source"] = _labels(model.pop.acquisition_source, SOURCES, first=1)
    referrer = model.pop.referred_by
    cols["referred_by"] = pd.arrays.IntegerArray(referrer.astype(np.int32), referrer < 0)
    if "tier" in cols:
        tiers = model.programme.tier_labels() or ["base"]
        cols["tier"] = _labels(np.asarray(cols["tier"]), tiers)
    # Membership systems (docs/model.md §11), present only when switched on.
    if "lifecycle_stage" in cols:
        cols["lifecycle_stage"] = _labels(np.asarray(cols["lifecycle_stage"]), STAGES)
    if "churn_reason" in cols:
        cols["churn_reason"] = _labels(np.asarray(cols["churn_reason"]), REASONS)
    if "nps_answer" in cols:
        answer = np.asarray(cols["nps_answer"])
        cols["nps_answer"] = pd.arrays.IntegerArray(answer.astype(np.int8), answer < 0)
    entered = model.pop.entry_day != NOT_YET
    return pd.DataFrame(cols)[entered].reset_index(drop=True)
