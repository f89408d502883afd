"""Defection and win-back candidates and draws, compiled (docs/model.md §3.4-3.5).

Reference rules: :func:`simulator.mechanisms.defection.defection_hazard`,
:func:`~simulator.mechanisms.defection.perceived_satisfaction`,
:func:`~simulator.mechanisms.defection.switching_cost` and
:func:`~simulator.mechanisms.defection.hazard_to_probability`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from simulator.kernels import ACTIVE_CODE, compact, jit, tenure_days
from simulator.kernels.uniforms import counter_uniform


class DefectionRates(NamedTuple):
    """The scalar parameters of the defection hazard (``market.defection`` and more)."""

    member_discount: float
    h_min: float
    h_max: float
    k_s: float
    s50: float
    intensity: float
    paradox_multiplier: float
    referral_factor: float


@jit
def status_rows(alive, relationship, code, stamp, day):
    """Customers alive, in relationship ``code``, whose ``stamp`` day is before ``day``."""
    n = alive.shape[0]
    flags = np.empty(n, np.uint8)
    for i in range(n):
        flags[i] = alive[i] & (relationship[i] == code) & (stamp[i] < day)
    return compact(flags)


@jit
def event_probability(h):
    """``1 - exp(-h)``: the reference's ``-expm1(-h)``; the Taylor series for the small
    daily hazards of a step (relative error below 2e-9 at h = 0.02, far under the
    float32 uniforms' resolution) is three times cheaper than ``expm1``."""
    if h < 0.02:
        return h * (1.0 - 0.5 * h * (1.0 - h / 3.0 * (1.0 - 0.25 * h)))
    return -math.expm1(-h)


@jit
def defection_draws(
    rows,
    key,
    day,
    satisfaction,
    member,
    hazard_boost_until,
    referred_by,
    alive,
    relationship,
    active_since,
    retention_by_tenure,
    financial_factor,
    extra_hazard,
    rates,
):
    """Active customers who defect today: ``u < 1 - exp(-h)`` with h of docs/model.md §3.4,
    u being the customer's uniform in the transition stream ``key``.

    ``retention_by_tenure[t]`` is ``exp(-kappa SC)`` for the procedural and relational
    switching cost at tenure t days; ``financial_factor`` (``exp(-kappa SC_fin)`` of the
    programme) and ``extra_hazard`` (competitor conquest offers) are per row, or empty
    when absent; ``rates`` holds the scalar parameters (:class:`DefectionRates`).
    """
    member_discount, h_min, h_max, k_s = rates.member_discount, rates.h_min, rates.h_max, rates.k_s
    s50, intensity = rates.s50, rates.intensity
    paradox_multiplier, referral_factor = rates.paradox_multiplier, rates.referral_factor
    m = rows.shape[0]
    has_financial = financial_factor.shape[0] > 0
    has_extra = extra_hazard.shape[0] > 0
    last = retention_by_tenure.shape[0] - 1
    # Thinning: no one's hazard exceeds this bound, so a customer whose uniform is above
    # its event probability stays whatever the hazard; daily hazards are small, so the
    # logistic is evaluated for a few per cent of customers. Decisions are unchanged.
    bound = (h_min + intensity * h_max) * max(retention_by_tenure.max(), 0.0)
    if has_financial and m > 0:
        bound *= max(financial_factor.max(), 0.0)
    bound *= max(paradox_multiplier, 1.0) * max(referral_factor, 1.0)
    if has_extra and m > 0:
        bound += max(extra_hazard.max(), 0.0)
    u_bound = event_probability(bound * (1.0 + 1e-9))
    leave = np.empty(m + 1, np.int64)
    k = 0
    for r in range(m):
        i = rows[r]
        u = counter_uniform(key, i)
        if u >= u_bound:
            continue
        s = np.float64(satisfaction[i])
        if member[i]:
            s += member_discount * max(0.0, 7.0 - s)
        h = h_min + intensity * h_max / (1.0 + math.exp(k_s * (s - s50)))
        h *= retention_by_tenure[min(tenure_days(active_since[i], day), last)]
        if has_financial:
            h *= financial_factor[r]
        if hazard_boost_until[i] >= day:
            h *= paradox_multiplier
        ref = referred_by[i]
        if ref >= 0 and alive[ref] and relationship[ref] == ACTIVE_CODE:
            h *= referral_factor
        if has_extra:
            h += extra_hazard[r]
        leave[k] = i
        k += u < event_probability(h)
    return leave[:k].copy()


@jit
def returns(rows, key, satisfaction, floor, chance):
    """Lapsed customers (``rows``) whose uniform in the stream ``key`` is below the
    win-back ``chance``, among those with satisfaction above ``floor``: the win-back
    draw when every lapsed customer has the same hazard."""
    out = np.empty(rows.shape[0], np.int64)
    k = 0
    for r in range(rows.shape[0]):
        i = rows[r]
        if satisfaction[i] > floor and counter_uniform(key, i) < chance:
            out[k] = i
            k += 1
    return out[:k]
