"""Constants calibrated once, on the baseline (docs/model.md §3.2, §10).

The alternative-specific constants of store choice reproduce the scenario's baseline
market shares for a customer who knows every firm and has no history yet. They are
fitted once, when the model is built, and held for the whole run: a later change of
price or quality is felt as a change, not absorbed by re-fitted constants.
"""

from __future__ import annotations

import numpy as np

from simulator.engine.context import DayContext
from simulator.mechanisms.choice import calibrate_constants, firm_utilities

# Customers sampled for the calibration: enough for shares to 3 decimals.
SAMPLE = 5000


def choice_constants(ctx: DayContext) -> np.ndarray:
    """Alternative-specific constants that reproduce the scenario's baseline shares."""
    c = ctx.config
    p = ctx.pop
    rng = ctx.streams.get("calibration")
    rows = rng.choice(p.n, size=min(p.n, SAMPLE), replace=False)
    base = firm_utilities(ctx, rows, with_state=False)
    if p.n_firms == 1:
        # One firm: its constant sets the skip share alone.
        targets = np.array([1.0])
    else:
        targets = np.array([c.firm.market_share] + [k.market_share for k in c.market.competitors])
    return calibrate_constants(
        base, np.ones_like(base, dtype=bool), targets, c.market.choice.skip_share
    )
