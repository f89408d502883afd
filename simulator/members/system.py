"""The membership systems as one component of the day (docs/model.md §11).

The day calls :meth:`MembershipSystems.run` (stage "membership systems"), and the
visit, complaint and referral stages tell it what the firm just observed. With no
survey, lifecycle, warning or behaviour section in the live scenario every call returns
at once: nothing is allocated, drawn or recorded, so existing results do not move.
Its state is allocated the first day a system is on (a strategy may switch one on after
the warm-up), and it is part of snapshots and forks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.engine.state import NEVER
from simulator.members import behaving, observe, reporting, surveying
from simulator.members.state import MemberColumns
from simulator.members.surveys import Wave
from simulator.members.warning import Scorecard

if TYPE_CHECKING:
    from simulator.config.schema import Campaign, Scenario
    from simulator.engine.context import DayContext


def wanted(config: Scenario) -> bool:
    """Whether any membership system is on in ``config``."""
    f = config.firm
    return bool(
        f.surveys
        or f.lifecycle is not None
        or f.warning is not None
        or (f.programme is not None and f.programme.behaviour is not None)
    )


class MembershipSystems:
    """Surveys, lifecycle stages, the churn early warning and behaviour points.

    Parameters
    ----------
    ctx
        The model's day context.
    """

    def __init__(self, ctx: DayContext) -> None:
        self.ctx = ctx
        self.cols: MemberColumns | None = None
        self.waves: dict[str, Wave] = {}
        self.results: list[dict[str, Any]] = []
        self.scorecard = Scorecard()
        self.quarter_stage: np.ndarray | None = None
        self.transitions: list[dict[str, Any]] = []
        self.totals: dict[str, float] = {}
        self.today: dict[str, float] = {}
        self.lead_times: list[np.ndarray] = []
        self.members_start = 0
        self.period: dict[str, float] = {}
        self.periods: list[dict[str, Any]] = []

    @property
    def on(self) -> bool:
        """Any system on in the live scenario."""
        return wanted(self.ctx.config)

    def records(self) -> MemberColumns:
        """The per-customer records, allocated on first use."""
        if self.cols is None:
            p = self.ctx.pop
            self.cols = MemberColumns.empty(p.n, p.alive, self.ctx.day)
        return self.cols

    def book(self, key: str, amount: float) -> None:
        """Add to today's flow ``key`` (totals are kept at the end of the day)."""
        self.today[key] = self.today.get(key, 0.0) + amount

    @property
    def cost_today(self) -> float:
        """Today's cost of surveys and policing, which net margin bears."""
        return self.today.get("survey_cost", 0.0) + self.today.get("policing_cost", 0.0)

    # ------------------------------------------------------------ observations

    def on_visit(self, rows: np.ndarray, s: np.ndarray, basket: np.ndarray) -> None:
        """Focal visits today, with each visit's transaction satisfaction and basket."""
        if rows.size == 0 or not self.on:
            return
        cols = self.records()
        observe.count_visits(self.ctx, cols, rows, basket)
        surveying.after_visit(self, rows, s)

    def on_complaint(self, rows: np.ndarray) -> None:
        """Complaints filed today."""
        if rows.size and self.on:
            self.records().last_complaint_day[rows] = self.ctx.day

    def on_resolved(self, rows: np.ndarray, waited: np.ndarray, resolved: np.ndarray) -> None:
        """Complaints the desk closed today: who, how long they waited, resolved or not."""
        if rows.size == 0 or not self.on:
            return
        self.records().last_unresolved_day[rows[~resolved]] = self.ctx.day
        surveying.after_complaint(self, rows, waited, resolved)

    def on_referral(self, referrers: np.ndarray) -> None:
        """Referrals converted today: behaviour points for the referrers."""
        if referrers.size and self.on:
            behaving.referral_points(self, referrers)

    # ------------------------------------------------------------ the stage

    def run(self, ctx: DayContext) -> None:
        """Stage "membership systems": losses and their reasons, periodic surveys,
        stages, the warning rule, behaviour points, and the day's metrics."""
        if not self.on:
            return
        cols = self.records()
        observe.record_losses(self, cols)
        surveying.periodic(self)
        observe.stage_customers(self, cols)
        observe.warn(self, cols)
        behaving.run(self)
        surveying.close_waves(self)
        reporting.record_day(self)
        # Today's purchases count undecayed today; forgetting starts tomorrow.
        observe.decay_rates(ctx, cols)
        for k, v in self.today.items():
            self.totals[k] = self.totals.get(k, 0.0) + v

    def end_day(self) -> None:
        """Start the next day's flows."""
        self.today = {}

    def refine(self, spec: Campaign, mask: np.ndarray) -> np.ndarray:
        """A campaign's target narrowed by what the firm observes (stages, the warning
        flag, churn reasons), or by the oracle (§11.3)."""
        return observe.refine_target(self, spec, mask)

    # ------------------------------------------------------------ outputs

    def reset_counters(self) -> None:
        """Start the reported window: totals, waves, scorecard and transitions anew."""
        self.totals = {}
        self.results = []
        self.waves = {}
        self.scorecard = Scorecard()
        self.transitions = []
        self.lead_times = []
        self.quarter_stage = None if self.cols is None else self.cols.stage.copy()
        p = self.ctx.pop
        self.members_start = int((p.member & p.alive).sum())
        self.period = {}
        self.periods = []

    def columns(self) -> dict[str, np.ndarray]:
        """Per-customer columns for customers.parquet: the stage and the warning flag."""
        if self.cols is None:
            return {}
        c = self.cols
        out: dict[str, np.ndarray] = {}
        if self.ctx.config.firm.lifecycle is not None:
            out["lifecycle_stage"] = c.stage
        if self.ctx.config.firm.warning is not None:
            out["warning_flag"] = c.flagged
            out["flagged_since"] = np.where(c.flagged, c.flagged_since, NEVER).astype(np.int16)
            out["churn_reason"] = c.reason
        if any(s.kind == "nps" for s in self.ctx.config.firm.surveys):
            out["nps_answer"] = c.nps_answer
        return out

    def summary(self) -> dict[str, Any]:
        """KPIs for summary.json (none when every system is off)."""
        return reporting.summary(self) if self.cols is not None else {}

    def snapshot(self) -> dict[str, Any] | None:
        """Plain data, or None when nothing has been allocated."""
        if self.cols is None:
            return None
        return {
            "cols": self.cols.snapshot(),
            "waves": {k: w.snapshot() for k, w in self.waves.items()},
            "results": [dict(r) for r in self.results],
            "scorecard": self.scorecard.snapshot(),
            "quarter_stage": None if self.quarter_stage is None else self.quarter_stage.copy(),
            "transitions": [dict(t) for t in self.transitions],
            "totals": dict(self.totals),
            "lead_times": [a.copy() for a in self.lead_times],
            "members_start": self.members_start,
            "period": dict(self.period),
            "periods": [dict(x) for x in self.periods],
        }

    def restore(self, data: dict[str, Any] | None) -> None:
        """The inverse of :meth:`snapshot`."""
        if data is None:
            return
        self.cols = MemberColumns.from_snapshot(data["cols"])
        self.waves = {
            k: Wave(
                kind=w["kind"],
                frame=np.array(w["frame"]),
                answered=np.array(w["answered"]),
                invited=w["invited"],
                cost=w["cost"],
            )
            for k, w in data["waves"].items()
        }
        self.results = [dict(r) for r in data["results"]]
        self.scorecard = Scorecard.from_snapshot(data["scorecard"])
        q = data["quarter_stage"]
        self.quarter_stage = None if q is None else np.array(q)
        self.transitions = [dict(t) for t in data["transitions"]]
        self.totals = dict(data["totals"])
        self.lead_times = [np.array(a) for a in data["lead_times"]]
        self.members_start = int(data["members_start"])
        self.period = dict(data["period"])
        self.periods = [dict(x) for x in data["periods"]]
