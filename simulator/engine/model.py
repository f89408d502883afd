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

from simulator.config import loading as scenario_io
from simulator.config.schema import Scenario
from simulator.engine.customer import CustomerView
from simulator.engine.firms import Competitor, Firm, FocalFirm
from simulator.engine.state import (
    ACTIVE,
    LAPSED,
    NEVER,
    PROSPECT,
    Population,
    competitor_quality,
    create_population,
)
from simulator.engine.streams import Streams
from simulator.errors import ScenarioError
from simulator.kernels import bookkeeping, store_choice, transitions, visit
from simulator.kernels import word_of_mouth as wom_kernels
from simulator.kernels.uniforms import uniforms_at
from simulator.market.desk import ComplaintDesk
from simulator.market.network import (
    build_network,
    neighbour_share_of,
    random_neighbour,
    random_non_flag_neighbour,
)
from simulator.market.offers import MarketOffers
from simulator.mechanisms import acquisition as acq
from simulator.mechanisms import choice, complaints, defection, purchase, satisfaction
from simulator.mechanisms import word_of_mouth as wom
from simulator.metrics.recorder import MetricsRecorder
from simulator.programme.facade import Programme

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
        A validated scenario (see :func:`simulator.config.loading.resolve`).
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
        # Typed placeholders for the kernels' optional inputs ("absent" = empty).
        j = self.pop.n_firms
        self._empty = np.zeros(0, dtype=np.float64)
        self._empty_matrix = np.zeros((0, j), dtype=np.float32)
        self._sc_table_key: tuple[float, ...] | None = None
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

    def _switching_cost_by_tenure(self) -> np.ndarray:
        """Procedural + relational switching cost at each whole tenure, 0 to today.

        Tenure is a whole number of days, so the kernels read the reference function's
        values off this table instead of recomputing ``expm1`` per customer.
        """
        ch = self.config.market.choice
        size = max(self.config.run.days, self.day) + 1
        key = (size, ch.procedural_switching_cost, ch.relational_switching_cost)
        if self._sc_table_key != key:
            self._sc_table = defection.switching_cost(
                np.arange(size, dtype=np.float64),
                procedural=ch.procedural_switching_cost,
                relational_max=ch.relational_switching_cost,
            )
            self._sc_table_key = key
        return self._sc_table

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
        # Two counter-based uniforms per customer-day, drawn only where a rule needs
        # them: the purchase occasion (and store choice), and the transition. Defection
        # (active), win-back (lapsed) and awareness (prospects) act on disjoint
        # customers, so one uniform serves all three transitions.
        self._occasion_key = self.streams.key("occasion", d)
        self._transition_key = self.streams.key("transition", d)
        chosen_rows, chosen = self._occasions_and_choice(d)
        self._visits(d, chosen_rows, chosen)
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
        # Base chances are fixed per customer; only members' goal gradient moves them.
        prob = self._base_occasion
        boosted = self.programme.rate_multiplier()
        if boosted is not None:
            rows_m, mult = boosted
            prob = prob.copy()
            prob[rows_m] = purchase.occasion_probability(p.rate[rows_m], mult)
        rows, uc = store_choice.occasion_rows(
            self._occasion_key, prob, p.alive, p.entry_day, d, not self._no_entry
        )
        if rows.size == 0:
            return rows, np.zeros(0, dtype=np.int8)
        j = p.n_firms
        if self.config.modules.competition:
            # numpy's SIMD exp beats a scalar exp per option in a kernel.
            weights = self._kernel_utility(rows)
            store_choice.consider(
                rows, weights, self.asc, p.aware, p.blocked_until, p.relationship, d
            )
            chosen = store_choice.choose(uc, np.exp(weights, out=weights))
        else:
            chosen = store_choice.focal_or_nowhere(
                rows, p.aware, p.blocked_until, p.relationship, d, j
            )
        store_choice.learn_habit(rows, chosen, p.habit, self.config.market.choice.habit_smoothing)
        return rows, chosen

    def _kernel_utility(self, rows: np.ndarray) -> np.ndarray:
        """The compiled equivalent of :meth:`_firm_utility` (tests hold them equal)."""
        p = self.pop
        ch = self.config.market.choice
        prog = self.programme
        psi = ch.points_value_ratio * prog.reward_sensitivity
        rival = np.array([0.0] + [f.reward_rate for f in self.competitors])
        extra = financial = self._empty
        if prog.active:
            # The programme as a price cut, plus status and rewarded-behaviour bonuses.
            focal_rate = prog.reward_rate(rows)
            extra = _per_row(prog.utility_bonus(rows), rows.size)
            mem = np.flatnonzero(focal_rate)
            beta = p.price_sens[rows[mem]]
            extra[mem] -= beta * np.log1p(-psi[p.segment[rows[mem]]] * focal_rate[mem])
            financial = _per_row(prog.financial_switching_cost(rows), rows.size)
        offers = self.offers
        cut = conquest = self._empty_matrix
        if offers.price_cut is not None:
            cut, conquest = offers.price_cut, offers.conquest
        return store_choice.firm_utilities(
            rows,
            self.day,
            p.price_sens,
            p.quality_weight,
            p.expectation,
            p.habit,
            p.satisfaction,
            p.wom,
            p.last_firm,
            p.active_since,
            self._switching_cost_by_tenure(),
            p.segment,
            np.log([f.price for f in self.firms]),
            rival,
            psi,
            extra,
            financial,
            cut,
            conquest,
            ch.habit_weight,
            ch.satisfaction_weight,
            ch.wom_weight,
            ch.procedural_switching_cost,
        )

    def _visits(self, d: int, rows: np.ndarray, chosen: np.ndarray) -> None:
        p = self.pop
        j = p.n_firms
        grouped, starts = bookkeeping.group_by_option(rows, chosen, j + 1)
        self._focal_purchase(d, grouped[starts[0] : starts[1]])
        for k in range(1, j):
            self._competitor_visit(d, grouped[starts[k] : starts[k + 1]], k)
        buyers = grouped[: starts[j]]
        firms = np.repeat(np.arange(j, dtype=np.int8), np.diff(starts[: j + 1]))
        u = self.streams.uniforms("dropout", d, buyers)
        # After the visits, so a prospect's first focal purchase counts as active.
        active_purchases, lost = bookkeeping.record_purchases(
            buyers, firms, u, p.last_firm, p.purchases, p.relationship, p.dropout, p.alive
        )
        self._day_flows["category_purchases"] += buyers.size
        self._day_flows["category_purchases_active"] += active_purchases
        self._day_flows["left_category"] += lost

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
        s, s_before = visit.focal_experience(
            rows,
            noise,
            failed,
            _per_row(self.programme.quality_uplift(rows), rows.size),
            _per_row(discount, rows.size),
            f.quality,
            f.failure_size,
            f.price,
            p.match,
            p.expectation,
            p.ref_price,
            p.satisfaction,
            sat.quality_disconfirmation,
            sat.price_disconfirmation,
            sat.loss_aversion,
            sat.curvature,
            sat.carryover,
            sat.expectation_learning,
            sat.reference_price_learning,
            c.modules.satisfaction,
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
        visit.book_focal_visits(
            rows,
            basket,
            margin,
            self.discount(d),
            d,
            p.revenue,
            p.value,
            p.focal_visits,
            p.first_focal_day,
            p.last_focal_day,
        )
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
        noise = c.firm.quality_sd * rng.standard_normal(rows.size)
        if c.modules.satisfaction:
            visit.rival_experience(
                rows,
                k,
                self.firms[k].quality,
                noise,
                p.match,
                p.expectation,
                c.market.satisfaction.expectation_learning,
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
        rows = transitions.status_rows(p.alive, p.relationship, ACTIVE, p.active_since, d)
        financial = extra = self._empty
        kappa = dp.switching_cost_weight
        if self.programme.active:
            sc_fin = _per_row(self.programme.financial_switching_cost(rows), rows.size)
            financial = np.exp(-kappa * sc_fin)
        if self.offers.hazard is not None:
            extra = _per_row(self.offers.defection_hazard(rows), rows.size)
        leave = transitions.defection_draws(
            rows,
            self._transition_key,
            d,
            p.satisfaction,
            p.member,
            p.hazard_boost_until,
            p.referred_by,
            p.alive,
            p.relationship,
            p.active_since,
            np.exp(-kappa * self._switching_cost_by_tenure()),
            financial,
            extra,
            dp.member_discount,
            dp.h_min,
            dp.h_max,
            dp.k_s,
            dp.s50,
            c.market.competitive_intensity,
            c.market.complaints.paradox_hazard_multiplier,
            1.0 - c.market.word_of_mouth.referral_churn_reduction,
        )
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
        rows = transitions.status_rows(p.alive, p.relationship, LAPSED, p.lapsed_day, d)
        u = uniforms_at(self._transition_key, rows)
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
        speakers = wom_kernels.speakers(
            p.alive, p.last_focal_day, p.negative_talk_until, d, w.experience_days
        )
        if speakers.size == 0:
            return
        rng = self.streams.get("word_of_mouth", d)
        noise = rng.standard_normal(speakers.size, dtype=np.float32)
        noise *= np.float32(w.ltr_noise)
        valence, ltr = wom_kernels.talk(
            speakers,
            noise,
            self.streams.key("talk", d),
            p.satisfaction,
            p.segment,
            np.array([s.talkativeness for s in c.market.segments]),
            p.last_focal_day,
            p.negative_talk_until,
            d,
            w.experience_days,
            w.promoter_rate,
            w.passive_rate,
            w.passive_positive,
            w.detractor_rate,
            c.market.complaints.negative_talk_rate,
            self.talk_by_class,
        )
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
        prospects = transitions.unaware_prospects(
            p.alive, p.relationship, p.aware[:, 0], p.blocked_until, d
        )
        u = uniforms_at(self._transition_key, prospects)
        social = c.modules.word_of_mouth and self.network is not None and a.q_int > 0
        terms = dict(p_ext=a.p_ext, q_int=a.q_int, advertising=a.advertising)
        # Thinning: with f <= 1 the hazard is at most h_top, so only prospects whose
        # uniform is below its probability can become aware today (a fraction of a per
        # cent), and only theirs needs the share f of recommending neighbours.
        h_top = acq.awareness_hazard(1.0 if social else 0.0, **terms)
        maybe = u < defection.hazard_to_probability(h_top) * (1.0 + 1e-6)
        rows, u = prospects[maybe], u[maybe]
        if social:
            f = neighbour_share_of(self.network, rows, self._recommends)
        else:
            f = np.zeros(rows.size, dtype=np.float32)
        aware = u < defection.hazard_to_probability(acq.awareness_hazard(f, **terms))
        new = rows[aware]
        p.aware[new, 0] = True
        by_adv = u[aware] < defection.hazard_to_probability(a.p_ext * a.advertising / 365.0)
        self.acq_source[new] = np.where(by_adv, SOURCE_ADVERTISING, SOURCE_WOM)

    def _recommends(self, rows: np.ndarray) -> np.ndarray:
        """Active focal customers likely to recommend (expected LTR >= 7): the f of
        the awareness hazard counts them among a prospect's neighbours (MODEL.md 3.7)."""
        p = self.pop
        ok = p.alive[rows] & (p.relationship[rows] == ACTIVE)
        if self.config.modules.satisfaction:
            ok &= p.satisfaction[rows] >= 6.5
        return ok

    # ------------------------------------------------------------ bookkeeping

    def discount(self, d: int) -> float:
        """Discount factor of money on day ``d``."""
        return float((1.0 + self.config.run.discount_rate) ** (-d / 365.0))

    def record_day(self, d: int) -> None:
        """Daily metrics (MODEL.md 7): totals, then breakdowns by segment and tier."""
        from simulator.metrics.daily import record  # local: keeps model.py about the step

        record(self, d)

    def transactions(self):
        """The transaction log as a DataFrame (customer_id, day, date, firm, spend)."""
        from simulator.io.output import transactions_frame

        return transactions_frame(self)


def _per_row(value: np.ndarray | float, size: int) -> np.ndarray:
    """A per-row float64 array from a mechanism's answer (a scalar when uniform)."""
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (size,)).copy()
