"""What a programme does to its members' choices (docs/model.md §3.1-3.4, §4.2).

The terms the daily stages read: the occasion multipliers, the programme as a
perceived price cut, status and rewarded-behaviour bonuses, the switching cost of what
a leaver would lose, and tier benefits at the visit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.engine.state import NEVER
from simulator.kernels import programme as kernel
from simulator.programme import tiers as tiers_mod
from simulator.programme.motivation import goal_gradient_centre, points_pressure_multiplier

_NONE = np.zeros(0, dtype=np.float32)

if TYPE_CHECKING:
    from simulator.config.schema import Programme as ProgrammeSpec
    from simulator.engine.context import DayContext
    from simulator.programme.rules import ProgrammeRules
    from simulator.programme.state import ProgrammeState
    from simulator.programme.tiers import TierLadder


class ProgrammeEffects:
    """The choice-facing hooks of a :class:`~simulator.programme.facade.Programme`."""

    ctx: DayContext
    rules: ProgrammeRules
    state: ProgrammeState
    ladder: TierLadder
    _mean_spend: np.ndarray  # float32 E[spend] per customer at price 1 (the facade's)

    @property
    def spec(self) -> ProgrammeSpec:  # pragma: no cover - defined by the facade
        raise NotImplementedError

    def tier_labels(self) -> list[str]:  # pragma: no cover - defined by the facade
        raise NotImplementedError

    def members(self) -> np.ndarray:  # pragma: no cover - defined by the facade
        raise NotImplementedError

    def expected_breakage(self) -> float:  # pragma: no cover - defined by the facade
        raise NotImplementedError

    def _basket(self, rows: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def rate_multiplier(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Eligible members and the multiplier M that re-times their focal visits: the
        centred goal gradient and tier points pressure (docs/model.md §3.1, v2).

        Eligible: active members with a focal visit in the last
        ``goal_gradient_window_days``. ``None`` when no one is eligible.
        """
        p = self.ctx.pop
        d = self.ctx.day
        st = self.state
        gamma = self.spec.goal_gradient
        # Compiled: the eligible members and centred_goal_gradient of their progress.
        members, mult = kernel.goal_gradient_members(
            p.member,
            p.alive,
            p.relationship,
            p.last_focal_day,
            d - self.spec.goal_gradient_window_days,
            st.points_balance,
            float(self.rules.thresholds[0]),
            float(gamma),
            goal_gradient_centre(gamma),
        )
        if members.size == 0:
            return None
        review = self.ctx.calendar.next_time("programme.review") if self.tier_labels() else None
        if review is not None:
            # The review falls between day floor(review) and the next; counted from the
            # booked review, so a programme or cadence introduced mid-run is right too.
            to_review = int(np.floor(review)) - self.ctx.day
            tier = st.tier[members]
            thresholds = self.rules.tier_thresholds
            nxt = np.minimum(tier, len(thresholds) - 1)
            thr = np.where(tier < len(thresholds), thresholds[nxt], np.inf)
            expected = self._expected_qualifying(members, tier, to_review)
            mult = mult * points_pressure_multiplier(
                st.qualifying[members], thr, expected, to_review, self.spec.points_pressure
            )
        return members, mult

    def _expected_qualifying(self, rows: np.ndarray, tier: np.ndarray, days: int) -> np.ndarray:
        """What members are expected to add to their qualifying amount in ``days``, in the
        tier metric's own unit: focal visits (occasions x the habit standing in for the
        focal share), their spend, or the points that spend earns."""
        p = self.ctx.pop
        metric = self.spec.tiers.metric
        if metric == "visits":
            return p.rate[rows] * days * p.habit[rows, 0]
        spend = p.rate[rows] * days * self._basket(rows) * p.habit[rows, 0]
        if metric == "points":
            return spend * self.spec.points_per_unit * self.rules.tier_earn[tier]
        return spend

    def reward_rate(self, rows: np.ndarray) -> np.ndarray:
        """Members' effective reward rate: earn x point value x (1 - expected breakage)."""
        out = np.zeros(rows.size)
        mem = self.ctx.pop.member[rows]
        earn = self.spec.points_per_unit * self.rules.tier_earn[self.state.tier[rows[mem]]]
        out[mem] = earn * self.rules.point_value * (1.0 - self.expected_breakage())
        return out

    def focal_terms(self, rows: np.ndarray, psi_by_segment: np.ndarray) -> np.ndarray:
        """The programme's utility terms of the focal firm, compiled: :meth:`utility_bonus`
        minus ``beta_P ln(1 - psi reward_rate)`` for members (:meth:`reward_rate`); tests
        hold them equal."""
        ctx = self.ctx
        p = ctx.pop
        spec = self.spec
        st = self.state
        rules = self.rules
        share = st.retention_share[rows]
        share_term = _NONE
        if share.any():
            share_term = p.price_sens[rows] * np.log1p(-np.minimum(share, 0.9))
        rate_by_tier = (
            spec.points_per_unit
            * rules.tier_earn
            * rules.point_value
            * (1.0 - self.expected_breakage())
        )
        return kernel.focal_terms(
            rows,
            ctx.day,
            p.member,
            p.segment,
            st.tier,
            st.last_redeem_day,
            st.demoted_on,
            st.lost_status,
            p.price_sens,
            np.array([s.status_sensitivity for s in ctx.config.market.segments]),
            self.ladder.status,
            rate_by_tier,
            psi_by_segment,
            share_term,
            (
                float(ctx.config.market.choice.status_weight),
                float(spec.rewarded_boost),
                float(spec.rewarded_half_life),
                float(1.2 if spec.tiers.advance_notice else spec.demotion_penalty),
                tiers_mod.DEMOTION_HALF_LIFE,
            ),
            0.5,
        )

    def utility_bonus(self, rows: np.ndarray) -> np.ndarray | float:
        """Status, demotion penalty and the rewarded-behaviour boost (Taylor & Neslin 2005)."""
        ctx = self.ctx
        p = ctx.pop
        d = ctx.day
        spec = self.spec
        st = self.state
        out = np.zeros(rows.size)
        mem = np.flatnonzero(p.member[rows])
        r = rows[mem]
        beta_t = ctx.config.market.choice.status_weight
        sens = np.array([s.status_sensitivity for s in ctx.config.market.segments])
        out[mem] += beta_t * sens[p.segment[r]] * self.ladder.status[st.tier[r]]
        since = d - st.last_redeem_day[r].astype(np.int32)
        out[mem] += spec.rewarded_boost * 0.5 ** (np.maximum(since, 0) / spec.rewarded_half_life)
        demoted = st.demoted_on[r] != NEVER
        if demoted.any():
            rd = r[demoted]
            factor = 1.2 if spec.tiers.advance_notice else spec.demotion_penalty
            out[mem[demoted]] -= tiers_mod.demotion_penalty(
                st.lost_status[rd], d - st.demoted_on[rd].astype(np.int32), factor=factor
            )
        # A retention offer acts as a price cut on the focal firm for those reached.
        share = st.retention_share[rows]
        if share.any():
            out -= p.price_sens[rows] * np.log1p(-np.minimum(share, 0.9))
        return out

    def financial_switching_cost(self, rows: np.ndarray) -> np.ndarray | float:
        """beta_P x (points value at risk + tier benefits value) / typical basket.

        This is a cost of leaving, so it acts on defection only, not on each occasion:
        buying once elsewhere forfeits nothing (docs/model.md §3.2, §3.4, v2). Points at
        risk are those a customer who stops buying would lose before redeeming them:
        with expiry, the balance; without expiry, none. The value of tier benefits is
        the tier discount on the spend expected over the next 90 days; non-members have
        nothing at risk.
        """
        p = self.ctx.pop
        out = np.zeros(rows.size, dtype=np.float32)
        mem = np.flatnonzero(p.member[rows])
        if mem.size == 0:
            return out
        r = rows[mem]
        basket = np.maximum(self._basket(r), 1e-6)
        at_risk = self.spec.expiry.kind != "none"
        value = self.state.points_balance[r] * np.float32(
            self.rules.point_value * (1 - self.expected_breakage()) * at_risk
        )
        if self.rules.tier_discount.any():
            disc = self.rules.tier_discount[self.state.tier[r]]
            value = value + disc * p.rate[r] * 90 * basket * p.habit[r, 0]
        out[mem] = p.price_sens[r] * value / basket
        return out

    def financial_factor(self, rows: np.ndarray, kappa: float) -> np.ndarray:
        """``exp(-kappa x financial_switching_cost)`` of each row, compiled (tests hold it
        equal to :meth:`financial_switching_cost`): the factor on the defection hazard."""
        p = self.ctx.pop
        st = self.state
        rules = self.rules
        at_risk = self.spec.expiry.kind != "none"
        return kernel.financial_factor(
            rows,
            p.member,
            self._mean_spend,
            np.float32(self.ctx.focal.price),
            np.float32(1e-6),
            st.points_balance,
            np.float32(rules.point_value * (1 - self.expected_breakage()) * at_risk),
            st.tier,
            rules.tier_discount,
            bool(rules.tier_discount.any()),
            p.rate,
            p.habit,
            p.price_sens,
            -kappa,
        )

    def discount(self, rows: np.ndarray) -> np.ndarray | float:
        """Members' tier discount."""
        if not self.rules.has_tiers:
            return 0.0
        return np.where(
            self.ctx.pop.member[rows], self.rules.tier_discount[self.state.tier[rows]], 0.0
        )

    def quality_uplift(self, rows: np.ndarray) -> np.ndarray | float:
        """Members' tier service-quality uplift (priority service)."""
        if not self.rules.has_tiers:
            return 0.0
        return np.where(
            self.ctx.pop.member[rows], self.rules.tier_uplift[self.state.tier[rows]], 0.0
        )
