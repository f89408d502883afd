"""Satisfaction against repurchase and defection, as in Jones & Sasser (1995)."""

from __future__ import annotations

import numpy as np

from simulator.studio import charts
from simulator.studio.world import World

# Fewer customer-days than this in a satisfaction band: too few to show a rate.
MIN_AT_RISK = 200


def rates(world: World) -> tuple[np.ndarray, np.ndarray]:
    """(annual retention %, monthly repurchase %) by satisfaction unit since opening."""
    h = world.history
    with np.errstate(divide="ignore", invalid="ignore"):
        daily_loss = h.defections / h.at_risk
        daily_visit = h.visits / h.at_risk
    ok = h.at_risk >= MIN_AT_RISK
    retention = np.where(ok, 100.0 * (1.0 - daily_loss) ** 365, np.nan)
    repurchase = np.where(ok, 100.0 * (1.0 - (1.0 - daily_visit) ** 30), np.nan)
    return retention, repurchase


def svg(world: World) -> str:
    """Both curves against satisfaction 0.5 ... 9.5."""
    retention, repurchase = rates(world)
    mids = np.arange(len(retention)) + 0.5
    return charts.lines(
        "Satisfaction vs loyalty (Jones & Sasser 1995), % by satisfaction",
        mids,
        {"retained a year": retention, "bought in 30 days": repurchase},
        name="loyalty-curve",
        y_range=(0.0, 100.0),
    )
