"""The programme's per-customer state, as typed columns (docs/model.md §2, §4)."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from simulator.engine.state import NEVER

# Columns that go to customers.parquet, in this order; the rest are working state.
OUTPUT = (
    "points_balance",
    "tier",
    "qualifying",
    "ever_promoted",
    "demoted_on",
    "lost_status",
    "last_redeem_day",
    "join_day",
    "points_earned",
    "rewards_redeemed",
)

# Day stamps among them (see simulator.engine.state.DAY_STAMPS).
DAY_STAMPS = ("demoted_on", "last_redeem_day", "join_day")


@dataclass(eq=False)
class ProgrammeState:
    """Points, tier and offer state of every customer (members or not)."""

    points_balance: np.ndarray  # int32, = the sum of the buckets
    tier: np.ndarray  # int8 level, 0 = base
    qualifying: np.ndarray  # float32 qualifying amount since the last review
    ever_promoted: np.ndarray  # bool
    demoted_on: np.ndarray  # int16 day of the last demotion, NEVER if none
    lost_status: np.ndarray  # float32 status lost at the last demotion
    last_redeem_day: np.ndarray  # int16
    join_day: np.ndarray  # int16
    points_earned: np.ndarray  # int32
    rewards_redeemed: np.ndarray  # int16
    buckets: np.ndarray  # int32 (n, B): points by earn period, for expiry
    winback_share: np.ndarray  # float32 win-back offer value / typical basket
    retention_share: np.ndarray  # float32 retention offer value / typical basket

    @classmethod
    def empty(cls, n: int, n_buckets: int) -> ProgrammeState:
        """No member, no points, everyone in the base tier."""
        return cls(
            points_balance=np.zeros(n, dtype=np.int32),
            tier=np.zeros(n, dtype=np.int8),
            qualifying=np.zeros(n, dtype=np.float32),
            ever_promoted=np.zeros(n, dtype=bool),
            demoted_on=np.full(n, NEVER, dtype=np.int16),
            lost_status=np.zeros(n, dtype=np.float32),
            last_redeem_day=np.full(n, NEVER, dtype=np.int16),
            join_day=np.full(n, NEVER, dtype=np.int16),
            points_earned=np.zeros(n, dtype=np.int32),
            rewards_redeemed=np.zeros(n, dtype=np.int16),
            buckets=np.zeros((n, n_buckets), dtype=np.int32),
            winback_share=np.zeros(n, dtype=np.float32),
            retention_share=np.zeros(n, dtype=np.float32),
        )

    def columns(self) -> dict[str, np.ndarray]:
        """The output columns (customers.parquet), in order."""
        return {name: getattr(self, name) for name in OUTPUT}

    def snapshot(self) -> dict[str, np.ndarray]:
        """Copies of every array (plain data)."""
        return {f.name: getattr(self, f.name).copy() for f in fields(self)}

    @classmethod
    def from_snapshot(cls, data: dict[str, np.ndarray]) -> ProgrammeState:
        """The inverse of :meth:`snapshot` (the arrays are copied)."""
        return cls(**{name: np.array(a, copy=True) for name, a in data.items()})
