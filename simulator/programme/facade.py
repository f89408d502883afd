"""The loyalty programme's orchestration: points, rewards, tiers, campaigns, accounting.

A thin layer over the pure functions of :mod:`simulator.programme.points`,
:mod:`~simulator.programme.tiers` and :mod:`~simulator.programme.campaigns`. With no
programme (or the module off) every hook returns its neutral value, so the engine runs
unchanged. Scheduled parts (reviews, expiry, campaign windows) are events on Mesa's
event list, held by bound methods of this object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from mesa.time import Schedule

from simulator.engine.state import ACTIVE, LAPSED, NEVER
from simulator.mechanisms.purchase import goal_gradient_multiplier, points_pressure_multiplier
from simulator.programme import campaigns as camp
from simulator.programme import points as pts
from simulator.programme import tiers as tiers_mod
from simulator.programme.ifrs15 import DeferredRevenueLedger

if TYPE_CHECKING:
    from simulator.config.schema import Campaign
    from simulator.engine.model import LoyaltyModel

# Prior for breakage until enough points have settled to measure it (Colloquy 2011:
# about a third of rewards go unredeemed); weighted as this many reward thresholds.
BREAKAGE_PRIOR = 0.3
BREAKAGE_PRIOR_WEIGHT = 20.0


# The parts of programme cost (MODEL.md 4.4) and the daily points flows.
COST_KEYS = (
    "cost_rewards",
    "cost_tier_benefits",
    "cost_campaigns",
    "cost_referrals",
    "cost_running",
)
POINT_FLOWS = ("points_issued", "points_redeemed", "points_expired")


def programme_cost(flows: dict[str, float]) -> float:
    """Programme cost: rewards, tier benefits, campaigns, referrals and running cost."""
    return sum(flows.get(k, 0.0) for k in COST_KEYS)


@dataclass
class CampaignState:
    """A campaign's live state and its effect ledger."""

    spec: Campaign
    index: int
    owner: Programme
    running: bool = False
    reached: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    holdout: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cost: float = 0.0
    visits_reached: float = 0.0
    visits_holdout: float = 0.0
    spend_reached: float = 0.0
    spend_holdout: float = 0.0

    # Bound-method targets for Mesa's event list, which holds callbacks weakly; the
    # Programme keeps these states alive for the whole run.
    def start(self) -> None:
        self.owner._campaign_start(self)

    def stop(self) -> None:
        self.owner._campaign_end(self)

    def report(self) -> dict[str, Any]:
        """Reach, cost and extra visits and spend against the unreached holdout."""
        n_r, n_h = self.reached.size, self.holdout.size
        out: dict[str, Any] = {
            "name": self.spec.name,
            "kind": self.spec.kind,
            "reached": int(n_r),
            "holdout": int(n_h),
            "cost": self.cost,
        }
        if n_r and n_h:
            out["extra_visits"] = n_r * (self.visits_reached / n_r - self.visits_holdout / n_h)
            out["extra_spend"] = n_r * (self.spend_reached / n_r - self.spend_holdout / n_h)
        else:
            out["extra_visits"] = out["extra_spend"] = None  # reach 1: no holdout to compare
        return out


class Programme:
    """Programme state and the hooks the model's daily step calls."""

    def __init__(self, model: LoyaltyModel) -> None:
        self.model = model
        cfg = model.config
        pop = model.pop
        n = pop.n
        self.spec = cfg.firm.programme if cfg.modules.programme else None
        self.reward_sensitivity = np.array([s.reward_sensitivity for s in cfg.market.segments])
        self.status_sensitivity = np.array([s.status_sensitivity for s in cfg.market.segments])
        self.spend_shape = np.array([s.spend.p for s in cfg.market.segments])
        self._mean_spend = (self.spend_shape[pop.segment] / pop.spend_scale).astype(np.float32)
        self.flows: dict[str, float] = self._new_flows()
        self.totals: dict[str, float] = dict.fromkeys(
            (*POINT_FLOWS, "rewards_redeemed", *COST_KEYS, "promotions", "demotions"), 0.0
        )
        self.reviews: list[dict[str, Any]] = []
        self._promotions_seen = 0.0
        self._pending: tuple[np.ndarray, np.ndarray] = (np.zeros(0, np.int64), np.zeros(0, np.int8))
        self.campaigns: list[CampaignState] = []
        if self.spec is None:
            return
        spec = self.spec
        self.thresholds = np.array([r.points for r in spec.rewards], dtype=np.int64)
        order = np.argsort(self.thresholds, kind="stable")
        self.thresholds = self.thresholds[order]
        self.reward_value = np.array([spec.rewards[i].value for i in order])
        self.reward_cost = np.array(
            [spec.rewards[i].value * spec.rewards[i].cost_ratio for i in order]
        )
        # Face value of a point: the best value per point in the catalogue.
        self.point_value = float(np.max(self.reward_value / self.thresholds))
        self.n_buckets, self.period = pts.bucket_layout(spec.expiry.kind, spec.expiry.days)
        self.buckets = np.zeros((n, self.n_buckets), dtype=np.int32)
        levels = spec.tiers.levels
        self.tier_names = ["base", *[t.name for t in levels]]
        self.tier_thresholds = np.array([t.threshold for t in levels])
        self.tier_discount = np.array([0.0, *[t.discount for t in levels]])
        self.tier_earn = np.array([1.0, *[t.earn_multiplier for t in levels]])
        self.tier_uplift = np.array([0.0, *[t.quality_uplift for t in levels]])
        self.tier_service_cost = np.array([0.0, *[t.service_cost_per_visit for t in levels]])
        self.tier_has_status = np.array([False, *[t.status for t in levels]])
        self.status = np.zeros(len(self.tier_names))
        pop.extra.update(
            points_balance=np.zeros(n, dtype=np.int32),
            tier=np.zeros(n, dtype=np.int8),
            qualifying=np.zeros(n, dtype=np.float32),
            ever_promoted=np.zeros(n, dtype=bool),
            demoted_on=np.full(n, NEVER, dtype=np.int16),
            lost_status=np.zeros(n, dtype=np.float32),
            last_redeem_day=np.full(n, NEVER, dtype=np.int16),
            join_day=np.full(n, NEVER, dtype=np.int16),
            points_earned=np.zeros(n, dtype=np.int32),
            rewards_redeemed=np.zeros(n, dtype=np.int16),
        )
        self.ledger = DeferredRevenueLedger()
        self.campaigns = [CampaignState(c, i, self) for i, c in enumerate(spec.campaigns)]
        self.winback_share = np.zeros(n, dtype=np.float32)
        self.retention_share = np.zeros(n, dtype=np.float32)
        if spec.enrol_all_at_start:
            members = np.flatnonzero(pop.alive & (pop.relationship == ACTIVE))
            self._join(0, members)
            if self.tier_labels() and spec.tiers.initial_from_expected:
                self._initial_tiers(members)

    # ------------------------------------------------------------ conveniences

    @property
    def active(self) -> bool:
        """Whether a programme is running."""
        return self.spec is not None

    def tier_labels(self) -> list[str]:
        """Tier names (base first) when the programme has tiers, else []."""
        return self.tier_names if self.active and len(self.tier_names) > 1 else []

    def _x(self, name: str) -> np.ndarray:
        return self.model.pop.extra[name]

    def expected_breakage(self) -> float:
        """Breakage estimate: observed settled points shrunk toward a prior."""
        t = self.totals
        w = BREAKAGE_PRIOR_WEIGHT * float(self.thresholds[0])
        return (t["points_expired"] + BREAKAGE_PRIOR * w) / (
            t["points_expired"] + t["points_redeemed"] + w
        )

    def _basket(self, rows: np.ndarray) -> np.ndarray:
        """Typical basket at today's focal price: E[spend] = p_GG / nu (Gamma-Gamma)."""
        return self._mean_spend[rows] * np.float32(self.model.focal.price)

    # --------------------------------------------------------------- schedule

    def schedule(self) -> None:
        """Put reviews, expiry and campaign windows on the model's event list."""
        if not self.active:
            return
        m = self.model
        spec = self.spec
        if self.tier_labels():
            every = spec.tiers.review_every_days
            m.schedule_recurring(self._review, Schedule(interval=every, start=every + 0.5))
        if spec.expiry.kind == "rolling":
            m.schedule_recurring(
                self._expire_rolling, Schedule(interval=self.period, start=self.period + 0.5)
            )
        elif spec.expiry.kind == "calendar":
            m.schedule_recurring(
                self._expire_all, Schedule(interval=365, start=spec.expiry.day_of_year + 0.5)
            )
        for c in self.campaigns:
            m.schedule_event(c.start, at=max(c.spec.start, 1) - 0.5)
            m.schedule_event(c.stop, at=c.spec.end + 0.5)

    # ------------------------------------------------------------------ hooks

    def _new_flows(self) -> dict[str, float]:
        return dict.fromkeys((*POINT_FLOWS, *COST_KEYS), 0.0)

    def settle_opening(self) -> None:
        """Day 0 (enrolment at the start, sign-up bonuses): book its flows and close it."""
        for k, v in self.flows.items():
            self.totals[k] = self.totals.get(k, 0.0) + v
        self.close_day()

    def close_day(self) -> None:
        """After the day is recorded: start the next day's flows (events before the next
        day's step, such as expiry, book into them)."""
        self.flows = self._new_flows()

    def begin_day(self, d: int) -> None:
        """Refresh tier status values (Dreze & Nunes: status depends on tier sizes)."""
        if self.tier_labels():
            p = self.model.pop
            members = p.member & p.alive
            counts = np.bincount(self._x("tier")[members], minlength=len(self.tier_names))
            total = max(counts.sum(), 1)
            at_or_above = np.cumsum(counts[::-1])[::-1] / total
            self.status = tiers_mod.status_values(
                at_or_above,
                self.tier_has_status,
                sigma0=self.spec.status_base,
                dilution=self.spec.status_dilution,
            )

    def rate_multiplier(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Members and their purchase-rate multiplier M: goal gradient and tier points
        pressure (MODEL.md 3.1). ``None`` when no one is a member."""
        if not self.active:
            return None
        p = self.model.pop
        members = np.flatnonzero(p.member & p.alive)
        if members.size == 0:
            return None
        progress = self._x("points_balance")[members] / float(self.thresholds[0])
        mult = goal_gradient_multiplier(progress, self.spec.goal_gradient)
        if self.tier_labels():
            d = self.model.day
            every = self.spec.tiers.review_every_days
            to_review = every - ((d - 1) % every) - 1
            tier = self._x("tier")[members]
            nxt = np.minimum(tier, len(self.tier_thresholds) - 1)
            thr = np.where(tier < len(self.tier_thresholds), self.tier_thresholds[nxt], np.inf)
            expected = p.rate[members] * to_review * self._basket(members) * p.habit[members, 0]
            mult = mult * points_pressure_multiplier(
                self._x("qualifying")[members], thr, expected, to_review, self.spec.points_pressure
            )
        return members, mult

    def reward_rate(self, rows: np.ndarray) -> np.ndarray:
        """Members' effective reward rate: earn x point value x (1 - expected breakage)."""
        out = np.zeros(rows.size)
        if not self.active:
            return out
        p = self.model.pop
        mem = p.member[rows]
        earn = self.spec.points_per_unit * self.tier_earn[self._x("tier")[rows[mem]]]
        out[mem] = earn * self.point_value * (1.0 - self.expected_breakage())
        return out

    def utility_bonus(self, rows: np.ndarray) -> np.ndarray | float:
        """Status, demotion penalty and the rewarded-behaviour boost (Taylor & Neslin 2005)."""
        if not self.active:
            return 0.0
        p = self.model.pop
        d = self.model.day
        spec = self.spec
        out = np.zeros(rows.size)
        mem = np.flatnonzero(p.member[rows])
        r = rows[mem]
        beta_t = self.model.config.market.choice.status_weight
        out[mem] += beta_t * self.status_sensitivity[p.segment[r]] * self.status[self._x("tier")[r]]
        since = d - self._x("last_redeem_day")[r].astype(np.int32)
        out[mem] += spec.rewarded_boost * 0.5 ** (np.maximum(since, 0) / spec.rewarded_half_life)
        demoted = self._x("demoted_on")[r] != NEVER
        if demoted.any():
            rd = r[demoted]
            factor = 1.2 if spec.tiers.advance_notice else spec.demotion_penalty
            out[mem[demoted]] -= tiers_mod.demotion_penalty(
                self._x("lost_status")[rd],
                d - self._x("demoted_on")[rd].astype(np.int32),
                factor=factor,
            )
        # A retention offer acts as a price cut on the focal firm for those reached.
        share = self.retention_share[rows]
        if share.any():
            out -= p.price_sens[rows] * np.log1p(-np.minimum(share, 0.9))
        return out

    def financial_switching_cost(self, rows: np.ndarray) -> np.ndarray | float:
        """beta_P x (points value at risk + tier benefits value) / typical basket.

        The value of tier benefits is the tier discount on the spend expected over the
        next 90 days (MODEL.md 3.4); non-members have nothing at risk.
        """
        if not self.active:
            return 0.0
        p = self.model.pop
        out = np.zeros(rows.size, dtype=np.float32)
        mem = np.flatnonzero(p.member[rows])
        if mem.size == 0:
            return out
        r = rows[mem]
        basket = np.maximum(self._basket(r), 1e-6)
        value = self._x("points_balance")[r] * np.float32(
            self.point_value * (1 - self.expected_breakage())
        )
        if self.tier_discount.any():
            disc = self.tier_discount[self._x("tier")[r]]
            value = value + disc * p.rate[r] * 90 * basket * p.habit[r, 0]
        out[mem] = p.price_sens[r] * value / basket
        return out

    def discount(self, rows: np.ndarray) -> np.ndarray | float:
        """Members' tier discount."""
        if not self.active or len(self.tier_names) == 1:
            return 0.0
        p = self.model.pop
        return np.where(p.member[rows], self.tier_discount[self._x("tier")[rows]], 0.0)

    def quality_uplift(self, rows: np.ndarray) -> np.ndarray | float:
        """Members' tier service-quality uplift (priority service)."""
        if not self.active or len(self.tier_names) == 1:
            return 0.0
        p = self.model.pop
        return np.where(p.member[rows], self.tier_uplift[self._x("tier")[rows]], 0.0)

    def visit(
        self, d: int, rows: np.ndarray, basket: np.ndarray, gross: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Enrol, redeem, earn and qualify on focal visits (MODEL.md 4.1-4.2).

        Returns
        -------
        reward_value, cost
            Value of rewards used on each visit and the programme cost of each visit
            (reward cost, tier discount and priority service).
        """
        zero = np.zeros(rows.size)
        if not self.active or rows.size == 0:
            return zero, zero.copy()
        p = self.model.pop
        spec = self.spec
        rng = self.model.streams.get("programme", d)
        join = ~p.member[rows] & (rng.random(rows.size) < spec.enrol_probability)
        self._join(d, rows[join])
        mem = np.flatnonzero(p.member[rows])
        r = rows[mem]
        bal = self._x("points_balance")
        # Redeem first, on the balance held when walking in (MODEL.md 4.1).
        reward_value = zero.copy()
        cost = zero.copy()
        u = rng.random(r.size)
        pick = pts.choose_reward(bal[r].astype(np.int64), self.thresholds)
        redeem = (pick >= 0) & (u < spec.redeem_probability)
        if redeem.any():
            rr, k = r[redeem], pick[redeem]
            used = self.thresholds[k]
            self._deduct(rr, used)
            reward_value[mem[redeem]] = self.reward_value[k]
            cost[mem[redeem]] += self.reward_cost[k]
            self._x("last_redeem_day")[rr] = d
            self._x("rewards_redeemed")[rr] += 1
            self.flows["points_redeemed"] += float(used.sum())
            self.flows["cost_rewards"] += float(self.reward_cost[k].sum())
            self.totals["rewards_redeemed"] += rr.size
        paid = np.maximum(gross[mem] - reward_value[mem], 0.0)
        tier = self._x("tier")[r]
        mult = self.tier_earn[tier] * self._campaign_multiplier(r)
        earned = pts.earned_points(paid, spec.points_per_unit, mult)
        self.flows["member_revenue"] = self.flows.get("member_revenue", 0.0) + float(
            basket[mem].sum()
        )
        self._earn(d, r, earned, paid)
        # Tier benefits: discount forgone and priority-service cost.
        tier_cost = basket[mem] - gross[mem] + self.tier_service_cost[tier]
        cost[mem] += tier_cost
        self.flows["cost_tier_benefits"] += float(tier_cost.sum())
        if self.tier_labels():
            metric = spec.tiers.metric
            q = self._x("qualifying")
            q[r] += {"spend": basket[mem], "points": earned, "visits": 1.0}[metric]
            self._promote(d, r)
        self._campaign_visits(rows, basket)
        return reward_value, cost

    def on_acquired(self, d: int, rows: np.ndarray) -> None:
        """Customers acquired today: referral rewards are paid on conversion."""

    def on_referral(self, d: int, referrers: np.ndarray, referred: np.ndarray) -> None:
        """Converted referrals cost the running referral reward, if any."""
        for c in self.campaigns:
            if c.running and c.spec.kind == "referral_reward":
                cost = c.spec.value * referred.size
                c.cost += cost
                self.flows["cost_referrals"] += cost

    def referral_multiplier(self) -> float:
        """A running referral reward multiplies the referral rate (Kumar et al. 2007)."""
        return max(
            [
                c.spec.multiplier
                for c in self.campaigns
                if c.running and c.spec.kind == "referral_reward"
            ],
            default=1.0,
        )

    def winback_offer_share(self, rows: np.ndarray) -> np.ndarray | float:
        """Win-back offer value as a share of the typical basket."""
        if not self.active:
            return 0.0
        return self.winback_share[rows]

    def on_winback(self, d: int, rows: np.ndarray) -> None:
        """Won-back customers who had an offer redeem it: its value is a campaign cost."""
        if not self.active or rows.size == 0:
            return
        for c in self.campaigns:
            if c.running and c.spec.kind == "winback_offer":
                used = np.intersect1d(rows, c.reached, assume_unique=False)
                cost = c.spec.value * used.size
                c.cost += cost
                self.flows["cost_campaigns"] += cost
        self.winback_share[rows] = 0.0

    def end_day(self, d: int) -> None:
        """Running costs and the accounting of the day (MODEL.md 4.4)."""
        m = self.model
        if self.active:
            p = m.pop
            members = int((p.member & p.alive).sum())
            running = (
                self.spec.running_cost_per_day + self.spec.running_cost_per_member_day * members
            )
            self.flows["cost_running"] += running
            rate = 1.0 - self.expected_breakage()
            self.ledger.update_expected_redemption_rate(rate)
            self.ledger.record_redemptions(self.flows["points_redeemed"])
            self.flows["revenue_released"] = self.ledger.release()
        for k, v in self.flows.items():
            self.totals[k] = self.totals.get(k, 0.0) + v
        cost = programme_cost(self.flows)
        m._day_flows["programme_cost"] = cost
        # Per-customer value carries reward and tier costs at the visit; running and
        # campaign costs are firm-level and enter net margin, not individual CLV.

    # ------------------------------------------------------------- internals

    def _join(self, d: int, rows: np.ndarray) -> None:
        if rows.size == 0:
            return
        p = self.model.pop
        p.member[rows] = True
        self._x("join_day")[rows] = d
        if self.spec.signup_bonus:
            bonus = np.full(rows.size, self.spec.signup_bonus, dtype=np.int64)
            self._earn(d, rows, bonus, np.zeros(rows.size))

    def _initial_tiers(self, members: np.ndarray) -> None:
        """Existing status holders: the tier expected activity over one review period earns."""
        p = self.model.pop
        days = self.spec.tiers.review_every_days
        share = self.model.config.firm.market_share
        visits = p.rate[members] * days * share
        expected = {
            "spend": visits * self._basket(members),
            "points": visits * self._basket(members) * self.spec.points_per_unit,
            "visits": visits,
        }[self.spec.tiers.metric]
        level = tiers_mod.qualified_level(expected, self.tier_thresholds)
        self._x("tier")[members] = level
        self._x("ever_promoted")[members] = level > 0

    def _current_bucket(self, d: int) -> int:
        return ((max(d, 1) - 1) // self.period) % self.n_buckets

    def _earn(self, d: int, rows: np.ndarray, earned: np.ndarray, paid: np.ndarray) -> None:
        b = self._current_bucket(d)
        self.buckets[rows, b] += earned.astype(np.int32)
        self._x("points_balance")[rows] += earned.astype(np.int32)
        self._x("points_earned")[rows] += earned.astype(np.int32)
        issued = float(earned.sum())
        self.flows["points_issued"] = self.flows.get("points_issued", 0.0) + issued
        if issued or paid.sum():
            self.ledger.record_sales(
                float(paid.sum()), issued, self.point_value, 1.0 - self.expected_breakage()
            )

    def _deduct(self, rows: np.ndarray, amount: np.ndarray) -> None:
        order = pts.bucket_order(self._current_bucket(self.model.day), self.n_buckets)
        pts.deduct_fifo(self.buckets, rows, amount, order)
        self._x("points_balance")[rows] -= amount.astype(np.int32)

    def _expire_column(self, col: int | slice) -> None:
        expired = self.buckets[:, col]
        amount = expired.sum(axis=1) if expired.ndim == 2 else expired
        has = np.flatnonzero(amount)
        if has.size:
            self._x("points_balance")[has] -= amount[has].astype(np.int32)
            total = float(amount[has].sum())
            self.flows["points_expired"] = self.flows.get("points_expired", 0.0) + total
        self.buckets[:, col] = 0

    def _expire_rolling(self) -> None:
        """Start of a new period: the bucket about to be reused holds the oldest points."""
        d = self.model.day  # the event runs half a day before the period's first day
        self._expire_column(self._current_bucket(d))

    def _expire_all(self) -> None:
        self._expire_column(slice(None))

    def _promote(self, d: int, rows: np.ndarray) -> None:
        tier = self._x("tier")
        level = tiers_mod.qualified_level(self._x("qualifying")[rows], self.tier_thresholds)
        up = level > tier[rows]
        if up.any():
            ru = rows[up]
            tier[ru] = level[up]
            self._x("ever_promoted")[ru] = True
            self.totals["promotions"] += ru.size

    def _review(self) -> None:
        """Tier review (MODEL.md 4.2): demote members below their tier's threshold.

        With a grace period the demotion is only announced: it applies ``grace_days``
        later to those who have not requalified in the meantime (:meth:`_apply_grace`).
        """
        m = self.model
        d = m.day
        p = m.pop
        spec = self.spec
        tier = self._x("tier")
        members = np.flatnonzero(p.member & p.alive)
        qualified = tiers_mod.qualified_level(self._x("qualifying")[members], self.tier_thresholds)
        new = tiers_mod.review_level(tier[members], qualified, soft_landing=spec.tiers.soft_landing)
        down = new < tier[members]
        counts_before = np.bincount(tier[members], minlength=len(self.tier_names))
        self.reviews.append(
            {
                "day": d,
                "promotions_since_last_review": int(
                    self.totals["promotions"] - self._promotions_seen
                ),
                "demotions": 0,
                "members_by_tier_before": {
                    n: int(c) for n, c in zip(self.tier_names, counts_before, strict=True)
                },
            }
        )
        self._promotions_seen = self.totals["promotions"]
        self._x("qualifying")[:] = 0.0
        if spec.tiers.grace_days > 0:
            self._pending = (members[down], new[down])
            m.schedule_event(self._apply_grace, at=d + spec.tiers.grace_days - 0.5)
        else:
            self._demote(members[down], new[down])

    def _apply_grace(self) -> None:
        """End of a grace period: demote those who have not requalified since the review."""
        rows, new = self._pending
        self._pending = (np.zeros(0, np.int64), np.zeros(0, np.int8))
        tier = self._x("tier")
        requalified = tiers_mod.qualified_level(self._x("qualifying")[rows], self.tier_thresholds)
        keep = (requalified >= tier[rows]) | ~self.model.pop.alive[rows]
        self._demote(rows[~keep], np.maximum(new[~keep], 0).astype(np.int8))

    def _demote(self, rows: np.ndarray, new: np.ndarray) -> None:
        """Demotion hurts more than promotion helps (Wagner, Hennig-Thurau & Rudolph 2009)."""
        m = self.model
        p = m.pop
        tier = self._x("tier")
        if rows.size:
            lost = self.status[tier[rows]] - self.status[new]
            tier[rows] = new
            self._x("lost_status")[rows] = np.maximum(lost, 0.0)
            self._x("demoted_on")[rows] = m.day
            if m.config.modules.satisfaction:
                p.satisfaction[rows] = np.maximum(
                    p.satisfaction[rows] - self.spec.demotion_satisfaction_drop, 0.0
                )
        self.totals["demotions"] += rows.size
        if self.reviews:
            self.reviews[-1]["demotions"] += int(rows.size)

    # ------------------------------------------------------------- campaigns

    def _campaign_start(self, c: CampaignState) -> None:
        m = self.model
        p = m.pop
        d = m.day
        spec = c.spec
        seg_names = [s.name for s in m.config.market.segments]
        seg_codes = (
            [seg_names.index(s) for s in spec.segments if s in seg_names] if spec.segments else None
        )
        tier_codes = (
            [self.tier_names.index(t) for t in spec.tiers if t in self.tier_names]
            if spec.tiers
            else None
        )
        if spec.kind == "winback_offer":
            eligible = p.alive & (p.relationship == LAPSED)
        elif spec.kind == "referral_reward":
            eligible = p.alive & (p.relationship == ACTIVE)
        else:
            eligible = p.alive & (p.relationship == ACTIVE)
            if spec.kind == "bonus_points":
                eligible &= p.member
        since = d - p.last_focal_day.astype(np.int32)
        mask = camp.target_mask(
            segment=p.segment,
            segment_codes=seg_codes,
            tier=self._x("tier"),
            tier_codes=tier_codes,
            satisfaction=p.satisfaction,
            max_satisfaction=spec.max_satisfaction,
            min_satisfaction=spec.min_satisfaction,
            days_since_visit=since,
            min_days_since_visit=spec.min_days_since_visit,
            eligible=eligible,
        )
        u = m.streams.get(f"campaign_{spec.name}").random(p.n)
        hit = camp.reached(mask, spec.reach, u)
        c.reached = np.flatnonzero(hit)
        c.holdout = np.flatnonzero(mask & ~hit)
        c.running = True
        contact = spec.cost_per_contact * c.reached.size
        c.cost += contact
        self.flows["cost_campaigns"] = self.flows.get("cost_campaigns", 0.0) + contact
        share = spec.value / np.maximum(self._basket(c.reached), 1e-6)
        if spec.kind == "winback_offer":
            self.winback_share[c.reached] = np.maximum(self.winback_share[c.reached], share)
        elif spec.kind == "retention_offer":
            self.retention_share[c.reached] = np.maximum(self.retention_share[c.reached], share)
            # The offer is used on the first visit; its value is booked then.
        m.events_log.append((d, f"campaign {spec.name} starts"))

    def _campaign_end(self, c: CampaignState) -> None:
        c.running = False
        if c.spec.kind == "winback_offer":
            self.winback_share[c.reached] = 0.0
        elif c.spec.kind == "retention_offer":
            self.retention_share[c.reached] = 0.0
        self.model.events_log.append((self.model.day, f"campaign {c.spec.name} ends"))

    def _campaign_multiplier(self, rows: np.ndarray) -> np.ndarray:
        mult = np.ones(rows.size)
        for c in self.campaigns:
            if c.running and c.spec.kind == "bonus_points" and c.reached.size:
                hit = np.isin(rows, c.reached, assume_unique=False)
                mult[hit] = np.maximum(mult[hit], c.spec.multiplier)
        return mult

    def _campaign_visits(self, rows: np.ndarray, basket: np.ndarray) -> None:
        for c in self.campaigns:
            if not c.running:
                continue
            in_r = np.isin(rows, c.reached)
            in_h = np.isin(rows, c.holdout)
            c.visits_reached += float(in_r.sum())
            c.visits_holdout += float(in_h.sum())
            c.spend_reached += float(basket[in_r].sum())
            c.spend_holdout += float(basket[in_h].sum())
            if c.spec.kind == "retention_offer" and in_r.any():
                users = rows[in_r & (self.retention_share[rows] > 0)]
                cost = c.spec.value * users.size
                c.cost += cost
                self.flows["cost_campaigns"] = self.flows.get("cost_campaigns", 0.0) + cost
                self.retention_share[users] = 0.0

    # -------------------------------------------------------------- reporting

    def day_metrics(self, d: int) -> dict[str, float]:
        """Programme metrics of the day (MODEL.md 7: points, accounting, tiers)."""
        if not self.active:
            # Same metric names with or without a programme, so comparisons line up.
            zero = dict.fromkeys(
                (
                    "points_issued",
                    "points_redeemed",
                    "points_expired",
                    "points_outstanding",
                    "points_liability",
                    "deferred_revenue",
                    "members",
                ),
                0.0,
            )
            return {
                **zero,
                "breakage_rate": float("nan"),
                "programme_cost": self.model._day_flows.get("programme_cost", 0.0) if d else 0.0,
            }
        f = self.flows
        outstanding = float(self._x("points_balance").sum(dtype=np.int64))
        out = {
            "points_issued": f.get("points_issued", 0.0),
            "points_redeemed": f.get("points_redeemed", 0.0),
            "points_expired": f.get("points_expired", 0.0),
            "points_outstanding": outstanding,
            "points_liability": outstanding * self.point_value * (1.0 - self.expected_breakage()),
            "deferred_revenue": self.ledger.contract_liability,
            # Cumulative to date: expired / (redeemed + expired) of the points settled.
            "breakage_rate": pts.breakage_rate(
                self.totals["points_redeemed"], self.totals["points_expired"]
            ),
            "members": float((self.model.pop.member & self.model.pop.alive).sum()),
            "programme_cost": programme_cost(f),
        }
        for k in COST_KEYS:
            out[f"programme_{k}"] = f.get(k, 0.0)
        return out

    def summary(self) -> dict[str, Any]:
        """Programme KPIs for ``summary.json``."""
        t = self.totals
        issued = t.get("points_issued", 0.0)
        redeemed = t.get("points_redeemed", 0.0)
        expired = t.get("points_expired", 0.0)
        cost = programme_cost(t)
        out: dict[str, Any] = {
            "programme_cost": cost,
            "points_issued": int(issued),
            "points_redeemed": int(redeemed),
            "points_expired": int(expired),
            "points_outstanding": 0,
            "breakage_rate": pts.breakage_rate(redeemed, expired),
            "points_liability": 0.0,
            "deferred_revenue": 0.0,
            "programme_roi": None,
        }
        for k in COST_KEYS:
            out[f"programme_{k}"] = t.get(k, 0.0)
        if not self.active:
            return out
        outstanding = int(self._x("points_balance").sum(dtype=np.int64))
        out["points_outstanding"] = outstanding
        out["points_liability"] = outstanding * self.point_value * (1.0 - self.expected_breakage())
        out["deferred_revenue"] = self.ledger.contract_liability
        out["members"] = int((self.model.pop.member & self.model.pop.alive).sum())
        out["promotions"] = int(t["promotions"])
        out["demotions"] = int(t["demotions"])
        out["tier_reviews"] = self.reviews
        out["campaigns"] = [c.report() for c in self.campaigns]
        # Gross ROI: members' margin net of programme cost per unit of cost. It is not
        # incremental; `compare` reports the incremental figure against a baseline.
        margin = t.get("member_revenue", 0.0) * self.model.config.firm.margin_rate
        out["programme_roi"] = (margin - cost) / cost if cost > 0 else None
        if self.tier_labels():
            p = self.model.pop
            counts = np.bincount(
                self._x("tier")[p.member & p.alive], minlength=len(self.tier_names)
            )
            out["members_by_tier"] = {
                n: int(c) for n, c in zip(self.tier_names, counts, strict=True)
            }
        return out
