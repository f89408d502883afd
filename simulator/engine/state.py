"""Customer state as columnar numpy arrays, one row per person in the market.

Compact dtypes keep the whole state near 200 bytes per customer (MODEL.md 2: a budget
of about 1 KB including the social network). Column 0 of per-firm arrays is the focal
firm; columns 1.. are the competitors in scenario order.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from simulator.config.schema import Scenario
from simulator.engine.streams import Streams

PROSPECT, ACTIVE, LAPSED = np.int8(0), np.int8(1), np.int8(2)
RELATIONSHIPS = ("prospect", "active", "lapsed")
NEVER = np.int16(-32000)  # "no such day" for int16 day stamps


@dataclass(eq=False)
class Population:
    """Columnar customer state. All arrays have ``n`` rows."""

    n: int
    n_firms: int
    segment: np.ndarray  # int16
    alive: np.ndarray  # bool: still in the category (BG/NBD)
    entry_day: np.ndarray  # int16: day the customer enters the market (0 = from the start)
    relationship: np.ndarray  # int8: prospect / active / lapsed w.r.t. the focal firm
    rate: np.ndarray  # float32 lambda, occasions per day
    dropout: np.ndarray  # float32 p
    spend_scale: np.ndarray  # float32 nu (Gamma rate of spend)
    price_sens: np.ndarray  # float32 beta_P
    quality_weight: np.ndarray  # float32 beta_Q
    match: np.ndarray  # float32 (n, J)
    expectation: np.ndarray  # float32 (n, J)
    habit: np.ndarray  # float32 (n, J)
    aware: np.ndarray  # bool (n, J): firm in the consideration set
    last_firm: np.ndarray  # int8, -1 none
    satisfaction: np.ndarray  # float32 S
    ref_price: np.ndarray  # float32
    wom: np.ndarray  # float32 W
    purchases: np.ndarray  # int32 category purchases (trial = 1)
    focal_visits: np.ndarray  # int32
    first_focal_day: np.ndarray  # int16
    last_focal_day: np.ndarray  # int16
    active_since: np.ndarray  # int16 (tenure start)
    acquired_day: np.ndarray  # int16 day acquired in this run (NEVER if not)
    lapsed_day: np.ndarray  # int16 day of the last lapse
    last_failure_day: np.ndarray  # int16
    hazard_boost_until: np.ndarray  # int16: recovery-paradox hazard multiplier
    negative_talk_until: np.ndarray  # int16: double-deviation talk
    blocked_until: np.ndarray  # int16: bad news blocks adoption
    complaint_s: np.ndarray  # float32 transaction s of the open complaint
    complaint_s_before: np.ndarray  # float32 S before the complained visit
    complaint_first: np.ndarray  # bool: open complaint follows a first failure
    complaints: np.ndarray  # int16 complaints made in this run
    referred_by: np.ndarray  # int32, -1 none
    revenue: np.ndarray  # float32 focal spend in this run
    value: np.ndarray  # float64 discounted net value to the firm (realised CLV)
    ever_customer: np.ndarray  # bool active at some point in this run
    member: np.ndarray  # bool programme member
    extra: dict[str, np.ndarray] = field(default_factory=dict)  # programme state etc.

    def columns(self) -> dict[str, np.ndarray]:
        """Every per-customer array, per-firm ones split into one column per firm."""
        out: dict[str, np.ndarray] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray):
                out[f.name] = v
        out.update(self.extra)
        return out

    def nbytes(self) -> int:
        """Memory held by the state arrays."""
        return sum(a.nbytes for a in self.columns().values())


def _lognormal_cv(rng: np.random.Generator, mean: np.ndarray, cv: float) -> np.ndarray:
    sigma2 = np.log1p(cv * cv)
    mu = np.log(np.maximum(mean, 1e-12)) - sigma2 / 2
    return np.exp(mu + np.sqrt(sigma2) * rng.standard_normal(mean.shape))


def create_population(scenario: Scenario, streams: Streams) -> Population:
    """Draw the initial population from the scenario's segments (MODEL.md 2).

    All draws come from the ``population`` substream, so every strategy of a scenario
    meets the same customers (common random numbers).
    """
    rng = streams.get("population")
    n = scenario.run.customers
    market = scenario.market
    comps = market.competitors
    j = 1 + len(comps)
    segs = market.segments

    shares = np.array([s.share for s in segs])
    segment = rng.choice(len(segs), size=n, p=shares / shares.sum()).astype(np.int16)

    def per_segment(getter) -> np.ndarray:
        return np.array([getter(s) for s in segs], dtype=np.float64)[segment]

    r = per_segment(lambda s: s.purchase.r)
    alpha = per_segment(lambda s: s.purchase.alpha)
    rate = rng.gamma(r, 1.0 / alpha).astype(np.float32)
    a = per_segment(lambda s: s.dropout.a)
    b = per_segment(lambda s: s.dropout.b)
    dropout = rng.beta(a, b).astype(np.float32)
    q_gg = per_segment(lambda s: s.spend.q)
    g_gg = per_segment(lambda s: s.spend.gamma)
    spend_scale = rng.gamma(q_gg, 1.0 / g_gg).astype(np.float32)
    price_sens = _lognormal_cv(rng, per_segment(lambda s: s.price_sensitivity), 0.3).astype(
        np.float32
    )
    quality_weight = per_segment(lambda s: s.quality_weight).astype(np.float32)

    firm = scenario.firm
    focal_rep = firm.reputation if firm.reputation is not None else firm.quality
    reps = [focal_rep] + [competitor_reputation(c, firm.quality) for c in comps]
    match = (market.choice.match_sd * rng.standard_normal((n, j))).astype(np.float32)
    expectation = (
        np.asarray(reps)[None, :] + market.choice.expectation_sd * rng.standard_normal((n, j))
    ).astype(np.float32)
    np.clip(expectation, 0, 10, out=expectation)

    aware = np.zeros((n, j), dtype=bool)
    for k, c in enumerate(comps, start=1):
        aware[:, k] = rng.random(n) < c.awareness

    u = rng.random(n)
    init = market.initial
    relationship = np.full(n, PROSPECT, dtype=np.int8)
    relationship[u < init.active] = ACTIVE
    relationship[(u >= init.active) & (u < init.active + init.lapsed)] = LAPSED
    aware[:, 0] = relationship == ACTIVE

    sat = market.satisfaction
    satisfaction = np.clip(
        sat.initial_mean + sat.initial_sd * rng.standard_normal(n), 0, 10
    ).astype(np.float32)

    if init.entry_spread_days > 0:
        entry_day = (1 + np.floor(rng.random(n) * init.entry_spread_days)).astype(np.int16)
    else:
        entry_day = np.zeros(n, dtype=np.int16)
    alive = entry_day == 0
    # Customers already in the market have a purchase history: their next purchase is a
    # repeat one (BG/NBD dropout applies); entrants make a trial purchase first.
    purchases = np.where(alive, 1, 0).astype(np.int32)

    def days(value: int) -> np.ndarray:
        return np.full(n, value, dtype=np.int16)

    return Population(
        n=n,
        n_firms=j,
        segment=segment,
        alive=alive,
        entry_day=entry_day,
        relationship=relationship,
        rate=rate,
        dropout=dropout,
        spend_scale=spend_scale,
        price_sens=price_sens,
        quality_weight=quality_weight,
        match=match,
        expectation=expectation,
        habit=np.full((n, j), 1.0 / j, dtype=np.float32),
        aware=aware,
        last_firm=np.full(n, -1, dtype=np.int8),
        satisfaction=satisfaction,
        ref_price=np.full(n, firm.price, dtype=np.float32),
        wom=np.zeros(n, dtype=np.float32),
        purchases=purchases,
        focal_visits=np.zeros(n, dtype=np.int32),
        first_focal_day=days(NEVER),
        last_focal_day=days(NEVER),
        active_since=np.where(relationship == ACTIVE, 0, NEVER).astype(np.int16),
        acquired_day=days(NEVER),
        lapsed_day=days(NEVER),
        last_failure_day=days(NEVER),
        hazard_boost_until=days(NEVER),
        negative_talk_until=days(NEVER),
        blocked_until=days(NEVER),
        complaint_s=np.zeros(n, dtype=np.float32),
        complaint_s_before=np.zeros(n, dtype=np.float32),
        complaint_first=np.zeros(n, dtype=bool),
        complaints=np.zeros(n, dtype=np.int16),
        referred_by=np.full(n, -1, dtype=np.int32),
        revenue=np.zeros(n, dtype=np.float32),
        value=np.zeros(n, dtype=np.float64),
        ever_customer=(relationship == ACTIVE) & alive,
        member=np.zeros(n, dtype=bool),
    )


def competitor_quality(c, focal_quality: float) -> float:
    """A competitor's quality: its own, or 0.2 below the focal firm's (MODEL.md 3.2)."""
    return c.quality if c.quality is not None else max(0.0, focal_quality - 0.2)


def competitor_reputation(c, focal_quality: float) -> float:
    """A competitor's reputation (prior expected quality): its own or its quality."""
    return c.reputation if c.reputation is not None else competitor_quality(c, focal_quality)
