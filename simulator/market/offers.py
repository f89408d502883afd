"""Competitors' time-bound offers and reaction rules (docs/model.md §5.1).

Offers are calendar actions (``offer.start``, ``offer.end``) on Mesa's event list: at
its start an offer draws the customers it reaches (a named substream per offer, so
strategies face the same rival campaign), and while it runs it enters store choice as a
price cut on that competitor or a conquest bonus on its utility, plus an optional extra
defection hazard for reached focal customers. Reaction rules let a competitor follow
the focal firm after a lag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.programme import campaigns as camp

if TYPE_CHECKING:
    from simulator.config.schema import Offer
    from simulator.engine.context import DayContext


@dataclass
class OfferState:
    """A running (or finished) offer: who it reached."""

    spec: Offer
    firm: int
    index: int = 0  # position in its competitor's list of offers (stable: offers are only added)
    reached: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    running: bool = False


class MarketOffers:
    """Offer state, reaction rules and the terms offers add to choice and defection."""

    def __init__(self, ctx: DayContext) -> None:
        self.ctx = ctx
        self.offers: list[OfferState] = []
        self.price_cut: np.ndarray | None = None  # (n, J) share off, allocated lazily
        self.conquest: np.ndarray | None = None  # (n, J) utility bonus
        self.hazard: np.ndarray | None = None  # (n,) extra defection hazard
        self._shape = (ctx.pop.n, ctx.pop.n_firms)
        self.history: list[tuple[float, float]] = []  # focal (reward rate, price) by day
        if not ctx.config.modules.competition:
            return
        for k, comp in enumerate(ctx.config.market.competitors, start=1):
            for j, spec in enumerate(comp.offers):
                self.offers.append(OfferState(spec, k, j))

    def schedule(self) -> None:
        """Put every offer's start and end on the calendar."""
        for i in range(len(self.offers)):
            self._book(i)

    def _book(self, i: int) -> None:
        """Offer ``i``'s start and end, in days of the reported window (§10), never before
        the next day to be simulated (an offer launched mid-run starts then)."""
        st = self.offers[i]
        r = self.ctx.report_start
        start = max(r + max(st.spec.start, 1), self.ctx.day) - 0.5
        end = max(r + st.spec.end + 0.5, start + 1.0)
        self.ctx.calendar.at(start, "offer.start", i)
        self.ctx.calendar.at(end, "offer.end", i)

    def extend(self) -> None:
        """Book the offers added to the live scenario since the start (a competitor's
        offers can only be added mid-run: docs/model.md §5.3)."""
        ctx = self.ctx
        if not ctx.config.modules.competition:
            return
        known = {(st.firm, st.index) for st in self.offers}
        for k, comp in enumerate(ctx.config.market.competitors, start=1):
            for j, spec in enumerate(comp.offers):
                if (k, j) not in known:
                    self.offers.append(OfferState(spec, k, j))
                    self._book(len(self.offers) - 1)

    def handle(self, action: str, index: int) -> None:
        """Run ``offer.start`` or ``offer.end`` for offer ``index``."""
        st = self.offers[index]
        if action == "start":
            self._start(st)
        elif action == "end":
            self._end(st)
        else:
            raise KeyError(f"unknown offer action {action!r}")

    # -------------------------------------------------------------- events

    def _start(self, st: OfferState) -> None:
        ctx = self.ctx
        p = ctx.pop
        spec = st.spec
        seg_names = [s.name for s in ctx.config.market.segments]
        codes = (
            [seg_names.index(s) for s in spec.segments if s in seg_names] if spec.segments else None
        )
        tier_names = ctx.programme.tier_labels()
        tier_codes = (
            [tier_names.index(t) for t in spec.tiers if t in tier_names] if spec.tiers else None
        )
        mask = camp.target_mask(
            segment=p.segment,
            segment_codes=codes,
            tier=ctx.programme.tier_of(),
            tier_codes=tier_codes,
            satisfaction=p.satisfaction,
            max_satisfaction=spec.max_satisfaction,
            min_satisfaction=spec.min_satisfaction,
            days_since_visit=np.zeros(p.n),
            min_days_since_visit=None,
            # Targeting a tier means targeting the focal programme's members in it.
            eligible=p.alive & p.member if tier_codes is not None else p.alive.copy(),
        )
        u = ctx.streams.get(f"offer_{st.firm}_{spec.name}").random(p.n)
        st.reached = np.flatnonzero(camp.reached(mask, spec.reach, u))
        st.running = True
        self._rebuild()
        ctx.log.events.append((ctx.reported_day, f"{ctx.firms[st.firm].name}: {spec.name} starts"))

    def _end(self, st: OfferState) -> None:
        st.running = False
        self._rebuild()
        ctx = self.ctx
        name = f"{ctx.firms[st.firm].name}: {st.spec.name} ends"
        ctx.log.events.append((ctx.reported_day, name))

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

    # --------------------------------------------------------------- terms

    def offer_terms(self, rows: np.ndarray) -> tuple[np.ndarray | float, np.ndarray | float]:
        """(price cut share, conquest bonus), each (len(rows), J), for store choice."""
        if self.price_cut is None or self.conquest is None:
            return 0.0, 0.0
        return self.price_cut[rows], self.conquest[rows]

    def defection_hazard(self, rows: np.ndarray) -> np.ndarray | float:
        """Conquest-offer hazard of these (active focal) customers."""
        return 0.0 if self.hazard is None else self.hazard[rows]

    def react(self, day: int) -> None:
        """Reaction rules: competitors follow the focal firm's reward rate or price after a lag."""
        ctx = self.ctx
        self.history.append((ctx.programme.effective_rate(), ctx.focal.price))
        for comp, spec in zip(ctx.competitors, ctx.config.market.competitors, strict=True):
            rule = spec.reaction
            if rule is None or day <= rule.lag_days:
                continue
            rate, price = self.history[day - 1 - rule.lag_days]
            if rule.kind == "match_reward_rate":
                comp.reward_rate = max(spec.reward_rate, rate)
            else:
                comp.price = min(spec.price, price)

    # ------------------------------------------------------------ snapshots

    def snapshot(self) -> dict[str, Any]:
        """Who each offer reached, which run, and the reaction history (plain data)."""
        return {
            "offers": [
                {
                    "firm": st.firm,
                    "index": st.index,
                    "reached": st.reached.copy(),
                    "running": st.running,
                }
                for st in self.offers
            ],
            "history": list(self.history),
        }

    def restore(self, data: dict[str, Any]) -> None:
        """The inverse of :meth:`snapshot`, on offers built from the same scenario."""
        if data["offers"] and "firm" in data["offers"][0]:
            # In the snapshot's order (offers added mid-run come last): the calendar's
            # pending offer actions refer to offers by that position.
            comps = self.ctx.config.market.competitors
            self.offers = [
                OfferState(comps[it["firm"] - 1].offers[it["index"]], it["firm"], it["index"])
                for it in data["offers"]
            ]
        for st, item in zip(self.offers, data["offers"], strict=True):
            st.reached = np.array(item["reached"], copy=True)
            st.running = bool(item["running"])
        self.history = [tuple(h) for h in data["history"]]
        self._rebuild()
