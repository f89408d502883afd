"""Points balances, redemptions and breakage."""

from __future__ import annotations

import math

from simulator.studio import charts
from simulator.studio.views import WINDOW
from simulator.studio.views.word_of_mouth import weekly
from simulator.studio.world import World


def svg(world: World) -> str:
    """Points issued, redeemed and expired (last 7 days); breakage in the title."""
    h = world.history
    s = h.series
    breakage = s["breakage_rate"][-1]
    if not world.model.programme.active:
        return charts.frame("Points: no programme running", "", name="points")
    title = "Points (last 7 days)"
    if math.isfinite(breakage):
        title += f"; breakage {100 * breakage:.0f}%; outstanding {s['points_outstanding'][-1]:,.0f}"
    return charts.lines(
        title,
        h.days[-WINDOW:],
        {k: weekly(s[f"points_{k}"])[-WINDOW:] for k in ("issued", "redeemed", "expired")},
        name="points",
    )
