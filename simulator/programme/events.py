"""The programme's dated actions and its changes mid-run (docs/model.md §4.2-4.3, §5.3).

Tier reviews, points expiry and campaign windows are calendar actions named
``programme.<hook>`` on Mesa's event list. A scheduled change or a strategy that alters
the programme is applied by :meth:`ProgrammeEvents.reconfigure`, which rebuilds the
derived rules and moves the dated actions, so every programme key takes effect.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.config.schema import Programme as ProgrammeSpec
from simulator.engine.state import ACTIVE, LAPSED
from simulator.programme import campaigns as camp
from simulator.programme import points as pts
from simulator.programme.campaigns import CampaignState
from simulator.programme.rules import ProgrammeRules

if TYPE_CHECKING:
    from simulator.engine.context import DayContext
    from simulator.programme.accounting import Accounts
    from simulator.programme.state import ProgrammeState
    from simulator.programme.tiers import TierLadder

ACTIONS = (
    "review",
    "expire_rolling",
    "expire_calendar",
    "grace_end",
    "campaign_start",
    "campaign_end",
)


class ProgrammeEvents:
    """Dated actions, snapshots and reconfiguration of a :class:`Programme`."""

    ctx: DayContext
    rules: ProgrammeRules
    state: ProgrammeState
    ladder: TierLadder
    accounts: Accounts
    campaigns: list[CampaignState]

    @property
    def spec(self) -> ProgrammeSpec:  # pragma: no cover - defined by the facade
        raise NotImplementedError

    def tier_labels(self) -> list[str]:  # pragma: no cover - defined by the facade
        raise NotImplementedError

    def _basket(self, rows: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    # ---------------------------------------------------------------- booking

    def schedule(self, first_day: int = 1) -> None:
        """Book reviews, expiry and campaign windows from ``first_day`` on."""
        self._book_review(first_day)
        self._book_expiry(first_day)
        for i in range(len(self.campaigns)):
            self._book_campaign(i, first_day)

    def _book_review(self, first_day: int) -> None:
        if self.tier_labels():
            every = self.spec.tiers.review_every_days
            # Reviews fall half a day before the first day of the next window.
            self.ctx.calendar.at(first_day - 1 + every + 0.5, "programme.review", every=every)

    def _book_expiry(self, first_day: int) -> None:
        cal = self.ctx.calendar
        expiry = self.spec.expiry
        if expiry.kind == "rolling":
            # Period boundaries are fixed on the calendar (bucket k holds days
            # k*P+1..(k+1)*P), so expiry falls before the first day of each period.
            period = self.rules.period
            k = max(1, math.ceil((first_day - 1) / period))
            cal.at(k * period + 0.5, "programme.expire_rolling", every=period)
        elif expiry.kind == "calendar":
            at = expiry.day_of_year + 0.5
            while at < first_day - 0.5:
                at += 365
            cal.at(at, "programme.expire_calendar", every=365)

    def _book_campaign(self, index: int, first_day: int) -> None:
        # Campaign days are days of the reported window (docs/model.md §10).
        spec = self.campaigns[index].spec
        r = self.ctx.report_start
        if r + spec.end < first_day - 1:
            return
        cal = self.ctx.calendar
        start = max(r + max(spec.start, 1), first_day)
        cal.at(start - 0.5, "programme.campaign_start", index)
        cal.at(r + spec.end + 0.5, "programme.campaign_end", index)

    def handle(self, action: str, *args: Any) -> None:
        """Run the dated action ``action`` (one of :data:`ACTIONS`)."""
        if action not in ACTIONS:
            raise KeyError(f"unknown programme action {action!r}")
        getattr(self, f"_{action}")(*args)

    # ---------------------------------------------------------------- actions

    def _expire_rolling(self) -> None:
        """Start of a new period: the bucket about to be reused holds the oldest points."""
        st = self.state
        d = self.ctx.day  # the event runs half a day before the period's first day
        lapsed = pts.expire_buckets(st.buckets, st.points_balance, self.rules.current_bucket(d))
        if lapsed:
            self.accounts.book("points_expired", lapsed)

    def _expire_calendar(self) -> None:
        st = self.state
        lapsed = pts.expire_buckets(st.buckets, st.points_balance, slice(None))
        if lapsed:
            self.accounts.book("points_expired", lapsed)

    def _review(self) -> None:
        """Tier review (docs/model.md §4.2): demote members below their tier's threshold.

        With a grace period the demotion is only announced: it applies ``grace_days``
        later to those who have not requalified in the meantime.
        """
        ctx = self.ctx
        d = ctx.day
        p = ctx.pop
        members = np.flatnonzero(p.member & p.alive)
        self.ladder.review(self.rules, d, members)
        grace = self.spec.tiers.grace_days
        if grace > 0:
            ctx.calendar.at(d + grace - 0.5, "programme.grace_end")
        else:
            self._demote(*self.ladder.take_pending())

    def _grace_end(self) -> None:
        self._demote(*self.ladder.end_grace(self.rules, self.ctx.pop.alive))

    def _demote(self, rows: np.ndarray, new: np.ndarray) -> None:
        ctx = self.ctx
        self.ladder.demote(rows, new, ctx.day)
        if rows.size and ctx.config.modules.satisfaction:
            p = ctx.pop
            drop = self.spec.demotion_satisfaction_drop
            p.satisfaction[rows] = np.maximum(p.satisfaction[rows] - drop, 0.0)

    def _campaign_start(self, index: int) -> None:
        ctx = self.ctx
        p = ctx.pop
        d = ctx.day
        c = self.campaigns[index]
        spec = c.spec
        seg_names = [s.name for s in ctx.config.market.segments]
        seg_codes = (
            [seg_names.index(s) for s in spec.segments if s in seg_names] if spec.segments else None
        )
        names = self.rules.tier_names
        tier_codes = [names.index(t) for t in spec.tiers if t in names] if spec.tiers else None
        if spec.kind == "winback_offer":
            eligible = p.alive & (p.relationship == LAPSED)
        else:
            eligible = p.alive & (p.relationship == ACTIVE)
            if spec.kind == "bonus_points":
                eligible &= p.member
        since = d - p.last_focal_day.astype(np.int32)
        mask = camp.target_mask(
            segment=p.segment,
            segment_codes=seg_codes,
            tier=self.state.tier,
            tier_codes=tier_codes,
            satisfaction=p.satisfaction,
            max_satisfaction=spec.max_satisfaction,
            min_satisfaction=spec.min_satisfaction,
            days_since_visit=since,
            min_days_since_visit=spec.min_days_since_visit,
            eligible=eligible,
        )
        mask = ctx.members.refine(spec, mask)
        u = ctx.streams.get(f"campaign_{spec.name}").random(p.n)
        hit = camp.reached(mask, spec.reach, u)
        c.reached = np.flatnonzero(hit)
        c.holdout = np.flatnonzero(mask & ~hit)
        c.running = True
        contact = spec.cost_per_contact * c.reached.size
        c.cost += contact
        self.accounts.book("cost_campaigns", contact)
        share = spec.value / np.maximum(self._basket(c.reached), 1e-6)
        st = self.state
        if spec.kind == "winback_offer":
            st.winback_share[c.reached] = np.maximum(st.winback_share[c.reached], share)
        elif spec.kind == "retention_offer":
            st.retention_share[c.reached] = np.maximum(st.retention_share[c.reached], share)
            # The offer is used on the first visit; its value is booked then.
        ctx.log.events.append((ctx.reported_day, f"campaign {spec.name} starts"))

    def _campaign_end(self, index: int) -> None:
        c = self.campaigns[index]
        c.running = False
        if c.spec.kind == "winback_offer":
            self.state.winback_share[c.reached] = 0.0
        elif c.spec.kind == "retention_offer":
            self.state.retention_share[c.reached] = 0.0
        self.ctx.log.events.append((self.ctx.reported_day, f"campaign {c.spec.name} ends"))

    # -------------------------------------------------------------- mid-run

    def reconfigure(self, spec: ProgrammeSpec) -> None:
        """Apply a changed programme section from today on (docs/model.md §5.3).

        Derived arrays are rebuilt; a new expiry rule re-buckets the points at their
        age; a new ladder keeps members in the tier of the same name; a new review
        cadence, expiry rule or campaign list moves the dated actions.
        """
        old = self.rules
        new = ProgrammeRules.from_spec(spec)
        self.rules = new
        d = self.ctx.day
        cal = self.ctx.calendar
        if old.spec.expiry != spec.expiry:
            st = self.state
            st.buckets = pts.rebucket(
                st.buckets,
                old.current_bucket(d),
                old.period,
                new.n_buckets,
                new.current_bucket(d),
                new.period,
            )
            cal.cancel("programme.expire_rolling")
            cal.cancel("programme.expire_calendar")
            self._book_expiry(d)
        if old.tier_names != new.tier_names or not np.array_equal(
            old.tier_thresholds, new.tier_thresholds
        ):
            self.ladder.remap(old, new)
        if (
            old.spec.tiers.review_every_days != spec.tiers.review_every_days
            or old.has_tiers != new.has_tiers
        ):
            cal.cancel("programme.review")
            self._book_review(d)
        if old.spec.campaigns != spec.campaigns:
            self._replan_campaigns(spec, d)

    def _replan_campaigns(self, spec: ProgrammeSpec, day: int) -> None:
        cal = self.ctx.calendar
        for i, c in enumerate(self.campaigns):
            cal.cancel("programme.campaign_start", i)
            cal.cancel("programme.campaign_end", i)
            if c.running:
                self._campaign_end(i)
        kept = {c.spec.name: c for c in self.campaigns}
        self.campaigns = []
        for i, cspec in enumerate(spec.campaigns):
            old = kept.get(cspec.name)
            state = CampaignState(cspec) if old is None else old
            state.spec = cspec
            self.campaigns.append(state)
            self._book_campaign(i, day)

    # -------------------------------------------------------------- snapshots

    def snapshot(self) -> dict[str, Any]:
        """The programme as plain data (its rules come from the scenario)."""
        return {
            "state": self.state.snapshot(),
            "accounts": self.accounts.snapshot(),
            "ladder": self.ladder.snapshot(),
            "campaigns": [c.snapshot() for c in self.campaigns],
        }

    def restore(self, data: dict[str, Any]) -> None:
        """The inverse of :meth:`snapshot`, on a programme built from the same spec."""
        from simulator.programme.state import ProgrammeState

        self.state = ProgrammeState.from_snapshot(data["state"])
        self.ladder.state = self.state
        self.ladder.restore(data["ladder"])
        self.accounts.restore(data["accounts"])
        self.campaigns = [
            CampaignState.from_snapshot(c.spec, snap)
            for c, snap in zip(self.campaigns, data["campaigns"], strict=True)
        ]
