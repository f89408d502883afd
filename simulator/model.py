"""The Mesa model: population arrays + one daily step calling pure mechanisms.

``model.time`` (days) is the one clock. Day ``d`` is simulated by the Mesa step that
runs at ``time == d``; scheduled changes for day ``d`` are events at ``d - 0.5`` so that
they always run before that day's customers (MODEL.md 3: "the scenario's event schedule
runs first"). The SimPy complaint desk is advanced to ``model.time`` at the end of each
day, never the reverse.
"""

from __future__ import annotations

import math
from typing import Any

import mesa
import numpy as np

from . import scenario as scenario_io
from .customer import CustomerView
from .desk import ComplaintDesk
from .errors import ScenarioError
from .firms import Competitor, Firm, FocalFirm
from .market import MarketOffers
from .mechanisms import acquisition as acq
from .mechanisms import choice, complaints, defection, purchase, satisfaction
from .mechanisms import word_of_mouth as wom
from .metrics import MetricsRecorder
from .network import (
    NeighbourCounter,
    build_network,
    random_neighbour,
    random_non_flag_neighbour,
)
from .population import (
    ACTIVE,
    LAPSED,
    NEVER,
    PROSPECT,
    Population,
    competitor_quality,
    create_population,
)
from .programme import Programme
from .schema import Scenario
from .streams import Streams

# Acquisition sources, stored per customer until the first focal purchase.
SOURCE_NONE, SOURCE_ADVERTISING, SOURCE_WOM, SOURCE_REFERRAL, SOURCE_WINBACK = 0, 1, 2, 3, 4
SOURCE_NAMES = {1: "advertising", 2: "wom", 3: "referral"}


class _ScheduledChange:
    """Holds one scheduled change alive: Mesa keeps event callbacks only weakly."""

    def __init__(self, model: LoyaltyModel, day: int, changes: dict[str, Any], label: str) -> None:
        self.model, self.day, self.changes, self.label = model, day, changes, label

    def fire(self) -> None:
        self.model.apply_changes(self.changes, label=self.label)


class LoyaltyModel(mesa.Model):
    """Agent-based loyalty-strategy model (MODEL.md).

    Parameters
    ----------
    config
        A validated scenario (see :func:`simulator.scenario.resolve`).
    seed
        Run seed; defaults to ``config.run.seed``. Seeds Mesa's ``rng`` and every
        named substream.
    record_transactions
        Keep every purchase (customer, day, firm, spend) for CLV libraries.
    """

    def __init__(
        self, config: Scenario, *, seed: int | None = None, record_transactions: bool = False
    ) -> None:
        seed = int(config.run.seed if seed is None else seed)
        super().__init__(rng=seed)
        self.seed = seed
        self.config = config
        self.streams = Streams(seed)
        self.pop: Population = create_population(config, self.streams)
        self.metrics = MetricsRecorder()
        self.record_transactions = record_transactions
        self._tx: list[tuple[np.ndarray, ...]] = []
        self.acq_source = np.zeros(self.pop.n, dtype=np.int8)
        self.events_log: list[tuple[int, str]] = []
        self.totals: dict[str, float] = {
            k: 0.0
            for k in (
                "acquired",
                "defected",
                "left_category",
                "won_back",
                "revenue",
                "gross_margin",
                "programme_cost",
                "acquisition_cost",
                "service_cost",
                "wom_positive",
                "wom_negative",
                "referrals_made",
                "referrals_converted",
                "complaints",
                "complaints_resolved",
                "complaints_closed",
                "acquired_by_advertising",
                "acquired_by_wom",
                "acquired_by_referral",
                "focal_visits",
                "category_purchases_active",
            )
        }
        # Recovered first failures: (day, customers, S before the failure), for analysis.
        self.recoveries: list[tuple[int, np.ndarray, np.ndarray]] = []
        self._waits: list[np.ndarray] = []
        self.talk_by_class = np.zeros(
            (3, 2)
        )  # rows: detractor, passive, promoter; talked, head-days

        self._build_firms()
        self._build_network()
        self.programme = Programme(self)
        self.offers = MarketOffers(self)
        self.desk = ComplaintDesk(
            staff=config.firm.desk.staff,
            mean_service_days=config.firm.desk.mean_service_days,
            service_level_days=config.firm.desk.service_level_days,
            base_success=config.market.complaints.base_success,
            start_time=0.0,
        )
        self._calibrate_constants()
        self._changes = [
            _ScheduledChange(self, c.day, dict(c.set), c.label or ", ".join(c.set))
            for c in config.schedule
        ]
        for ch in self._changes:
            self.schedule_event(ch.fire, at=max(ch.day, 1) - 0.5)
        self.programme.schedule()
        self.offers.schedule()
        self._no_entry = not self.pop.entry_day.any()
        self._base_occasion = purchase.occasion_probability(self.pop.rate).astype(np.float32)
        # The retention cohort: active customers at the start, or at their entry for
        # customers who enter the market later (CDNOW-style acquisition cohorts).
        self.cohort_start = self.pop.relationship == ACTIVE
        self.record_day(0)
        self.programme.settle_opening()

    # ------------------------------------------------------------------ set-up

    def _build_firms(self) -> None:
        c = self.config
        f = c.firm
        self.focal = FocalFirm(
            self,
            index=0,
            name=f.name,
            price=f.price,
            quality=f.quality,
            failure_rate=f.failure_rate,
            failure_size=f.failure_size,
        )
        self.competitors = [
            Competitor(
                self,
                index=k,
                name=comp.name,
                price=comp.price,
                quality=competitor_quality(comp, f.quality),
                reward_rate=comp.reward_rate,
            )
            for k, comp in enumerate(c.market.competitors, start=1)
        ]
        self.firms: list[Firm] = [self.focal, *self.competitors]

    def _build_network(self) -> None:
        m = self.config.modules
        self.network = None
        self._recommenders: NeighbourCounter | None = None
        if m.word_of_mouth or m.acquisition:
            net = self.config.market.network
            try:
                self.network = build_network(
                    net.kind,
                    self.pop.n,
                    self.streams.get("network"),
                    k=net.k,
                    rewire=net.rewire,
                    m=net.m,
                    edgelist_path=net.edgelist,
                )
            except ValueError as exc:
                raise ScenarioError(str(exc), path="market -> network") from None

    def _calibrate_constants(self) -> None:
        """Alternative-specific constants that reproduce the scenario's baseline shares."""
        c = self.config
        j = self.pop.n_firms
        if j == 1:
            # One firm: its constant sets the skip share alone.
            self.asc = np.zeros(1)
        rng = self.streams.get("calibration")
        size = min(self.pop.n, 5000)
        rows = rng.choice(self.pop.n, size=size, replace=False)
        # A representative customer who knows every firm and has no history yet.
        base = self._firm_utility(rows, with_state=False)
        targets = np.array([c.firm.market_share] + [k.market_share for k in c.market.competitors])
        if j == 1:
            targets = np.array([1.0])
        self.asc = choice.calibrate_constants(
            base, np.ones_like(base, dtype=bool), targets, c.market.choice.skip_share
        )

    # --------------------------------------------------------------- utilities

    def _firm_utility(self, rows: np.ndarray, *, with_state: bool = True) -> np.ndarray:
        """(len(rows), J) utilities of the firms, without constants (MODEL.md 3.2)."""
        p = self.pop
        ch = self.config.market.choice
        beta_p = p.price_sens[rows]
        # The price term ln(price (1 - offer) (1 - psi reward_rate)) splits into a
        # firm-level ln(price) and corrections that are zero for most customers.
        log_price = np.log([f.price for f in self.firms]).astype(np.float32)
        u = p.quality_weight[rows, None] * p.expectation[rows]
        u -= beta_p[:, None] * log_price[None, :]
        u += np.float32(ch.habit_weight) * p.habit[rows]
        psi = ch.points_value_ratio * self.programme.reward_sensitivity[p.segment[rows]]
        rival_rates = np.array([f.reward_rate for f in self.competitors])
        if rival_rates.any():
            u[:, 1:] -= beta_p[:, None] * np.log1p(-psi[:, None] * rival_rates[None, :])
        focal_rate = self.programme.reward_rate(rows)
        mem = np.flatnonzero(focal_rate)
        if mem.size:
            u[mem, 0] -= beta_p[mem] * np.log1p(-psi[mem] * focal_rate[mem])
        u[:, 0] += ch.satisfaction_weight * (p.satisfaction[rows] - 7.0)
        if not with_state:
            return u
        cut, conquest = self.offers.offer_terms(rows)
        if not np.isscalar(cut):
            u -= beta_p[:, None] * np.log1p(-cut)
            u += conquest
        u[:, 0] += ch.wom_weight * p.wom[rows]
        u[:, 0] += self.programme.utility_bonus(rows)
        last = p.last_firm[rows]
        has = np.flatnonzero(last >= 0)
        sc = np.full(len(has), ch.procedural_switching_cost, dtype=np.float32)
        focal_last = last[has] == 0
        sc[focal_last] = self.switching_cost(rows[has][focal_last])
        u[has, last[has]] += sc
        return u

    def switching_cost(self, rows: np.ndarray) -> np.ndarray:
        """Procedural + financial + relational switching cost of the focal firm."""
        ch = self.config.market.choice
        since = self.pop.active_since[rows]
        tenure = np.where(since == NEVER, 0, self.day - since.astype(np.float32))
        return defection.switching_cost(
            tenure,
            self.programme.financial_switching_cost(rows),
            procedural=ch.procedural_switching_cost,
            relational_max=ch.relational_switching_cost,
        )

    # -------------------------------------------------------------- public API

    @property
    def day(self) -> int:
        """The day being simulated: ``model.time`` during the step; for an event at
        ``d - 0.5`` (before day ``d``'s customers), ``d``."""
        return math.ceil(self.time)

    def customer(self, row: int) -> CustomerView:
        """A Mesa ``Agent`` view onto customer ``row``."""
        return CustomerView(self, row)

    def apply_changes(self, changes: dict[str, Any], *, label: str = "") -> None:
        """Apply dotted-path changes to the live scenario (a scheduled event or a user)."""
        tree = self.config.model_dump(mode="python")
        tree = scenario_io.apply_overrides(tree, changes, roots=("firm", "market", "modules"))
        self.config = scenario_io.validate(tree)
        self._refresh()
        self.events_log.append((self.day, label or ", ".join(changes)))

    def _refresh(self) -> None:
        f = self.config.firm
        self.focal.price, self.focal.quality = f.price, f.quality
        self.focal.failure_rate, self.focal.failure_size = f.failure_rate, f.failure_size
        for comp, spec in zip(self.competitors, self.config.market.competitors, strict=True):
            comp.price = spec.price
            comp.quality = competitor_quality(spec, f.quality)
            comp.reward_rate = spec.reward_rate
        self.desk.set_staff(f.desk.staff)
        if self.programme.active and f.programme is not None:
            # Programme levers (enrolment, earn rate, rewards...) can change on a date;
            # its structure (buckets, tiers) is fixed at the start.
            self.programme.spec = f.programme
        self.desk.mean_service = f.desk.mean_service_days
        self.desk.service_level = f.desk.service_level_days

    # --------------------------------------------------------------- the day

    def step(self) -> None:
        """Simulate one day in the order of MODEL.md section 3."""
        d = self.day
        self._day_flows: dict[str, float] = dict.fromkeys(
            (
                "acquired",
                "defected",
                "left_category",
                "won_back",
                "revenue",
                "gross_margin",
                "programme_cost",
                "wom_positive",
                "wom_negative",
                "focal_visits",
                "complaints",
                "acquisition_cost",
                "service_cost",
                "category_purchases_active",
                "wait_sum",
                "closed",
                "resolved",
                "category_purchases",
                "waited",
            ),
            0.0,
        )
        self.programme.begin_day(d)
        self.offers.react(d)
        self._enter(d)
        chosen_rows, chosen = self._occasions_and_choice(d)
        self._visits(d, chosen_rows, chosen)
        # Defection (active), win-back (lapsed) and awareness (prospects) act on disjoint
        # customers, so one uniform per customer-day serves all three transitions.
        self._transition = self.streams.get("transition", d).random(self.pop.n, dtype=np.float32)
        self._defection(d)
        self._winback(d)
        self._word_of_mouth(d)
        self._acquisition(d)
        self._desk(d)
        self.programme.end_day(d)
        self.record_day(d)
        self.programme.close_day()
        for k, v in self._day_flows.items():
            self.totals[k] = self.totals.get(k, 0.0) + v

    def _enter(self, d: int) -> None:
        """Customers entering the market today make their trial purchase (CDNOW cohorts)."""
        p = self.pop
        if not p.entry_day.any():
            return
        rows = np.flatnonzero(p.entry_day == d)
        if rows.size == 0:
            return
        p.alive[rows] = True
        trial = rows[p.relationship[rows] == ACTIVE]
        p.aware[trial, 0] = True
        p.active_since[trial] = d
        p.ever_customer[trial] = True
        self._focal_purchase(d, trial, trial_purchase=True)
        p.purchases[trial] = 1
        p.last_firm[trial] = 0

    def _occasions_and_choice(self, d: int) -> tuple[np.ndarray, np.ndarray]:
        p = self.pop
        mod = self.config.modules
        u = self.streams.get("purchase", d).random(p.n, dtype=np.float32)
        eligible = p.alive if self._no_entry else p.alive & (p.entry_day < d)
        # Base chances are fixed per customer; only members' goal gradient moves them.
        prob = self._base_occasion
        boosted = self.programme.rate_multiplier()
        if boosted is not None:
            rows_m, mult = boosted
            prob = prob.copy()
            prob[rows_m] = purchase.occasion_probability(p.rate[rows_m], mult)
        rows = np.flatnonzero(eligible & (u < prob))
        if rows.size == 0:
            return rows, np.zeros(0, dtype=np.int8)
        j = p.n_firms
        considered = np.empty((rows.size, j + 1), dtype=bool)
        considered[:, :j] = p.aware[rows]
        considered[:, j] = True
        blocked = p.blocked_until[rows] >= d
        considered[:, 0] &= ~blocked & (p.relationship[rows] != LAPSED)
        # Given an occasion (u < prob), u / prob is again uniform on [0, 1): it picks the
        # store, so one draw per customer-day serves both (and keeps luck aligned).
        uc = np.minimum(u[rows] / prob[rows], np.float32(1 - 1e-7))
        if not mod.competition:
            # BG/NBD nested inside: every occasion of a focal customer is a focal purchase.
            chosen = np.where(considered[:, 0], 0, j).astype(np.int8)
        else:
            util = self._firm_utility(rows) + self.asc[None, :].astype(np.float32)
            chosen = choice.choose(util, considered[:, :j], uc)
        p.habit[rows] = choice.update_habit(
            p.habit[rows], chosen, self.config.market.choice.habit_smoothing
        )
        return rows, chosen

    def _visits(self, d: int, rows: np.ndarray, chosen: np.ndarray) -> None:
        p = self.pop
        j = p.n_firms
        bought = chosen < j
        buyers = rows[bought]
        focal = rows[chosen == 0]
        self._focal_purchase(d, focal)
        self._day_flows["category_purchases"] += buyers.size
        # Counted after the visit, so a prospect's first focal purchase counts as active.
        self._day_flows["category_purchases_active"] += int(
            (p.relationship[buyers] == ACTIVE).sum()
        )
        for k in range(1, j):
            self._competitor_visit(d, rows[chosen == k], k)
        p.last_firm[buyers] = chosen[bought]
        # BG/NBD: after each repeat purchase (any firm) the customer may leave the category.
        repeat = buyers[p.purchases[buyers] >= 1]
        p.purchases[buyers] += 1
        u = self.streams.get("dropout", d).random(repeat.size)
        leave = repeat[u < p.dropout[repeat]]
        if leave.size:
            lost = leave[p.relationship[leave] == ACTIVE]
            self._day_flows["left_category"] += lost.size
            p.alive[leave] = False

    def _focal_purchase(self, d: int, rows: np.ndarray, *, trial_purchase: bool = False) -> None:
        """A visit to the focal firm (MODEL.md 3.3)."""
        if rows.size == 0:
            return
        p = self.pop
        c = self.config
        sat = c.market.satisfaction
        f = self.focal
        rng = self.streams.get("visit", d)
        segs = c.market.segments
        shape = np.array([s.spend.p for s in segs])[p.segment[rows]]
        basket = rng.gamma(shape, 1.0 / p.spend_scale[rows]) * f.price
        discount = self.programme.discount(rows)
        gross = basket * (1.0 - discount)
        # Rewards redeemed on this visit pay for part of it; revenue is booked at list
        # price and discounts and rewards are programme costs (no double counting).
        reward_value, prog_cost = self.programme.visit(d, rows, basket, gross)

        failed = rng.random(rows.size) < f.failure_rate
        noise = c.firm.quality_sd * rng.standard_normal(rows.size)
        q = satisfaction.experienced_quality(
            f.quality,
            p.match[rows, 0],
            self.programme.quality_uplift(rows),
            noise,
            failed,
            f.failure_size,
        )
        eff_price = f.price * (1.0 - discount)
        s = satisfaction.transaction_satisfaction(
            q,
            p.expectation[rows, 0],
            p.ref_price[rows],
            eff_price,
            b_quality=sat.quality_disconfirmation,
            b_price=sat.price_disconfirmation,
            loss_aversion=sat.loss_aversion,
            curvature=sat.curvature,
        )
        s_before = p.satisfaction[rows].copy()
        if c.modules.satisfaction:
            p.satisfaction[rows] = satisfaction.smooth(s_before, s, sat.carryover)
            p.expectation[rows, 0] = np.clip(
                satisfaction.smooth(p.expectation[rows, 0], q, sat.expectation_learning), 0, 10
            )
            p.ref_price[rows] = satisfaction.smooth(
                p.ref_price[rows], eff_price, sat.reference_price_learning
            )
        if c.modules.complaints:
            self._complaints(d, rows, s, s_before, failed, rng)
        p.last_failure_day[rows[failed]] = d

        # Acquisition: a prospect's first focal purchase makes it an active customer.
        new = rows[p.relationship[rows] != ACTIVE] if not trial_purchase else rows
        new = new[p.relationship[new] == PROSPECT] if not trial_purchase else new
        if new.size:
            p.relationship[new] = ACTIVE
            p.active_since[new] = d
            p.acquired_day[new] = d
            p.ever_customer[new] = True
            if not trial_purchase:
                cost = c.firm.acquisition_cost
                p.value[new] -= cost * self.discount(d)
                self._day_flows["acquisition_cost"] += cost * new.size
                self._day_flows["acquired"] += new.size
                src = self.acq_source[new]
                for code, name in SOURCE_NAMES.items():
                    self.totals[f"acquired_by_{name}"] += int((src == code).sum())
                self.programme.on_acquired(d, new)
        margin = basket * c.firm.margin_rate - prog_cost
        p.revenue[rows] += basket.astype(np.float32)
        p.value[rows] += margin * self.discount(d)
        p.focal_visits[rows] += 1
        first = p.first_focal_day[rows] == NEVER
        p.first_focal_day[rows[first]] = d
        p.last_focal_day[rows] = d
        revenue = float(basket.sum())
        self._day_flows["revenue"] += revenue
        self._day_flows["gross_margin"] += revenue * c.firm.margin_rate
        self._day_flows["focal_visits"] += rows.size
        if self.record_transactions:
            self._tx.append(
                (
                    rows.astype(np.int64),
                    np.full(rows.size, d, np.int32),
                    np.zeros(rows.size, np.int8),
                    basket.astype(np.float64),
                )
            )

    def _competitor_visit(self, d: int, rows: np.ndarray, k: int) -> None:
        if rows.size == 0:
            return
        p = self.pop
        c = self.config
        rng = self.streams.get(f"competitor_visit_{k}", d)
        q = (
            self.firms[k].quality
            + p.match[rows, k]
            + c.firm.quality_sd * rng.standard_normal(rows.size)
        )
        if c.modules.satisfaction:
            eta = c.market.satisfaction.expectation_learning
            p.expectation[rows, k] = np.clip(
                satisfaction.smooth(p.expectation[rows, k], q, eta), 0, 10
            )
        if self.record_transactions:
            shape = np.array([s.spend.p for s in c.market.segments])[p.segment[rows]]
            spend = rng.gamma(shape, 1.0 / p.spend_scale[rows]) * self.firms[k].price
            self._tx.append(
                (
                    rows.astype(np.int64),
                    np.full(rows.size, d, np.int32),
                    np.full(rows.size, k, np.int8),
                    spend,
                )
            )

    def _complaints(
        self,
        d: int,
        rows: np.ndarray,
        s: np.ndarray,
        s_before: np.ndarray,
        failed: np.ndarray,
        rng: np.random.Generator,
    ) -> None:
        p = self.pop
        cp = self.config.market.complaints
        prob = complaints.complaint_probability(
            s,
            failed,
            threshold=cp.threshold,
            rate=cp.rate,
            rate_after_failure=cp.rate_after_failure,
        )
        complain = rng.random(rows.size) < prob
        if not complain.any():
            return
        who = rows[complain]
        first_failure = failed[complain] & (
            (d - p.last_failure_day[who].astype(np.int32)) > cp.memory_days
        )
        p.complaint_s[who] = s[complain]
        p.complaint_s_before[who] = s_before[complain]
        p.complaint_first[who] = first_failure
        p.complaints[who] += 1
        arrivals = (d - 1) + np.sort(rng.random(who.size))
        self.desk.submit(who, arrivals, self.streams.get("desk_service", d))
        self._day_flows["complaints"] += who.size

    def _desk(self, d: int) -> None:
        """Advance the SimPy desk to the model's clock and apply the outcomes."""
        res = self.desk.advance(float(d), self.streams.get("desk_resolution", d))
        self._day_flows["service_cost"] += (
            self.desk.staff * self.config.firm.desk.cost_per_handler_day
        )
        waits = self.desk.drain_waits()
        if waits.size:
            self._waits.append(waits.astype(np.float32))
            self._day_flows["wait_sum"] = float(waits.sum())
            self._day_flows["waited"] = float(waits.size)
        if res.customer.size == 0:
            return
        p = self.pop
        cp = self.config.market.complaints
        sat = self.config.market.satisfaction
        self._day_flows["closed"] = float(res.customer.size)
        self._day_flows["resolved"] = float(res.resolved.sum())
        self.totals["complaints_closed"] += res.customer.size
        self.totals["complaints_resolved"] += int(res.resolved.sum())
        ok = res.customer[res.resolved]
        paradox = ok[p.complaint_first[ok]]
        if paradox.size and self.config.modules.satisfaction:
            p.satisfaction[paradox] = complaints.recovered_satisfaction(
                p.satisfaction[paradox],
                p.complaint_s[paradox],
                p.complaint_s_before[paradox],
                omega=sat.carryover,
                lift=cp.paradox_lift,
            )
        # The paradox raises satisfaction, not repurchase (de Matos et al. 2007).
        p.hazard_boost_until[paradox] = d + cp.paradox_days
        if paradox.size:
            self.recoveries.append((d, paradox.copy(), p.complaint_s_before[paradox].copy()))
        bad = res.customer[~res.resolved]
        if bad.size:
            if self.config.modules.satisfaction:
                p.satisfaction[bad] = np.maximum(p.satisfaction[bad] - cp.double_deviation, 0.0)
            p.negative_talk_until[bad] = d + cp.negative_talk_days

    def _defection(self, d: int) -> None:
        p = self.pop
        c = self.config
        if not c.modules.defection:
            return
        dp = c.market.defection
        rows = np.flatnonzero(p.alive & (p.relationship == ACTIVE) & (p.active_since < d))
        u = self._transition[rows]
        s_perc = defection.perceived_satisfaction(
            p.satisfaction[rows], p.member[rows], dp.member_discount
        )
        mult = np.where(
            p.hazard_boost_until[rows] >= d, c.market.complaints.paradox_hazard_multiplier, 1.0
        )
        ref = p.referred_by[rows]
        ref_active = np.zeros(rows.size, dtype=bool)
        has = ref >= 0
        ref_active[has] = p.alive[ref[has]] & (p.relationship[ref[has]] == ACTIVE)
        ref_factor = np.where(
            ref_active, 1.0 - c.market.word_of_mouth.referral_churn_reduction, 1.0
        )
        h = defection.defection_hazard(
            s_perc,
            self.switching_cost(rows),
            h_min=dp.h_min,
            h_max=dp.h_max,
            k_s=dp.k_s,
            s50=dp.s50,
            intensity=c.market.competitive_intensity,
            kappa=dp.switching_cost_weight,
            multiplier=mult,
            referral_factor=ref_factor,
            extra=self.offers.defection_hazard(rows),
        )
        leave = rows[u < defection.hazard_to_probability(h)]
        p.relationship[leave] = LAPSED
        p.aware[leave, 0] = False
        p.lapsed_day[leave] = d
        self._day_flows["defected"] += leave.size

    def _winback(self, d: int) -> None:
        p = self.pop
        c = self.config
        if not c.modules.winback:
            return
        dp = c.market.defection
        rows = np.flatnonzero(p.alive & (p.relationship == LAPSED) & (p.lapsed_day < d))
        u = self._transition[rows]
        h = defection.winback_hazard(
            p.satisfaction[rows],
            self.programme.winback_offer_share(rows),
            base=dp.winback_hazard,
            weight=dp.winback_offer_weight,
            min_satisfaction=dp.winback_min_satisfaction,
        )
        back = rows[u < defection.hazard_to_probability(h)]
        p.relationship[back] = ACTIVE
        p.aware[back, 0] = True
        p.active_since[back] = d
        self._day_flows["won_back"] += back.size
        self.programme.on_winback(d, back)

    def _word_of_mouth(self, d: int) -> None:
        p = self.pop
        c = self.config
        if not c.modules.word_of_mouth or self.network is None:
            return
        w = c.market.word_of_mouth
        p.wom *= np.float32(wom.decay_factor(w.wom_half_life))
        rng = self.streams.get("word_of_mouth", d)
        recent = p.last_focal_day >= d - w.experience_days  # int16 compare: no casts
        angry = p.negative_talk_until >= d
        speakers = np.flatnonzero(p.alive & (recent | angry))
        if speakers.size == 0:
            return
        ltr = wom.likelihood_to_recommend(
            p.satisfaction[speakers], w.ltr_noise * rng.standard_normal(speakers.size)
        )
        talkative = np.array([s.talkativeness for s in c.market.segments])[p.segment[speakers]]
        valence = wom.talk(
            ltr,
            rng.random(speakers.size),
            rng.random(speakers.size),
            promoter_rate=w.promoter_rate,
            passive_rate=w.passive_rate,
            passive_positive=w.passive_positive,
            detractor_rate=w.detractor_rate,
            talkativeness=talkative,
        )
        # A failed recovery makes customers talk negatively on top of their usual talk.
        extra_neg = angry[speakers] & (
            rng.random(speakers.size) < c.market.complaints.negative_talk_rate
        )
        valence = np.where(extra_neg & (valence == 0), -1, valence).astype(np.int8)
        # Talk per head by NPS class (detractor, passive, promoter), for fact 6.
        cls = np.where(ltr >= 9, 2, np.where(ltr <= 6, 0, 1))[recent[speakers]]
        spoke = valence[recent[speakers]] != 0
        self.talk_by_class[:, 1] += np.bincount(cls, minlength=3)
        self.talk_by_class[:, 0] += np.bincount(cls[spoke], minlength=3)

        talkers = np.flatnonzero(valence != 0)
        self._spread(d, speakers[talkers], valence[talkers], rng)
        self._referrals(d, speakers[ltr >= 9], rng)

    def _spread(
        self, d: int, speakers: np.ndarray, valence: np.ndarray, rng: np.random.Generator
    ) -> None:
        p = self.pop
        w = self.config.market.word_of_mouth
        listeners, strong = random_neighbour(self.network, speakers, rng)
        ok = listeners >= 0
        speakers, valence, listeners, strong = speakers[ok], valence[ok], listeners[ok], strong[ok]
        pos = valence > 0
        self._day_flows["wom_positive"] += int(pos.sum())
        self._day_flows["wom_negative"] += int((~pos).sum())
        u = rng.random(listeners.size)
        prospect = (p.relationship[listeners] == PROSPECT) & p.alive[listeners]
        unaware = prospect & ~p.aware[listeners, 0]
        # Good news: a prospect may adopt (Goldenberg, Libai & Muller 2001).
        adopt_p = np.where(strong, w.adopt_strong, w.adopt_weak)
        adopt = unaware & pos & (u < adopt_p) & (p.blocked_until[listeners] < d)
        new = listeners[adopt]
        p.aware[new, 0] = True
        self.acq_source[new] = np.where(self.acq_source[new] == 0, SOURCE_WOM, self.acq_source[new])
        hear = listeners[prospect & pos]
        eta = self.config.market.satisfaction.expectation_learning
        p.expectation[hear, 0] = satisfaction.smooth(
            p.expectation[hear, 0], p.satisfaction[speakers[prospect & pos]], eta
        )
        block = unaware & ~pos & (u < w.block_probability)
        p.blocked_until[listeners[block]] = d + w.block_days
        # Customers hearing word-of-mouth shift expectations and heard valence W.
        cust = ~prospect
        shift = np.where(pos, w.expectation_shift, -w.expectation_shift * w.negativity_weight)
        np.add.at(p.expectation[:, 0], listeners[cust], shift[cust].astype(np.float32))
        np.add.at(p.wom, listeners[cust], np.where(pos[cust], 1.0, -1.0).astype(np.float32))
        np.clip(p.expectation[:, 0], 0, 10, out=p.expectation[:, 0]) if cust.any() else None

    def _referrals(self, d: int, promoters: np.ndarray, rng: np.random.Generator) -> None:
        """Promoters refer a non-customer neighbour (Kumar, Petersen & Leone 2007)."""
        p = self.pop
        w = self.config.market.word_of_mouth
        rate = w.referral_rate * self.programme.referral_multiplier() / 365.0
        refer = promoters[rng.random(promoters.size) < rate]
        if refer.size == 0:
            return
        # The referred is a non-customer neighbour: a prospect not yet aware of the firm.
        eligible = (p.relationship == PROSPECT) & p.alive & ~p.aware[:, 0]
        listeners = random_non_flag_neighbour(self.network, refer, eligible, rng)
        ok = listeners >= 0
        refer, listeners = refer[ok], listeners[ok]
        self.totals["referrals_made"] += refer.size
        conv = rng.random(refer.size) < w.referral_conversion
        refer, listeners = refer[conv], listeners[conv]
        # A listener referred twice the same day keeps the first referrer.
        listeners, first = np.unique(listeners, return_index=True)
        refer = refer[first]
        p.aware[listeners, 0] = True
        p.referred_by[listeners] = refer
        self.acq_source[listeners] = SOURCE_REFERRAL
        self.totals["referrals_converted"] += listeners.size
        self.programme.on_referral(d, refer, listeners)

    def _acquisition(self, d: int) -> None:
        p = self.pop
        c = self.config
        if not c.modules.acquisition:
            return
        a = c.market.acquisition
        prospects = np.flatnonzero(
            p.alive & (p.relationship == PROSPECT) & ~p.aware[:, 0] & (p.blocked_until < d)
        )
        u = self._transition[prospects]
        h_adv = np.full(prospects.size, a.p_ext * a.advertising / 365.0)
        if c.modules.word_of_mouth and self.network is not None and a.q_int > 0:
            recommender = p.alive & (p.relationship == ACTIVE)
            if c.modules.satisfaction:
                recommender &= p.satisfaction >= 6.5  # expected LTR >= 7
            if self._recommenders is None:
                self._recommenders = NeighbourCounter(self.network, recommender)
            else:
                self._recommenders.update(recommender)
            f = self._recommenders.share(prospects)
        else:
            f = np.zeros(prospects.size)
        h = acq.awareness_hazard(f, p_ext=a.p_ext, q_int=a.q_int, advertising=a.advertising)
        aware = u < defection.hazard_to_probability(h)
        new = prospects[aware]
        p.aware[new, 0] = True
        by_adv = u[aware] < defection.hazard_to_probability(h_adv[aware])
        self.acq_source[new] = np.where(by_adv, SOURCE_ADVERTISING, SOURCE_WOM)

    # ------------------------------------------------------------ bookkeeping

    def discount(self, d: int) -> float:
        """Discount factor of money on day ``d``."""
        return float((1.0 + self.config.run.discount_rate) ** (-d / 365.0))

    def record_day(self, d: int) -> None:
        """Daily metrics (MODEL.md 7): totals, then breakdowns by segment and tier."""
        from .metrics_day import record  # local: keeps model.py about the step

        record(self, d)

    def transactions(self):
        """The transaction log as a DataFrame (customer_id, day, date, firm, spend)."""
        from .output import transactions_frame

        return transactions_frame(self)
