"""Stage "defection": active customers lapse with a hazard (docs/model.md §3.4).

Defection depends non-linearly on satisfaction (the zones of Heskett et al. 1994),
steepened by competitive intensity (Jones & Sasser 1995), damped by switching costs
(Burnham, Frels & Mahajan 2003) and by membership (Bolton, Kannan & Bramlett 2000).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from simulator.engine.state import ACTIVE, LAPSED, MAX_TENURE_DAYS
from simulator.kernels import defection as kernel
from simulator.mechanisms.rows import per_row

if TYPE_CHECKING:
    from simulator.engine.context import DayContext

_EMPTY = np.zeros(0, dtype=np.float64)


def perceived_satisfaction(s: np.ndarray, member: np.ndarray, discount: float = 0.3) -> np.ndarray:
    """Members discount bad experiences: ``S' = S + discount * max(0, 7 - S)``.

    References
    ----------
    Bolton, R. N., Kannan, P. K., & Bramlett, M. D. (2000). Implications of loyalty
    program membership and service experiences for customer retention and value.
    Journal of the Academy of Marketing Science, 28(1), 95-108.
    """
    return np.where(member, s + discount * np.maximum(0.0, 7.0 - s), s)


def switching_cost(
    tenure_days: np.ndarray,
    financial: np.ndarray | float = 0.0,
    *,
    procedural: float = 0.3,
    relational_max: float = 0.5,
) -> np.ndarray:
    """Procedural + financial + relational switching cost (utils).

    References
    ----------
    Burnham, T. A., Frels, J. K., & Mahajan, V. (2003). Consumer switching costs: A
    typology, antecedents, and consequences. JAMS, 31(2), 109-126.
    """
    relational = relational_max * -np.expm1(-np.maximum(tenure_days, 0) / 365.0)
    return procedural + financial + relational


def defection_hazard(
    s_perceived: np.ndarray,
    switching: np.ndarray,
    *,
    h_min: float,
    h_max: float,
    k_s: float,
    s50: float,
    intensity: float,
    kappa: float = 1.0,
    multiplier: np.ndarray | float = 1.0,
    referral_factor: np.ndarray | float = 1.0,
    extra: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Daily defection hazard.

    ``h = [h_min + C h_max / (1 + exp(k_S (S' - S50)))] exp(-kappa SC) * multiplier *
    referral_factor + extra``.

    References
    ----------
    Heskett, J. L., et al. (1994). Putting the service-profit chain to work. HBR 72(2).
    Jones, T. O., & Sasser, W. E. (1995). Why satisfied customers defect. HBR 73(6).
    """
    logistic = h_max / (1.0 + np.exp(k_s * (s_perceived - s50)))
    base = h_min + intensity * logistic
    return base * np.exp(-kappa * switching) * multiplier * referral_factor + extra


def hazard_to_probability(h: np.ndarray | float) -> np.ndarray:
    """Daily event probability of a constant hazard ``h`` per day."""
    return -np.expm1(-h)


def tenure_table(ctx: DayContext) -> np.ndarray:
    """Procedural + relational switching cost at each whole tenure, 0 to today.

    Tenure is a whole number of days, so the kernels read the reference function's
    values off this table instead of recomputing ``expm1`` per customer.
    """
    ch = ctx.config.market.choice
    run = ctx.config.run
    # Tenure can start before day 0 (customers of long standing) and runs to the end.
    size = max(run.warmup_days + run.days, ctx.day) + MAX_TENURE_DAYS + 1
    return _tenure_table(size, ch.procedural_switching_cost, ch.relational_switching_cost)


def retention_table(ctx: DayContext) -> np.ndarray:
    """``exp(-kappa * switching cost)`` at each whole tenure: :func:`tenure_table` as the
    defection hazard's factor, computed once per table and weight, not every day."""
    ch = ctx.config.market.choice
    table = tenure_table(ctx)
    return _retention_table(
        table.size,
        ch.procedural_switching_cost,
        ch.relational_switching_cost,
        ctx.config.market.defection.switching_cost_weight,
    )


@lru_cache(maxsize=8)
def _retention_table(size: int, procedural: float, relational: float, kappa: float) -> np.ndarray:
    table = np.exp(-kappa * _tenure_table(size, procedural, relational))
    table.flags.writeable = False  # shared between calls and models
    return table


@lru_cache(maxsize=8)
def _tenure_table(size: int, procedural: float, relational: float) -> np.ndarray:
    table = switching_cost(
        np.arange(size, dtype=np.float64), procedural=procedural, relational_max=relational
    )
    table.flags.writeable = False  # shared between calls and models
    return table


def run(ctx: DayContext) -> None:
    """Active customers who defect today become lapsed."""
    c = ctx.config
    if not c.modules.defection:
        return
    p = ctx.pop
    d = ctx.day
    dp = c.market.defection
    rows = kernel.status_rows(p.alive, p.relationship, ACTIVE, p.active_since, d)
    financial = extra = _EMPTY
    kappa = dp.switching_cost_weight
    if ctx.programme.active:
        # exp(-kappa financial_switching_cost), compiled.
        financial = ctx.programme.financial_factor(rows, kappa)
    if ctx.offers.hazard is not None:
        extra = per_row(ctx.offers.defection_hazard(rows), rows.size)
    leave = kernel.defection_draws(
        rows=rows,
        key=ctx.transition_key,
        day=d,
        satisfaction=p.satisfaction,
        member=p.member,
        hazard_boost_until=p.hazard_boost_until,
        referred_by=p.referred_by,
        alive=p.alive,
        relationship=p.relationship,
        active_since=p.active_since,
        retention_by_tenure=retention_table(ctx),
        financial_factor=financial,
        extra_hazard=extra,
        rates=kernel.DefectionRates(
            member_discount=float(dp.member_discount),
            h_min=float(dp.h_min),
            h_max=float(dp.h_max),
            k_s=float(dp.k_s),
            s50=float(dp.s50),
            intensity=float(c.market.competitive_intensity),
            paradox_multiplier=float(c.market.complaints.paradox_hazard_multiplier),
            referral_factor=float(1.0 - c.market.word_of_mouth.referral_churn_reduction),
        ),
    )
    p.relationship[leave] = LAPSED
    p.aware[leave, 0] = False
    p.lapsed_day[leave] = d
    ctx.flows.defected += leave.size
