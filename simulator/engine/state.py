"""Customer state as columnar numpy arrays, one row per person in the market.

Compact dtypes keep the whole state near 200 bytes per customer (docs/model.md §2: a budget
of about 1 KB including the social network). Column 0 of per-firm arrays is the focal
firm; columns 1.. are the competitors in scenario order.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

PROSPECT, ACTIVE, LAPSED = np.int8(0), np.int8(1), np.int8(2)
RELATIONSHIPS = ("prospect", "active", "lapsed")
NEVER = np.int16(-32000)  # "no such day" for int16 day stamps
# Longest tenure a customer can have at the start: ten years before day 0.
MAX_TENURE_DAYS = 3650
# Acquisition sources, stored per customer until the first focal purchase.
SOURCE_NONE, SOURCE_ADVERTISING, SOURCE_WOM, SOURCE_REFERRAL = 0, 1, 2, 3
SOURCE_NAMES = {SOURCE_ADVERTISING: "advertising", SOURCE_WOM: "wom", SOURCE_REFERRAL: "referral"}
_SIZES = ("n", "n_firms")
# Day stamps (int16 model days, NEVER for "no such day"): customers.parquet writes them
# relative to the first reported day, with a missing value for NEVER.
DAY_STAMPS = (
    "entry_day",
    "first_focal_day",
    "last_focal_day",
    "active_since",
    "acquired_day",
    "lapsed_day",
    "last_failure_day",
    "hazard_boost_until",
    "negative_talk_until",
    "blocked_until",
)


@dataclass(eq=False)
class Population:
    """Columnar customer state. All arrays have ``n`` rows."""

    n: int
    n_firms: int
    segment: np.ndarray  # int16
    alive: np.ndarray  # bool: still in the category (BG/NBD)
    entry_day: np.ndarray  # int16: day the customer enters the market (0 = from the start)
    relationship: np.ndarray  # int8: prospect / active / lapsed w.r.t. the focal firm
    rate: np.ndarray  # float32 lambda, occasions per day
    dropout: np.ndarray  # float32 p
    spend_scale: np.ndarray  # float32 nu (Gamma rate of spend)
    price_sens: np.ndarray  # float32 beta_P
    quality_weight: np.ndarray  # float32 beta_Q
    match: np.ndarray  # float32 (n, J)
    expectation: np.ndarray  # float32 (n, J)
    habit: np.ndarray  # float32 (n, J)
    aware: np.ndarray  # bool (n, J): firm in the consideration set
    last_firm: np.ndarray  # int8, -1 none
    satisfaction: np.ndarray  # float32 S
    ref_price: np.ndarray  # float32
    wom: np.ndarray  # float32 W
    purchases: np.ndarray  # int32 category purchases (trial = 1)
    focal_visits: np.ndarray  # int32
    first_focal_day: np.ndarray  # int16
    last_focal_day: np.ndarray  # int16
    active_since: np.ndarray  # int16 (tenure start)
    acquired_day: np.ndarray  # int16 day acquired in this run (NEVER if not)
    lapsed_day: np.ndarray  # int16 day of the last lapse
    last_failure_day: np.ndarray  # int16
    hazard_boost_until: np.ndarray  # int16: recovery-paradox hazard multiplier
    negative_talk_until: np.ndarray  # int16: double-deviation talk
    blocked_until: np.ndarray  # int16: bad news blocks adoption
    complaint_s: np.ndarray  # float32 transaction s of the open complaint
    complaint_s_before: np.ndarray  # float32 S before the complained visit
    complaint_first: np.ndarray  # bool: open complaint follows a first failure
    complaints: np.ndarray  # int16 complaints made in this run
    referred_by: np.ndarray  # int32, -1 none
    revenue: np.ndarray  # float32 focal spend in this run
    value: np.ndarray  # float64 discounted net value to the firm (realised CLV)
    ever_customer: np.ndarray  # bool active at some point in this run
    member: np.ndarray  # bool programme member
    acquisition_source: np.ndarray  # int8 SOURCE_* until the first focal purchase

    def columns(self) -> dict[str, np.ndarray]:
        """Every per-customer array by name (per-firm arrays are (n, J))."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _SIZES}

    def nbytes(self) -> int:
        """Memory held by the state arrays."""
        return sum(a.nbytes for a in self.columns().values())

    def snapshot(self) -> dict[str, np.ndarray]:
        """Copies of every column (plain data)."""
        return {name: a.copy() for name, a in self.columns().items()}

    @classmethod
    def from_snapshot(cls, data: dict[str, np.ndarray]) -> Population:
        """The inverse of :meth:`snapshot` (the arrays are copied)."""
        cols = {name: np.array(a, copy=True) for name, a in data.items()}
        return cls(n=len(cols["segment"]), n_firms=cols["match"].shape[1], **cols)
