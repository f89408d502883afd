"""What the membership systems remember per customer: typed columns (docs/model.md §11).

Kept apart from :class:`simulator.engine.state.Population` because a firm's records are
not the customer: the rates here are estimates from observed purchases, the stage and
the warning flag are the firm's labels. Allocated only when a system is switched on.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from simulator.engine.state import NEVER

# Day stamps (int16 model days; NEVER for none): customers.parquet shifts them.
DAY_STAMPS = (
    "flagged_since",
    "last_flagged_day",
    "lost_day",
    "last_complaint_day",
    "last_unresolved_day",
)


@dataclass(eq=False)
class MemberColumns:
    """Per-customer records of the membership systems, ``n`` rows each."""

    fast: np.ndarray  # float32 EWMA of focal purchases, recent time constant (per day)
    usual: np.ndarray  # float32 EWMA of focal purchases, usual time constant (per day)
    last_complaint_day: np.ndarray  # int16
    last_unresolved_day: np.ndarray  # int16 a complaint the desk did not resolve
    stage: np.ndarray  # int8 lifecycle stage code, -1 never bought
    flagged: np.ndarray  # bool flagged by the warning rule
    flagged_since: np.ndarray  # int16 start of the latest flagged spell
    last_flagged_day: np.ndarray  # int16 last refresh that flagged the customer
    lost_day: np.ndarray  # int16 last defection or category exit
    reason: np.ndarray  # int8 recorded churn reason code, -1 none
    nps_answer: np.ndarray  # int8 last NPS survey answer, -1 none
    nps_day: np.ndarray  # int16 day of that answer
    was_alive: np.ndarray  # bool in the category yesterday (exits)
    observed_from: np.ndarray  # int64, shape (1,): the day the records started

    @classmethod
    def empty(cls, n: int, alive: np.ndarray, day: int = 0) -> MemberColumns:
        """Fresh records: nothing observed yet."""
        never = np.full(n, NEVER, dtype=np.int16)
        return cls(
            fast=np.zeros(n, np.float32),
            usual=np.zeros(n, np.float32),
            last_complaint_day=never.copy(),
            last_unresolved_day=never.copy(),
            stage=np.full(n, -1, np.int8),
            flagged=np.zeros(n, bool),
            flagged_since=never.copy(),
            last_flagged_day=never.copy(),
            lost_day=never.copy(),
            reason=np.full(n, -1, np.int8),
            nps_answer=np.full(n, -1, np.int8),
            nps_day=never,
            was_alive=alive.copy(),
            observed_from=np.array([day], dtype=np.int64),
        )

    def columns(self) -> dict[str, np.ndarray]:
        """Every column by name (``observed_from`` is one value, not a column)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def snapshot(self) -> dict[str, np.ndarray]:
        """Copies of every column (plain data)."""
        return {k: v.copy() for k, v in self.columns().items()}

    @classmethod
    def from_snapshot(cls, data: dict[str, np.ndarray]) -> MemberColumns:
        """The inverse of :meth:`snapshot`."""
        return cls(**{k: np.array(v, copy=True) for k, v in data.items()})
