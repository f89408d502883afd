"""Stage "win-back": lapsed customers return (docs/model.md §3.5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.engine.state import ACTIVE, LAPSED
from simulator.kernels import defection as kernels
from simulator.kernels.uniforms import uniforms_at
from simulator.mechanisms.defection import hazard_to_probability

if TYPE_CHECKING:
    from simulator.engine.context import DayContext


def winback_hazard(
    s: np.ndarray,
    offer_share_of_basket: np.ndarray | float,
    *,
    base: float = 0.0005,
    weight: float = 5.0,
    min_satisfaction: float = 3.0,
) -> np.ndarray:
    """Lapsed -> active hazard ``base * exp(weight * offer / basket)`` while S > min."""
    return np.where(s > min_satisfaction, base * np.exp(weight * offer_share_of_basket), 0.0)


def run(ctx: DayContext) -> None:
    """Lapsed customers who return today become active again."""
    c = ctx.config
    if not c.modules.winback:
        return
    p = ctx.pop
    d = ctx.day
    dp = c.market.defection
    rows = kernels.status_rows(p.alive, p.relationship, LAPSED, p.lapsed_day, d)
    u = uniforms_at(ctx.transition_key, rows)
    h = winback_hazard(
        p.satisfaction[rows],
        ctx.programme.winback_offer_share(rows),
        base=dp.winback_hazard,
        weight=dp.winback_offer_weight,
        min_satisfaction=dp.winback_min_satisfaction,
    )
    back = rows[u < hazard_to_probability(h)]
    p.relationship[back] = ACTIVE
    p.aware[back, 0] = True
    p.active_since[back] = d
    ctx.flows.won_back += back.size
    ctx.programme.on_winback(d, back)
