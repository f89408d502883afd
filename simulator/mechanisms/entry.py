"""Stage "entry": people entering the market make their trial purchase (docs/model.md §3.7).

A scenario with ``market.initial.entry_spread_days`` spreads customers' first purchases
over the first days of the run (CDNOW-style acquisition cohorts): on its entry day a
customer becomes alive and buys at the focal firm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.engine.state import ACTIVE
from simulator.mechanisms.visit import focal_purchase

if TYPE_CHECKING:
    from simulator.engine.context import DayContext


def run(ctx: DayContext) -> None:
    """Customers entering the market today make their trial purchase."""
    if not ctx.constants.has_entrants:
        return
    p = ctx.pop
    d = ctx.day
    rows = np.flatnonzero(p.entry_day == d)
    if rows.size == 0:
        return
    p.alive[rows] = True
    trial = rows[p.relationship[rows] == ACTIVE]
    p.aware[trial, 0] = True
    p.active_since[trial] = d
    p.ever_customer[trial] = True
    focal_purchase(ctx, trial, trial_purchase=True)
    p.purchases[trial] = 1
    p.last_firm[trial] = 0
