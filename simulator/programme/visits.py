"""Members' focal visits: redeem, earn and tier benefits (docs/model.md §4.1-4.2).

:func:`reference` is the rule in numpy; :func:`compiled` runs it as one compiled pass
(:func:`simulator.kernels.programme.member_visits`), which the daily step uses, and
``tests/kernels/test_programme.py`` holds the programme they leave equal. Both return,
per visit, the reward value, the programme cost and the price cut, and per member the
points used, the reward's cost, whether it redeemed, what was paid and earned, and the
tier cost, plus the points that could not be deducted (0).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.kernels import programme as kernel
from simulator.programme import points as pts

if TYPE_CHECKING:
    from simulator.config.schema import Programme as ProgrammeSpec
    from simulator.programme.rules import ProgrammeRules
    from simulator.programme.state import ProgrammeState


def compiled(
    rules: ProgrammeRules,
    st: ProgrammeState,
    spec: ProgrammeSpec,
    day: int,
    rows: np.ndarray,
    mem: np.ndarray,
    u: np.ndarray,
    basket: np.ndarray,
    gross: np.ndarray,
    earn_mult: np.ndarray,
) -> tuple[Any, ...]:
    """Members' redemptions, earning and tier benefits in one compiled pass.

    ``mem`` are the members' positions in ``rows``, ``u`` their redemption uniforms and
    ``earn_mult`` their earn multipliers (tier x campaign).
    """
    return kernel.member_visits(
        rows,
        mem,
        u,
        basket,
        gross,
        st.points_balance,
        st.buckets,
        pts.bucket_order(rules.current_bucket(day), rules.n_buckets),
        rules.thresholds,
        spec.redeem_probability,
        rules.reward_value,
        rules.reward_is_discount,
        rules.reward_cost,
        st.last_redeem_day,
        st.rewards_redeemed,
        day,
        st.tier,
        earn_mult,
        float(spec.points_per_unit),
        rules.tier_service_cost,
    )


def reference(
    rules: ProgrammeRules,
    st: ProgrammeState,
    spec: ProgrammeSpec,
    day: int,
    rows: np.ndarray,
    mem: np.ndarray,
    u: np.ndarray,
    basket: np.ndarray,
    gross: np.ndarray,
    earn_mult: np.ndarray,
) -> tuple[Any, ...]:
    """:func:`compiled` in numpy: the largest affordable reward is redeemed with the
    redemption probability, on the balance held when walking in, oldest points first;
    points are earned on what was paid; tier benefits cost the discount and service."""
    r = rows[mem]
    reward_value, cost, price_cut = (np.zeros(rows.size) for _ in range(3))
    pick = pts.choose_reward(st.points_balance[r].astype(np.int64), rules.thresholds)
    redeemed = (pick >= 0) & (u < spec.redeem_probability)
    used = np.zeros(mem.size, dtype=np.int64)
    used_cost = np.zeros(mem.size)
    if redeemed.any():
        rr, k = r[redeemed], pick[redeemed]
        used[redeemed] = rules.thresholds[k]
        order = pts.bucket_order(rules.current_bucket(day), rules.n_buckets)
        pts.deduct_fifo(st.buckets, rr, rules.thresholds[k], order)
        st.points_balance[rr] -= rules.thresholds[k].astype(np.int32)
        reward_value[mem[redeemed]] = rules.reward_value[k]
        price_cut[mem[redeemed]] = rules.reward_value[k] * rules.reward_is_discount[k]
        cost[mem[redeemed]] += rules.reward_cost[k]
        used_cost[redeemed] = rules.reward_cost[k]
        st.last_redeem_day[rr] = day
        st.rewards_redeemed[rr] += 1
    paid = np.maximum(gross[mem] - reward_value[mem], 0.0)
    earned = pts.earned_points(paid, spec.points_per_unit, earn_mult)
    tier_cost = basket[mem] - gross[mem] + rules.tier_service_cost[st.tier[r]]
    cost[mem] += tier_cost
    return reward_value, cost, price_cut, used, used_cost, redeemed, paid, earned, tier_cost, 0
