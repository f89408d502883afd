"""Stage "reactivation": customers who left the category come back (docs/model.md §3.9).

BG/NBD's dropout is final (Fader, Hardie & Lee 2005); in a real log some customers who
look gone buy again after a long silence. This stage gives those who left the category
(``alive`` false after at least one repeat purchase) a constant daily return hazard
``market.defection.reactivation_hazard`` [A], 0 by default, drawn from its own
``reactivation`` stream so that no other stream shifts. A returning customer keeps
their purchase rate, dropout probability and relationship with each firm: the exit is
a dormant spell, not a new customer.

References
----------
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the easy
way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.mechanisms.defection import hazard_to_probability

if TYPE_CHECKING:
    from simulator.engine.context import DayContext

STREAM = "reactivation"


def dormant_rows(alive: np.ndarray, purchases: np.ndarray) -> np.ndarray:
    """Customers who left the category: not alive after a repeat purchase.

    Customers who have not entered yet (a cohort's later entrants, the open market's
    reserve) have no purchase and are not dormant.
    """
    return np.flatnonzero(~alive & (purchases >= 2))


def run(ctx: DayContext) -> None:
    """Dormant customers who return today are alive again (they can buy today)."""
    h = float(ctx.config.market.defection.reactivation_hazard)
    if h <= 0.0:
        return
    p = ctx.pop
    rows = dormant_rows(p.alive, p.purchases)
    if rows.size == 0:
        return
    u = ctx.streams.uniforms(STREAM, ctx.day, rows)
    back = rows[u < hazard_to_probability(h)]
    p.alive[back] = True
