"""The programme's terms in store choice, compiled (docs/model.md §3.1-3.2, §4.2, v2).

On a day with a programme, its rules read a dozen member arrays each through short
numpy expressions; inside a running model those calls cost more than the work. The
readable references are :meth:`~simulator.programme.effects.ProgrammeEffects.rate_multiplier`
(with :func:`~simulator.programme.motivation.centred_goal_gradient`),
:meth:`~simulator.programme.effects.ProgrammeEffects.utility_bonus` and
:meth:`~simulator.programme.effects.ProgrammeEffects.reward_rate`,
:func:`~simulator.mechanisms.choice.utility_terms`, and the goal gradient's re-timing
in :mod:`simulator.mechanisms.choice`; ``tests/kernels/test_programme.py`` holds them
equal, bit for bit.

Powers take their base as an argument: LLVM rewrites ``0.5 ** x`` with a constant base
into another function, which differs from the C library's ``pow`` (numpy's) in the
last bit for about one argument in a thousand.
"""

from __future__ import annotations

import math

import numpy as np

from simulator.kernels import ACTIVE_CODE, NEVER_DAY, compact, jit
from simulator.kernels.points import take_oldest
from simulator.kernels.uniforms import counter_uniform


@jit
def goal_gradient_members(
    member, alive, relationship, last_focal_day, since_day, points_balance, threshold, gamma, centre
):
    """Members eligible for re-timing (alive, active, a focal visit since ``since_day``)
    and their centred goal-gradient multiplier ``exp(gamma (clip(progress) - c))``."""
    n = member.shape[0]
    # Flags first, branch-free (a test per customer mispredicts on a mixed population).
    flags = np.empty(n, np.uint8)
    for i in range(n):
        flags[i] = (
            member[i]
            & alive[i]
            & (relationship[i] == ACTIVE_CODE)
            & (last_focal_day[i] >= since_day)
        )
    rows = compact(flags)
    mult = np.empty(rows.shape[0], np.float64)
    for j in range(rows.shape[0]):
        progress = points_balance[rows[j]] / threshold
        mult[j] = math.exp(gamma * (min(max(progress, 0.0), 1.0) - centre))
    return rows, mult


@jit
def extra_occasions(rows, members, mult, key, rate, n):
    """Members with a multiplier above 1 and no occasion today who get an extra one:
    uniform below ``1 - exp(-rate (M - 1))``."""
    has_occasion = np.zeros(n, np.bool_)
    for r in range(rows.shape[0]):
        has_occasion[rows[r]] = True
    out = np.empty(members.shape[0], np.int64)
    k = 0
    for j in range(members.shape[0]):
        i = members[j]
        m = mult[j]
        if m > 1.0 and not has_occasion[i]:
            if counter_uniform(key, i) < -math.expm1(-np.float64(rate[i]) * (m - 1.0)):
                out[k] = i
                k += 1
    return out[:k]


@jit
def skip_slowed(rows, chosen, members, mult, key, nowhere):
    """A copy of ``chosen`` where members' focal choices with a multiplier M below 1 are
    skipped with probability 1 - M (``members`` sorted)."""
    out = chosen.copy()
    size = members.shape[0]
    for r in range(rows.shape[0]):
        if chosen[r] != 0:
            continue
        j = np.searchsorted(members, rows[r])
        if j < size and members[j] == rows[r]:
            m = mult[j]
            if m < 1.0 and counter_uniform(key, rows[r]) < 1.0 - m:
                out[r] = nowhere
    return out


@jit
def focal_terms(
    rows,
    day,
    member,
    segment,
    tier,
    last_redeem_day,
    demoted_on,
    lost_status,
    price_sens,
    status_sensitivity,
    status,
    rate_by_tier,
    psi_by_segment,
    share_term,
    weights,
    half,
):
    """The programme's utility terms of the focal firm for each row: status, the
    rewarded-behaviour boost, the demotion penalty, a retention offer (``share_term``
    per row, or empty) and the reward rate as a perceived price cut."""
    status_weight, boost, boost_half_life, demotion_factor, demotion_half_life = weights
    out = np.zeros(rows.shape[0], np.float64)
    has_share = share_term.shape[0] > 0
    for r in range(rows.shape[0]):
        i = rows[r]
        if member[i]:
            t = tier[i]
            out[r] += status_weight * status_sensitivity[segment[i]] * status[t]
            since = max(np.int32(day) - np.int32(last_redeem_day[i]), 0)
            out[r] += boost * half ** (since / boost_half_life)
            if demoted_on[i] != NEVER_DAY:
                ago = max(np.int32(day) - np.int32(demoted_on[i]), 0)
                lost = np.float32(demotion_factor) * lost_status[i]
                out[r] -= np.float64(lost) * half ** (ago / demotion_half_life)
        if has_share:
            out[r] -= np.float64(share_term[r])
        if member[i]:
            rate = rate_by_tier[tier[i]]
            if rate != 0.0:
                beta = np.float64(price_sens[i])
                out[r] -= beta * math.log1p(-psi_by_segment[segment[i]] * rate)
    return out


@jit
def financial_factor(
    rows,
    member,
    mean_spend,
    price,
    floor,
    points_balance,
    point_worth,
    tier,
    tier_discount,
    has_tiers,
    rate,
    habit,
    price_sens,
    minus_kappa,
):
    """``exp(-kappa SC_fin)`` of each row: SC_fin is beta_P x (points at risk + 90 days
    of tier discount) / typical basket for members, in float32 as the reference keeps
    it, and 0 for the others."""
    out = np.empty(rows.shape[0], np.float64)
    for r in range(rows.shape[0]):
        i = rows[r]
        cost = np.float32(0.0)
        if member[i]:
            basket = max(mean_spend[i] * price, floor)
            value = np.float64(points_balance[i]) * np.float64(point_worth)
            if has_tiers:
                value = value + tier_discount[tier[i]] * np.float64(rate[i]) * 90.0 * np.float64(
                    basket
                ) * np.float64(habit[i, 0])
            cost = np.float32(np.float64(price_sens[i]) * value / np.float64(basket))
        out[r] = math.exp(minus_kappa * np.float64(cost))
    return out


@jit
def member_visits(
    rows,
    mem,
    u,
    basket,
    gross,
    points_balance,
    buckets,
    order,
    thresholds,
    redeem_probability,
    reward_value,
    reward_is_discount,
    reward_cost,
    last_redeem_day,
    rewards_redeemed,
    day,
    tier,
    earn_mult,
    points_per_unit,
    tier_service_cost,
):
    """Members' focal visits (``mem``: their positions in ``rows``): redeem the largest
    affordable reward with probability ``redeem_probability`` (``u``), oldest points
    first, then earn on what was paid, and book tier benefits (docs/model.md §4.1-4.2).

    Returns the per-visit reward value, programme cost and price cut, and per member:
    the points used and the reward's cost (zero without a redemption), whether it
    redeemed, what was paid and earned, and the tier cost; the caller sums them.
    """
    n = rows.shape[0]
    m = mem.shape[0]
    value = np.zeros(n, np.float64)
    cost = np.zeros(n, np.float64)
    cut = np.zeros(n, np.float64)
    used = np.zeros(m, np.int64)
    used_cost = np.zeros(m, np.float64)
    redeemed = np.zeros(m, np.bool_)
    paid = np.empty(m, np.float64)
    earned = np.empty(m, np.int64)
    tier_cost = np.empty(m, np.float64)
    short = 0
    for j in range(m):
        r = mem[j]
        i = rows[r]
        # Redeem first, on the balance held when walking in.
        k = np.searchsorted(thresholds, np.int64(points_balance[i]), side="right") - 1
        if k >= 0 and u[j] < redeem_probability:
            redeemed[j] = True
            used[j] = thresholds[k]
            short += take_oldest(buckets, i, thresholds[k], order)
            points_balance[i] -= np.int32(thresholds[k])
            value[r] = reward_value[k]
            cut[r] = reward_value[k] * reward_is_discount[k]
            cost[r] += reward_cost[k]
            used_cost[j] = reward_cost[k]
            last_redeem_day[i] = day
            rewards_redeemed[i] += 1
        paid[j] = max(gross[r] - value[r], 0.0)
        t = tier[i]
        earned[j] = np.int64(math.floor(paid[j] * points_per_unit * earn_mult[j] + 1e-9))
        tier_cost[j] = basket[r] - gross[r] + tier_service_cost[t]
        cost[r] += tier_cost[j]
    return value, cost, cut, used, used_cost, redeemed, paid, earned, tier_cost, short
