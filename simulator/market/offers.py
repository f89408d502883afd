"""Competitors' time-bound offers and reaction rules (MODEL.md 5.1).

Offers are events on Mesa's event list: at its start an offer draws the customers it
reaches (a named substream per offer, so strategies face the same rival campaign), and
while it runs it enters store choice as a price cut on that competitor or a conquest
bonus on its utility, plus an optional extra defection hazard for reached focal
customers. Reaction rules let a competitor follow the focal firm after a lag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from simulator.programme import campaigns as camp

if TYPE_CHECKING:
    from simulator.config.schema import Offer
    from simulator.engine.model import LoyaltyModel


@dataclass
class OfferState:
    """A running (or finished) offer: who it reached."""

    spec: Offer
    firm: int
    owner: MarketOffers
    reached: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    running: bool = False

    # Bound-method targets for Mesa's event list, which holds callbacks weakly: the
    # MarketOffers object keeps these states alive for the whole run.
    def start(self) -> None:
        self.owner._offer_start(self)

    def stop(self) -> None:
        self.owner._offer_end(self)


class MarketOffers:
    """Offer state, reaction rules and the hooks the model's step calls."""

    def __init__(self, model: LoyaltyModel) -> None:
        self.model = model
        self.offers: list[OfferState] = []
        n, j = model.pop.n, model.pop.n_firms
        self.price_cut: np.ndarray | None = None  # (n, J) share off, allocated lazily
        self.conquest: np.ndarray | None = None  # (n, J) utility bonus
        self.hazard: np.ndarray | None = None  # (n,) extra defection hazard
        self._shape = (n, j)
        self.history: list[tuple[float, float]] = []  # focal (reward rate, price) by day
        if not model.config.modules.competition:
            return
        for k, comp in enumerate(model.config.market.competitors, start=1):
            for spec in comp.offers:
                self.offers.append(OfferState(spec, k, self))

    def schedule(self) -> None:
        """Put every offer's start and end on the model's event list."""
        for st in self.offers:
            self.model.schedule_event(st.start, at=max(st.spec.start, 1) - 0.5)
            self.model.schedule_event(st.stop, at=st.spec.end + 0.5)

    # -------------------------------------------------------------- events

    def _offer_start(self, st: OfferState) -> None:
        m = self.model
        p = m.pop
        spec = st.spec
        seg_names = [s.name for s in m.config.market.segments]
        codes = (
            [seg_names.index(s) for s in spec.segments if s in seg_names] if spec.segments else None
        )
        tier_names = m.programme.tier_labels()
        tier_codes = (
            [tier_names.index(t) for t in spec.tiers if t in tier_names] if spec.tiers else None
        )
        mask = camp.target_mask(
            segment=p.segment,
            segment_codes=codes,
            tier=p.extra.get("tier"),
            tier_codes=tier_codes,
            satisfaction=p.satisfaction,
            max_satisfaction=spec.max_satisfaction,
            min_satisfaction=spec.min_satisfaction,
            days_since_visit=np.zeros(p.n),
            min_days_since_visit=None,
            # Targeting a tier means targeting the focal programme's members in it.
            eligible=p.alive & p.member if tier_codes is not None else p.alive.copy(),
        )
        u = m.streams.get(f"offer_{st.firm}_{spec.name}").random(p.n)
        st.reached = np.flatnonzero(camp.reached(mask, spec.reach, u))
        st.running = True
        self._rebuild()
        m.events_log.append((m.day, f"{m.firms[st.firm].name}: {spec.name} starts"))

    def _offer_end(self, st: OfferState) -> None:
        st.running = False
        self._rebuild()
        m = self.model
        m.events_log.append((m.day, f"{m.firms[st.firm].name}: {st.spec.name} ends"))

    def _rebuild(self) -> None:
        """Recompute the per-customer offer arrays from the running offers."""
        running = [st for st in self.offers if st.running]
        if not running:
            self.price_cut = self.conquest = self.hazard = None
            return
        self.price_cut = np.zeros(self._shape, dtype=np.float32)
        self.conquest = np.zeros(self._shape, dtype=np.float32)
        self.hazard = np.zeros(self._shape[0], dtype=np.float32)
        for st in running:
            r, k, size = st.reached, st.firm, st.spec.size
            if st.spec.kind == "price_cut":
                self.price_cut[r, k] = np.maximum(self.price_cut[r, k], size)
            else:
                self.conquest[r, k] += size
            self.hazard[r] += st.spec.defection_hazard

    # --------------------------------------------------------------- hooks

    def offer_terms(self, rows: np.ndarray) -> tuple[np.ndarray | float, np.ndarray | float]:
        """(price cut share, conquest bonus), each (len(rows), J), for store choice."""
        if self.price_cut is None:
            return 0.0, 0.0
        return self.price_cut[rows], self.conquest[rows]

    def defection_hazard(self, rows: np.ndarray) -> np.ndarray | float:
        """Conquest-offer hazard of these (active focal) customers."""
        return 0.0 if self.hazard is None else self.hazard[rows]

    def react(self, d: int) -> None:
        """Reaction rules: competitors follow the focal firm's reward rate or price after a lag."""
        m = self.model
        prog = m.programme
        focal_rate = 0.0
        if prog.active:
            focal_rate = (
                prog.spec.points_per_unit * prog.point_value * (1 - prog.expected_breakage())
            )
        self.history.append((focal_rate, m.focal.price))
        for comp, spec in zip(m.competitors, m.config.market.competitors, strict=True):
            rule = spec.reaction
            if rule is None or d <= rule.lag_days:
                continue
            rate, price = self.history[d - 1 - rule.lag_days]
            if rule.kind == "match_reward_rate":
                comp.reward_rate = max(spec.reward_rate, rate)
            else:
                comp.price = min(spec.price, price)
