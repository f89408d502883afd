"""Stage "win-back": lapsed customers return (docs/model.md §3.5)."""

from __future__ import annotations

from functools import lru_cache
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
    offer = ctx.programme.winback_offer_share(rows)
    terms = dict(
        base=dp.winback_hazard,
        weight=dp.winback_offer_weight,
        min_satisfaction=dp.winback_min_satisfaction,
    )
    offer_dtype = str(offer.dtype) if isinstance(offer, np.ndarray) else None
    if rows.size and (offer_dtype is None or not np.any(offer)):
        # No offer out: one chance for everyone above the floor, drawn in one compiled
        # pass (the numpy rule below, tests hold them equal).
        sat = p.satisfaction
        floor, chance = _uniform_chance(str(sat.dtype), offer_dtype, **terms)
        back = kernels.returns(rows, ctx.transition_key, sat, floor, chance)
    else:
        u = uniforms_at(ctx.transition_key, rows)
        h = winback_hazard(p.satisfaction[rows], offer, **terms)
        back = rows[u < hazard_to_probability(h)]
    p.relationship[back] = ACTIVE
    p.aware[back, 0] = True
    p.active_since[back] = d
    ctx.flows.won_back += back.size
    ctx.programme.on_winback(d, back)


@lru_cache(maxsize=32)
def _uniform_chance(
    sat_dtype: str, offer_dtype: str | None, *, base: float, weight: float, min_satisfaction: float
) -> tuple[float, float]:
    """The satisfaction floor and the day's win-back chance when no one has an offer, in
    the precision :func:`winback_hazard` works in for these dtypes (numpy compares a
    float32 array with a Python float in float32)."""
    s = np.full(1, np.inf, dtype=sat_dtype)
    offer = 0.0 if offer_dtype is None else np.zeros(1, dtype=offer_dtype)
    h = winback_hazard(s, offer, base=base, weight=weight, min_satisfaction=min_satisfaction)
    floor = np.asarray(min_satisfaction, dtype=np.result_type(s, min_satisfaction))
    return float(floor), float(hazard_to_probability(h)[0])
