"""The yardstick: loyalty-sim's core rules written one ``mesa.Agent`` per customer.

This is how Mesa models are usually written: every customer is a Python object holding
its own state as floats and lists, and the model's step activates them one by one with
``self.agents.shuffle_do("step")``. It exists only to be timed against the vectorised
:class:`simulator.engine.model.LoyaltyModel` (issue 6, target 2, in ``bench_vs_agents.py``);
nothing in the package uses it.

Only the core rules of docs/model.md §3.1-3.4 are here: the purchase occasion on the BG/NBD
base rate, logit store choice over the known firms and "buy nowhere", the focal visit
(spend, experienced quality with service failures, transaction satisfaction through the
prospect-theory value function, cumulative satisfaction, expectation and reference-price
learning), a competitor visit's expectation update, habit, the BG/NBD dropout after a
repeat purchase and the defection hazard with its switching cost. No programme,
word-of-mouth, complaint desk, offers, acquisition or win-back: compare it with a
``LoyaltyModel`` that has those modules switched off.

The initial state is copied from a built ``LoyaltyModel`` (its ``pop`` arrays and its
calibrated constants ``asc``), so both models start from the same customers. Draws come
from Mesa's stdlib generator (``self.random``), so the two models do not share luck:
their results agree in distribution, not draw for draw.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import mesa

from simulator.engine.model import LoyaltyModel
from simulator.experiment.run import build_model

PROSPECT, ACTIVE, LAPSED = 0, 1, 2
NEVER = -32000  # "no such day", as in simulator.engine.state


def prospect_value(x: float, loss_aversion: float, curvature: float) -> float:
    """Tversky & Kahneman's value function: ``x**c`` for gains, ``-lambda (-x)**c`` else."""
    if x >= 0.0:
        return x**curvature
    return -loss_aversion * (-x) ** curvature


class Customer(mesa.Agent):
    """One customer with its own attributes (docs/model.md §2), stepped once a day.

    Per-firm attributes are lists indexed like the vectorised model's columns: 0 is the
    focal firm, 1.. the competitors in scenario order.
    """

    def __init__(
        self,
        model: YardstickModel,
        *,
        segment: int,
        alive: bool,
        relationship: int,
        rate: float,
        dropout: float,
        spend_shape: float,
        spend_scale: float,
        price_sens: float,
        quality_weight: float,
        points_value: float,
        match: list[float],
        expectation: list[float],
        habit: list[float],
        aware: list[bool],
        satisfaction: float,
        ref_price: float,
        purchases: int,
        active_since: int,
        last_firm: int,
    ) -> None:
        super().__init__(model)
        self.segment = segment
        self.alive = alive
        self.relationship = relationship
        self.rate = rate
        self.dropout = dropout
        self.spend_shape = spend_shape
        self.spend_scale = spend_scale
        self.price_sens = price_sens
        self.quality_weight = quality_weight
        self.points_value = points_value  # psi: a reward's worth against cash
        self.match = match
        self.expectation = expectation
        self.habit = habit
        self.aware = aware
        self.satisfaction = satisfaction
        self.ref_price = ref_price
        self.purchases = purchases
        self.active_since = active_since
        self.last_firm = last_firm
        self.focal_visits = 0
        self.revenue = 0.0

    # --------------------------------------------------------------- the day

    def step(self) -> None:
        """One day of this customer: an occasion, perhaps a visit, then defection."""
        if not self.alive:
            return
        day = self.model.day
        if self.random.random() < 1.0 - math.exp(-self.rate):
            self.shop(day)
        if self.alive and self.relationship == ACTIVE and self.active_since < day:
            self.consider_defecting(day)

    def shop(self, day: int) -> None:
        """A purchase occasion (3.1-3.3): choose a store, visit it, perhaps drop out."""
        model = self.model
        chosen = self.choose_store(day)
        smoothing = model.choice.habit_smoothing
        for j in range(model.n_firms):
            self.habit[j] = smoothing * self.habit[j] + (1.0 - smoothing) * (j == chosen)
        if chosen == model.n_firms:  # bought nowhere
            return
        if chosen == 0:
            self.visit_focal(day)
        else:
            self.visit_competitor(chosen)
        self.last_firm = chosen
        model.category_purchases += 1
        # BG/NBD: after a repeat purchase (never the trial one) it may leave the category.
        if self.purchases >= 1 and self.random.random() < self.dropout:
            self.alive = False
            if self.relationship == ACTIVE:
                model.left_category += 1
        self.purchases += 1

    def choose_store(self, day: int) -> int:
        """Logit choice over the known firms plus "buy nowhere" (the last option)."""
        model = self.model
        ch = model.choice
        considers_focal = self.aware[0] and self.relationship != LAPSED
        if not model.modules.competition:
            return 0 if considers_focal else model.n_firms
        utilities: list[float | None] = []
        for j in range(model.n_firms):
            if not self.aware[j] or (j == 0 and not considers_focal):
                utilities.append(None)
                continue
            price = model.prices[j] * (1.0 - self.points_value * model.reward_rates[j])
            u = (
                model.asc[j]
                + self.quality_weight * self.expectation[j]
                - self.price_sens * math.log(max(price, 1e-6))
                + ch.habit_weight * self.habit[j]
            )
            if j == 0:
                u += ch.satisfaction_weight * (self.satisfaction - 7.0)
            if j == self.last_firm:
                u += self.switching_cost(day) if j == 0 else ch.procedural_switching_cost
            utilities.append(u)
        utilities.append(0.0)  # buy nowhere
        top = max(u for u in utilities if u is not None)
        weights = [0.0 if u is None else math.exp(u - top) for u in utilities]
        return self.random.choices(range(len(weights)), weights=weights)[0]

    def visit_focal(self, day: int) -> None:
        """A visit to the focal firm (3.3): spend, quality, satisfaction, learning."""
        model = self.model
        sat = model.satisfaction_params
        price = model.prices[0]
        basket = self.random.gammavariate(self.spend_shape, 1.0 / self.spend_scale) * price
        noise = model.quality_sd * self.random.gauss(0.0, 1.0)
        quality = model.qualities[0] + self.match[0] + noise
        if self.random.random() < model.failure_rate:
            quality -= model.failure_size
        gap_quality = quality - self.expectation[0]
        gap_price = (self.ref_price - price) / max(self.ref_price, 1e-9)
        s = (
            quality
            + sat.quality_disconfirmation
            * prospect_value(gap_quality, sat.loss_aversion, sat.curvature)
            + sat.price_disconfirmation
            * prospect_value(10.0 * gap_price, sat.loss_aversion, sat.curvature)
        )
        s = min(max(s, 0.0), 10.0)
        if model.modules.satisfaction:
            self.satisfaction += sat.carryover * (s - self.satisfaction)
            e = self.expectation[0] + sat.expectation_learning * gap_quality
            self.expectation[0] = min(max(e, 0.0), 10.0)
            self.ref_price += sat.reference_price_learning * (price - self.ref_price)
        if self.relationship == PROSPECT:
            self.relationship = ACTIVE
            self.active_since = day
        self.focal_visits += 1
        self.revenue += basket
        model.focal_visits += 1

    def visit_competitor(self, k: int) -> None:
        """A competitor visit updates the expected quality of that competitor."""
        model = self.model
        if not model.modules.satisfaction:
            return
        noise = model.quality_sd * self.random.gauss(0.0, 1.0)
        quality = model.qualities[k] + self.match[k] + noise
        e = self.expectation[k] + model.satisfaction_params.expectation_learning * (
            quality - self.expectation[k]
        )
        self.expectation[k] = min(max(e, 0.0), 10.0)

    def switching_cost(self, day: int) -> float:
        """Procedural + relational switching cost of the focal firm (no programme)."""
        ch = self.model.choice
        tenure = 0 if self.active_since == NEVER else max(day - self.active_since, 0)
        return ch.procedural_switching_cost + ch.relational_switching_cost * (
            1.0 - math.exp(-tenure / 365.0)
        )

    def consider_defecting(self, day: int) -> None:
        """The daily defection hazard (3.4), zones of Heskett et al., damped by switching cost."""
        model = self.model
        if not model.modules.defection:
            return
        dp = model.defection
        logistic = dp.h_max / (1.0 + math.exp(dp.k_s * (self.satisfaction - dp.s50)))
        hazard = (dp.h_min + model.intensity * logistic) * math.exp(
            -dp.switching_cost_weight * self.switching_cost(day)
        )
        if self.random.random() < 1.0 - math.exp(-hazard):
            self.relationship = LAPSED
            self.aware[0] = False
            model.defected += 1


class YardstickModel(mesa.Model):
    """The core rules with one :class:`Customer` agent per customer.

    Parameters
    ----------
    source
        A freshly built (not yet stepped) ``LoyaltyModel``: its scenario, calibrated
        constants and population arrays become this model's firms and customers.
    rng
        Seed of Mesa's generators; default the source model's seed.
    """

    def __init__(self, source: LoyaltyModel, *, rng: int | None = None) -> None:
        super().__init__(rng=source.seed if rng is None else rng)
        config = source.config
        p = source.pop
        if p.entry_day.any():
            raise ValueError(
                "the yardstick needs every customer in the market from day 0, got "
                f"market.initial.entry_spread_days={config.market.initial.entry_spread_days}"
            )
        self.modules = config.modules
        self.choice = config.market.choice
        self.satisfaction_params = config.market.satisfaction
        self.defection = config.market.defection
        self.intensity = config.market.competitive_intensity
        self.n_firms = p.n_firms
        self.prices = [float(f.price) for f in source.firms]
        self.qualities = [float(f.quality) for f in source.firms]
        self.reward_rates = [0.0] + [float(f.reward_rate) for f in source.competitors]
        self.asc = [float(a) for a in source.ctx.constants.asc]
        self.quality_sd = config.firm.quality_sd
        self.failure_rate = config.firm.failure_rate
        self.failure_size = config.firm.failure_size
        self.focal_visits = 0
        self.category_purchases = 0
        self.defected = 0
        self.left_category = 0

        segments = config.market.segments
        shapes = [s.spend.p for s in segments]
        psi = [self.choice.points_value_ratio * s.reward_sensitivity for s in segments]
        columns = {
            name: getattr(p, name).tolist()
            for name in (
                "segment",
                "alive",
                "relationship",
                "rate",
                "dropout",
                "spend_scale",
                "price_sens",
                "quality_weight",
                "match",
                "expectation",
                "habit",
                "aware",
                "satisfaction",
                "ref_price",
                "purchases",
                "active_since",
                "last_firm",
            )
        }
        for i in range(p.n):
            seg = columns["segment"][i]
            Customer(
                self,
                segment=seg,
                alive=columns["alive"][i],
                relationship=columns["relationship"][i],
                rate=columns["rate"][i],
                dropout=columns["dropout"][i],
                spend_shape=shapes[seg],
                spend_scale=columns["spend_scale"][i],
                price_sens=columns["price_sens"][i],
                quality_weight=columns["quality_weight"][i],
                points_value=psi[seg],
                match=columns["match"][i],
                expectation=columns["expectation"][i],
                habit=columns["habit"][i],
                aware=columns["aware"][i],
                satisfaction=columns["satisfaction"][i],
                ref_price=columns["ref_price"][i],
                purchases=columns["purchases"][i],
                active_since=columns["active_since"][i],
                last_firm=columns["last_firm"][i],
            )

    @classmethod
    def from_scenario(
        cls,
        scenario: Mapping[str, Any],
        *,
        strategy: str | None = None,
        seed: int | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> YardstickModel:
        """Resolve a scenario mapping as ``loyalty-sim`` does and build the yardstick."""
        source, _ = build_model(scenario, strategy=strategy, seed=seed, overrides=overrides)
        return cls(source)

    @property
    def day(self) -> int:
        """The day being simulated (the step at ``time == d`` simulates day ``d``)."""
        return math.ceil(self.time)

    def step(self) -> None:
        """Every customer lives its day, in random order (the usual Mesa 3 idiom)."""
        self.agents.shuffle_do("step")

    def report(self) -> dict[str, float]:
        """Flows per customer-day since the start, and the state now."""
        customers = list(self.agents)
        days = max(self.day, 1)
        cd = len(customers) * days
        active = [c for c in customers if c.alive and c.relationship == ACTIVE]
        return {
            "days": float(self.day),
            "focal_visits_per_customer_day": self.focal_visits / cd,
            "category_purchases_per_customer_day": self.category_purchases / cd,
            "defections_per_customer_day": self.defected / cd,
            "left_category_per_customer_day": self.left_category / cd,
            "active_customers": float(len(active)),
            "mean_satisfaction_active": sum(c.satisfaction for c in active) / max(len(active), 1),
        }
