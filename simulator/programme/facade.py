"""The loyalty programme behind one facade: what the daily stages ask of it.

:class:`Programme` composes the points ledger (:mod:`.points`), the tier ladder
(:mod:`.tiers`), campaigns (:mod:`.campaigns`) and the books (:mod:`.accounting`);
:class:`~simulator.programme.null.NoProgramme` answers the same questions with neutral
values when there is no programme, so the stages never ask "is there a programme?".
Dated parts (reviews, expiry, campaign windows) are calendar actions named
``programme.<hook>``. Everything follows docs/model.md §4.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.config.schema import Programme as ProgrammeSpec
from simulator.engine.state import ACTIVE
from simulator.kernels import points as points_kernel
from simulator.programme import campaigns as camp
from simulator.programme import points as pts
from simulator.programme import reporting, visits
from simulator.programme import tiers as tiers_mod
from simulator.programme.accounting import Accounts
from simulator.programme.campaigns import CampaignState
from simulator.programme.effects import ProgrammeEffects
from simulator.programme.events import ProgrammeEvents
from simulator.programme.rules import ProgrammeRules
from simulator.programme.state import ProgrammeState

if TYPE_CHECKING:
    from simulator.engine.context import DayContext


class Programme(ProgrammeEffects, ProgrammeEvents):
    """A running programme: its rules, its members' state and its books.

    Parameters
    ----------
    ctx
        The model's day context (population, live scenario, streams, calendar).
    spec
        The programme section of the scenario.
    """

    active = True

    def __init__(self, ctx: DayContext, spec: ProgrammeSpec) -> None:
        self.ctx = ctx
        pop = ctx.pop
        self.rules = ProgrammeRules.from_spec(spec)
        shape = np.array([s.spend.p for s in ctx.config.market.segments])
        self._mean_spend = (shape[pop.segment] / pop.spend_scale).astype(np.float32)
        self.accounts = Accounts()
        self.state = ProgrammeState.empty(pop.n, self.rules.n_buckets)
        self.ladder = tiers_mod.TierLadder(self.state)
        self.ladder.status = np.zeros(len(self.rules.tier_names))
        self.campaigns = [CampaignState(c) for c in spec.campaigns]

    # ------------------------------------------------------------ conveniences

    @property
    def spec(self) -> ProgrammeSpec:
        """The programme section of the live scenario."""
        return self.rules.spec

    def tier_labels(self) -> list[str]:
        """Tier names (base first) when the programme has tiers, else []."""
        return self.rules.tier_names if self.rules.has_tiers else []

    def tier_of(self) -> np.ndarray:
        """Every customer's tier level (0 = base)."""
        return self.state.tier

    def columns(self) -> dict[str, np.ndarray]:
        """Per-customer output columns (customers.parquet)."""
        return self.state.columns()

    def expected_breakage(self) -> float:
        """Breakage estimate: observed settled points shrunk toward a prior."""
        return self.accounts.expected_breakage(float(self.rules.thresholds[0]))

    def effective_rate(self) -> float:
        """The base reward rate: earn x point value x (1 - expected breakage)."""
        return self.spec.points_per_unit * self.rules.point_value * (1 - self.expected_breakage())

    def _basket(self, rows: np.ndarray) -> np.ndarray:
        """Typical basket at today's focal price: E[spend] = p_GG / nu (Gamma-Gamma)."""
        return self._mean_spend[rows] * np.float32(self.ctx.focal.price)

    def members(self) -> np.ndarray:
        """Who is a member today (alive members)."""
        p = self.ctx.pop
        return p.member & p.alive

    # ------------------------------------------------------------ opening

    def open(self, day: int) -> None:
        """Enrol every active customer if the programme says so (at the start, or on the
        day a strategy or a scheduled change introduces it)."""
        if not self.spec.enrol_all_at_start:
            return
        p = self.ctx.pop
        members = np.flatnonzero(p.alive & (p.relationship == ACTIVE))
        self._join(day, members)
        if self.tier_labels() and self.spec.tiers.initial_from_expected:
            days = self.spec.tiers.review_every_days
            visits = p.rate[members] * days * self.ctx.config.firm.market_share
            expected = {
                "spend": visits * self._basket(members),
                "points": visits * self._basket(members) * self.spec.points_per_unit,
                "visits": visits,
            }[self.spec.tiers.metric]
            self.ladder.initial(self.rules, members, expected)

    def settle_opening(self) -> None:
        """Day 0 (enrolment at the start, sign-up bonuses): book its flows and close it."""
        self.accounts.close_into_totals()
        self.close_day()

    # ------------------------------------------------------------ the day's hooks

    def begin_day(self, day: int) -> None:
        """Refresh tier status values (Dreze & Nunes: status depends on tier sizes)."""
        if self.tier_labels():
            self.ladder.refresh_status(self.rules, self.members())

    def visit(
        self,
        day: int,
        rows: np.ndarray,
        basket: np.ndarray,
        gross: np.ndarray,
        *,
        compiled: bool = True,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Enrol, redeem, earn and qualify on focal visits (docs/model.md §4.1-4.2);
        ``compiled=False`` runs the members' part in numpy (the reference tests hold the
        compiled pass equal to).

        Returns
        -------
        reward_value, cost, price_cut
            Value of rewards used on each visit, the programme cost of each visit
            (reward cost, tier discount and priority service), and the value of rewards
            that are a discount on the basket, which the customer sees as a lower price.
        """
        zero = np.zeros(rows.size)
        if rows.size == 0:
            return zero, zero.copy(), zero.copy()
        p = self.ctx.pop
        spec = self.spec
        rules = self.rules
        st = self.state
        books = self.accounts
        rng = self.ctx.streams.get("programme", day)
        join = ~p.member[rows] & (rng.random(rows.size) < spec.enrol_probability)
        self._join(day, rows[join])
        mem = np.flatnonzero(p.member[rows])
        r = rows[mem]
        u = rng.random(r.size)
        # Redeem first, on the balance held when walking in, then earn and book tier
        # benefits (docs/model.md §4.1).
        tier = st.tier[r]
        earn_mult = rules.tier_earn[tier] * camp.earn_multiplier(self.campaigns, r)
        member_visits = visits.compiled if compiled else visits.reference
        (
            reward_value,
            cost,
            price_cut,
            used,
            used_cost,
            redeemed,
            paid,
            earned,
            tier_cost,
            short,
        ) = member_visits(rules, st, spec, day, rows, mem, u, basket, gross, earn_mult)
        if short:
            raise ValueError("deduct_fifo: amount exceeds balance (points would go negative)")
        if redeemed.any():
            books.flows["points_redeemed"] += float(used.sum())
            books.flows["cost_rewards_cash"] += float(used_cost[redeemed].sum())
            books.totals["rewards_redeemed"] += int(redeemed.sum())
        books.book("member_revenue", float(basket[mem].sum()))
        self._earn(day, r, earned, paid)
        books.flows["cost_tier_benefits"] += float(tier_cost.sum())
        if self.tier_labels():
            metric = spec.tiers.metric
            q = st.qualifying
            q[r] += {"spend": basket[mem], "points": earned, "visits": 1.0}[metric]
            self.ladder.promote(rules, r)
        for c in camp.visit_effects(self.campaigns, rows, basket, st.retention_share):
            books.book("cost_campaigns", c)
        return reward_value, cost, price_cut

    def on_acquired(self, day: int, rows: np.ndarray) -> None:
        """Customers acquired today (referral rewards are paid on conversion)."""

    def on_referral(self, day: int, referrers: np.ndarray, referred: np.ndarray) -> None:
        """Converted referrals cost the running referral reward, if any."""
        for c in self.campaigns:
            if c.running and c.spec.kind == "referral_reward":
                cost = c.spec.value * referred.size
                c.cost += cost
                self.accounts.flows["cost_referrals"] += cost

    def referral_multiplier(self) -> float:
        """A running referral reward multiplies the referral rate (Kumar et al. 2007)."""
        return camp.referral_multiplier(self.campaigns)

    def winback_offer_share(self, rows: np.ndarray) -> np.ndarray | float:
        """Win-back offer value as a share of the typical basket."""
        return self.state.winback_share[rows]

    def on_winback(self, day: int, rows: np.ndarray) -> None:
        """Won-back customers who had an offer redeem it: its value is a campaign cost."""
        if rows.size == 0:
            return
        for c in self.campaigns:
            if c.running and c.spec.kind == "winback_offer":
                used = np.intersect1d(rows, c.reached, assume_unique=False)
                cost = c.spec.value * used.size
                c.cost += cost
                self.accounts.flows["cost_campaigns"] += cost
        self.state.winback_share[rows] = 0.0

    def end_day(self, day: int) -> float:
        """Running costs and the accounting of the day (docs/model.md §4.4); its cost."""
        members = int(self.members().sum())
        running = self.spec.running_cost_per_day + self.spec.running_cost_per_member_day * members
        kept = 1.0 - self.expected_breakage()
        outstanding = float(self.state.points_balance.sum(dtype=np.int64))
        provision = outstanding * self.rules.point_cost * kept
        return self.accounts.end_day(running, kept, provision)

    def reset_counters(self) -> None:
        """Start the reported window (docs/model.md §10): totals and per-customer
        counters from zero; balances, tiers and the ledgers' balances carry over."""
        st = self.state
        self.accounts.reset_totals(float(st.points_balance.sum(dtype=np.int64)))
        st.points_earned[:] = 0
        st.rewards_redeemed[:] = 0
        self.ladder.reset_counts()
        for c in self.campaigns:
            c.cost = c.visits_reached = c.visits_holdout = 0.0
            c.spend_reached = c.spend_holdout = 0.0

    def close_day(self) -> None:
        """After the day is recorded: start the next day's flows (events before the next
        day's step, such as expiry, book into them)."""
        self.accounts.new_day()

    # ------------------------------------------------ behaviour points (§11.4)

    def award(self, day: int, rows: np.ndarray, points: np.ndarray) -> None:
        """Issue points for a behaviour, not a sale (reviews, shares, referrals...)."""
        if rows.size:
            self._earn(day, rows, points.astype(np.int64), np.zeros(rows.size))

    def claw_back(self, rows: np.ndarray, points: np.ndarray) -> float:
        """Deduct up to ``points`` from each row's balance (a caught cheat): forfeited
        points settle as breakage, like expired ones (IFRS 15). Returns points taken."""
        # ``rows`` are unique: the caller sums a customer's points first.
        take = np.minimum(np.asarray(points, np.int64), self.state.points_balance[rows])
        take = np.maximum(take, 0).astype(np.int64)
        if take.any():
            self._deduct(rows, take)
            self.accounts.book("points_expired", float(take.sum()))
        return float(take.sum())

    def cancel(self, rows: np.ndarray) -> float:
        """Cancel memberships: the balance is forfeited. Returns points forfeited."""
        rows = np.unique(rows)
        taken = self.claw_back(rows, self.state.points_balance[rows].astype(np.int64))
        self.ctx.pop.member[rows] = False
        return taken

    # ------------------------------------------------------------- internals

    def _join(self, day: int, rows: np.ndarray) -> None:
        if rows.size == 0:
            return
        p = self.ctx.pop
        p.member[rows] = True
        self.state.join_day[rows] = day
        if self.spec.signup_bonus:
            bonus = np.full(rows.size, self.spec.signup_bonus, dtype=np.int64)
            self._earn(day, rows, bonus, np.zeros(rows.size))

    def _earn(self, day: int, rows: np.ndarray, earned: np.ndarray, paid: np.ndarray) -> None:
        st = self.state
        bucket = self.rules.current_bucket(day)
        pts.add_points(st.buckets, st.points_balance, st.points_earned, bucket, rows, earned)
        self.accounts.record_issue(
            paid, float(earned.sum()), self.rules.point_value, 1.0 - self.expected_breakage()
        )

    def _deduct(self, rows: np.ndarray, amount: np.ndarray) -> None:
        rules = self.rules
        order = pts.bucket_order(rules.current_bucket(self.ctx.day), rules.n_buckets)
        # Compiled: the reference's loop over bucket columns, every redemption day.
        if points_kernel.deduct_fifo(self.state.buckets, rows, amount.astype(np.int64), order):
            raise ValueError("deduct_fifo: amount exceeds balance (points would go negative)")
        self.state.points_balance[rows] -= amount.astype(np.int32)

    # -------------------------------------------------------------- reporting

    def day_metrics(self, day: int) -> dict[str, float]:
        """Programme metrics of the day (docs/model.md §7: points, accounting, tiers)."""
        return reporting.day_metrics(self)

    def summary(self) -> dict[str, Any]:
        """Programme KPIs for ``summary.json``."""
        return reporting.summary(self)
