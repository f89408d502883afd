"""The initial population, drawn from the scenario's segments (docs/model.md §2)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from simulator.config.schema import Competitor, Scenario
from simulator.engine.history import apply_histories
from simulator.engine.reserve import reserve_rows
from simulator.engine.state import ACTIVE, LAPSED, MAX_TENURE_DAYS, NEVER, PROSPECT, Population
from simulator.engine.streams import Streams
from simulator.errors import ScenarioError
from simulator.market.network import SocialNetwork, build_network


def _lognormal_cv(rng: np.random.Generator, mean: np.ndarray, cv: float) -> np.ndarray:
    sigma2 = np.log1p(cv * cv)
    mu = np.log(np.maximum(mean, 1e-12)) - sigma2 / 2
    return np.exp(mu + np.sqrt(sigma2) * rng.standard_normal(mean.shape))


NOT_YET = np.int16(32767)  # entry day of a reserve row that has not entered


@dataclass(frozen=True)
class EntryPlan:
    """Entry into the category (docs/model.md §3.7): the expected rate per day at the
    start, and the rows ``first..last`` kept in reserve for entrants."""

    rate: float
    first: int
    last: int


def create_population(scenario: Scenario, streams: Streams) -> tuple[Population, EntryPlan]:
    """Draw the market's people from the scenario's segments (docs/model.md §2, §3.7).

    The people in the category at the start come from the ``population`` substream; a
    reserve of people who may enter it later (the ``entry`` substream) waits, not
    alive, until the entry stage lets them in. Both are fixed by the seed, so every
    strategy meets the same customers and the same entrants (common random numbers).
    """
    n = scenario.run.customers
    people = _draw_people(scenario, streams.get("population"), n, kind="initial")
    history = None
    if scenario.market.initial.customers is not None:
        # The firm's real customers: their state comes from their histories.
        try:
            history = apply_histories(scenario, people, streams.get("history"))
        except ValueError as exc:
            raise ScenarioError(str(exc), path="market -> initial -> customers") from None
    rate = entry_rate(scenario, people)
    horizon = scenario.run.warmup_days + scenario.run.days
    m = reserve_rows(rate, horizon)
    if m:
        kind: Kind = "customers" if scenario.market.entry.mode == "new_customers" else "prospects"
        later = _draw_people(scenario, streams.get("entry"), m, kind=kind)
        later["entry_day"] = np.full(m, NOT_YET, dtype=np.int16)
        people = {k: np.concatenate([v, later[k]]) for k, v in people.items()}
    total = n + m
    j = people["match"].shape[1]

    def days(value: int | np.integer) -> np.ndarray:
        return np.full(total, value, dtype=np.int16)

    alive = people["entry_day"] == 0
    relationship = people["relationship"]
    plan = EntryPlan(rate, n, total)
    # Customers already in the market have a purchase history: their next purchase is a
    # repeat one (BG/NBD dropout applies); entrants make a trial purchase first.
    purchases = np.where(alive, 1, 0).astype(np.int32)
    if history is not None:
        alive[:n], purchases[:n] = history
    pop = Population(
        n=total,
        n_firms=j,
        segment=people["segment"],
        alive=alive,
        entry_day=people["entry_day"],
        relationship=relationship,
        rate=people["rate"],
        dropout=people["dropout"],
        spend_scale=people["spend_scale"],
        price_sens=people["price_sens"],
        quality_weight=people["quality_weight"],
        match=people["match"],
        expectation=people["expectation"],
        habit=np.full((total, j), 1.0 / j, dtype=np.float32),
        aware=people["aware"],
        last_firm=np.full(total, -1, dtype=np.int8),
        satisfaction=people["satisfaction"],
        ref_price=np.full(total, scenario.firm.price, dtype=np.float32),
        wom=np.zeros(total, dtype=np.float32),
        purchases=purchases,
        focal_visits=np.zeros(total, dtype=np.int32),
        first_focal_day=days(NEVER),
        last_focal_day=days(NEVER),
        active_since=people["active_since"],
        acquired_day=days(NEVER),
        lapsed_day=days(NEVER),
        last_failure_day=days(NEVER),
        hazard_boost_until=days(NEVER),
        negative_talk_until=days(NEVER),
        blocked_until=days(NEVER),
        complaint_s=np.zeros(total, dtype=np.float32),
        complaint_s_before=np.zeros(total, dtype=np.float32),
        complaint_first=np.zeros(total, dtype=bool),
        complaints=np.zeros(total, dtype=np.int16),
        referred_by=np.full(total, -1, dtype=np.int32),
        revenue=np.zeros(total, dtype=np.float32),
        value=np.zeros(total, dtype=np.float64),
        ever_customer=(relationship == ACTIVE) & alive,
        member=np.zeros(total, dtype=bool),
        acquisition_source=np.zeros(total, dtype=np.int8),
    )
    return pop, plan


# Mean tenure of today's customers at the start [A]: about the inverse of a yearly
# churn of a third, so that relational switching costs start near their steady state.
MEAN_TENURE_DAYS = 1000.0


# Who is drawn: the people in the market at the start, the open market's entrants
# (prospects), or new customers of the firm (``market.entry.mode: new_customers``).
Kind = Literal["initial", "prospects", "customers"]


def _draw_people(
    scenario: Scenario, rng: np.random.Generator, n: int, *, kind: Kind
) -> dict[str, np.ndarray]:
    """Per-person columns of ``n`` people drawn from the segments.

    People in the market at the start are prospects, active or lapsed by the scenario's
    shares; the open market's entrants are prospects. New customers (``kind
    "customers"``) are drawn like a cohort entrant who is active: they wait as prospects
    until their entry day and make their trial purchase then, knowing the firm as a
    customer does. Someone who knows a firm expects what it
    experiences there (quality + match); a prospect expects the firm's reputation. An
    active or lapsed customer's satisfaction is the level the update rule settles at
    for the quality it experiences (docs/model.md §2, v2): a run starts near its steady
    state, and the warm-up removes what is left of the transient.
    """
    market = scenario.market
    firm = scenario.firm
    comps = market.competitors
    j = 1 + len(comps)
    segs = market.segments
    shares = np.array([s.share for s in segs])
    segment = rng.choice(len(segs), size=n, p=shares / shares.sum()).astype(np.int16)

    def per_segment(getter: Callable[..., float]) -> np.ndarray:
        return np.array([getter(s) for s in segs], dtype=np.float64)[segment]

    rate = rng.gamma(
        per_segment(lambda s: s.purchase.r), 1.0 / per_segment(lambda s: s.purchase.alpha)
    )
    dropout = rng.beta(per_segment(lambda s: s.dropout.a), per_segment(lambda s: s.dropout.b))
    spend_scale = rng.gamma(
        per_segment(lambda s: s.spend.q), 1.0 / per_segment(lambda s: s.spend.gamma)
    )
    price_sens = _lognormal_cv(rng, per_segment(lambda s: s.price_sensitivity), 0.3)
    quality_weight = per_segment(lambda s: s.quality_weight)
    ch = market.choice
    match = ch.match_sd * rng.standard_normal((n, j))

    relationship = np.full(n, PROSPECT, dtype=np.int8)
    entry_day = np.zeros(n, dtype=np.int16)
    if kind == "initial":
        u = rng.random(n)
        init = market.initial
        relationship[u < init.active] = ACTIVE
        relationship[(u >= init.active) & (u < init.active + init.lapsed)] = LAPSED
        if init.entry_spread_days > 0:
            entry_day = (1 + np.floor(rng.random(n) * init.entry_spread_days)).astype(np.int16)
    settled = settled_satisfaction_curve(scenario)
    aware = np.zeros((n, j), dtype=bool)
    aware[:, 0] = relationship == ACTIVE
    for k, c in enumerate(comps, start=1):
        aware[:, k] = rng.random(n) < c.awareness

    quality = np.array([firm.quality] + [competitor_quality(c, firm.quality) for c in comps])
    focal_rep = firm.reputation if firm.reputation is not None else firm.quality
    reps = np.array([focal_rep] + [competitor_reputation(c, firm.quality) for c in comps])
    knows = aware.copy()
    knows[:, 0] = (relationship != PROSPECT) | (kind == "customers")
    experienced = quality[None, :] + match
    expectation = np.where(
        knows,
        experienced + ch.known_expectation_sd * rng.standard_normal((n, j)),
        reps[None, :] + ch.expectation_sd * rng.standard_normal((n, j)),
    )
    np.clip(expectation, 0, 10, out=expectation)

    level = np.where(knows[:, 0], experienced[:, 0], expectation[:, 0])
    sat = market.satisfaction
    satisfaction = np.clip(
        np.interp(level, *settled) + sat.initial_sd * rng.standard_normal(n), 0, 10
    )
    tenure = np.minimum(rng.exponential(MEAN_TENURE_DAYS, n), MAX_TENURE_DAYS).astype(np.int64)
    active_since = np.where(relationship == ACTIVE, -tenure, NEVER).astype(np.int16)
    return {
        "segment": segment,
        "rate": rate.astype(np.float32),
        "dropout": dropout.astype(np.float32),
        "spend_scale": spend_scale.astype(np.float32),
        "price_sens": price_sens.astype(np.float32),
        "quality_weight": quality_weight.astype(np.float32),
        "match": match.astype(np.float32),
        "relationship": relationship,
        "entry_day": entry_day,
        "aware": aware,
        "expectation": expectation.astype(np.float32),
        "satisfaction": satisfaction.astype(np.float32),
        "active_since": active_since,
    }


def entry_rate(scenario: Scenario, people: dict[str, np.ndarray]) -> float:
    """Entrants per day: the scenario's rate of new customers, or else the baseline's
    expected category exits plus growth (§3.7).

    A customer alive with a purchase history leaves the category after a repeat purchase
    with probability p (BG/NBD); a day's expected exits are the sum over them of the
    chance of a purchase times p. A purchase needs an occasion and a firm the customer
    considers: with the constants calibrated so that someone who knows every firm skips
    ``skip_share`` of occasions, firm k carries logit weight ``share_k (1 - skip) /
    skip`` against 1 for buying nowhere. The rate is fixed once, from the market at the
    start.
    """
    entry = scenario.market.entry
    if entry.mode == "none":
        return 0.0
    if entry.mode == "new_customers":
        return entry.customers_per_day or 0.0
    market = scenario.market
    skip = market.choice.skip_share
    shares = np.array([scenario.firm.market_share] + [c.market_share for c in market.competitors])
    if shares.size == 1:
        shares = np.array([1.0])
    weights = shares * (1.0 - skip) / skip
    alive = people["entry_day"] == 0
    considers = people["aware"][alive].copy()
    considers[:, 0] &= people["relationship"][alive] != LAPSED
    w = considers @ weights
    buys = w / (1.0 + w)
    occasion = -np.expm1(-people["rate"][alive].astype(np.float64))
    exits = float((occasion * buys * people["dropout"][alive]).sum())
    growth = entry.growth_rate * scenario.run.customers / 365.0
    return max(exits + growth, 0.0)


def settled_satisfaction_curve(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """(experienced quality, settled S): where S settles for a customer who keeps
    visiting a firm whose quality it experiences at that mean (docs/model.md §2, §3.3).

    The update rule of §3.3 is run for many visits on a grid of mean experienced
    quality, with the scenario's noise, failures, loss aversion and learning rates; S
    averaged after a burn-in is the settled level (about 0.6 below the mean experienced
    quality at the defaults, because losses weigh more than gains). The grid's noise is
    fixed (seed 0): the curve is a property of the parameters, not of a run.
    """
    from simulator.mechanisms.visit import settled_satisfaction

    return settled_satisfaction(scenario)


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
