"""The initial population, drawn from the scenario's segments (docs/model.md §2)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from simulator.config.schema import Competitor, Scenario
from simulator.engine.state import ACTIVE, LAPSED, NEVER, PROSPECT, Population
from simulator.engine.streams import Streams
from simulator.errors import ScenarioError
from simulator.market.network import SocialNetwork, build_network


def _lognormal_cv(rng: np.random.Generator, mean: np.ndarray, cv: float) -> np.ndarray:
    sigma2 = np.log1p(cv * cv)
    mu = np.log(np.maximum(mean, 1e-12)) - sigma2 / 2
    return np.exp(mu + np.sqrt(sigma2) * rng.standard_normal(mean.shape))


def create_population(scenario: Scenario, streams: Streams) -> Population:
    """Draw the initial population from the scenario's segments (docs/model.md §2).

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

    def per_segment(getter: Callable[..., float]) -> np.ndarray:
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

    def days(value: int | np.integer) -> np.ndarray:
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
        acquisition_source=np.zeros(n, dtype=np.int8),
    )


def competitor_quality(c: Competitor, focal_quality: float) -> float:
    """A competitor's quality: its own, or 0.2 below the focal firm's (docs/model.md §3.2)."""
    return c.quality if c.quality is not None else max(0.0, focal_quality - 0.2)


def competitor_reputation(c: Competitor, focal_quality: float) -> float:
    """A competitor's reputation (prior expected quality): its own or its quality."""
    return c.reputation if c.reputation is not None else competitor_quality(c, focal_quality)


def build_social_network(config: Scenario, n: int, streams: Streams) -> SocialNetwork | None:
    """The social graph, if word-of-mouth or acquisition needs one (docs/model.md §3.6).

    The ``network`` stream has no day: the graph is the same whenever it is built.
    """
    m = config.modules
    if not (m.word_of_mouth or m.acquisition):
        return None
    net = config.market.network
    try:
        return build_network(
            net.kind,
            n,
            streams.get("network"),
            k=net.k,
            rewire=net.rewire,
            m=net.m,
            edgelist_path=net.edgelist,
        )
    except ValueError as exc:
        raise ScenarioError(str(exc), path="market -> network") from None
