"""What the firm observes each day and the labels it derives (docs/model.md §11.2-11.3):
purchase rates, losses and their reasons, lifecycle stages, the warning flag, and
campaign targets built on them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.config.members import REASONS, STAGES, Lifecycle, WarningRule
from simulator.engine.state import ACTIVE, LAPSED, NEVER
from simulator.mechanisms.defection import perceived_satisfaction, switching_cost
from simulator.members import lifecycle as lc
from simulator.members import reasons as rs
from simulator.members import warning as wr

if TYPE_CHECKING:
    from simulator.config.schema import Campaign
    from simulator.engine.context import DayContext
    from simulator.members.base import Systems
    from simulator.members.state import MemberColumns

# A customer is "current" to the firm with a purchase in this many days (survey frames,
# the warning's population).
CURRENT_DAYS = 365
# The scorecard's checkpoints: monthly keeps a few pending at a 90-day horizon.
SCORE_EVERY = 30
QUARTER = 91
# A service failure this recent makes a dissatisfied defection a service-failure one.
FAILURE_DAYS = 30


def _lifecycle(ctx: DayContext) -> Lifecycle:
    return ctx.config.firm.lifecycle or Lifecycle()


def count_visits(
    ctx: DayContext, cols: MemberColumns, rows: np.ndarray, basket: np.ndarray
) -> None:
    """Today's focal purchases feed the two purchase-rate averages."""
    life = _lifecycle(ctx)
    cols.fast[rows] += np.float32(-np.expm1(-1.0 / life.fast_days))
    cols.usual[rows] += np.float32(-np.expm1(-1.0 / life.usual_days))


def decay_rates(ctx: DayContext, cols: MemberColumns) -> None:
    """One day of forgetting for both averages (after today's use of them)."""
    life = _lifecycle(ctx)
    lc.decay(cols.fast, life.fast_days)
    lc.decay(cols.usual, life.usual_days)


def rates(
    ctx: DayContext, cols: MemberColumns, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Age, recency, recent and usual purchase rates of ``rows`` (customers who bought)."""
    p = ctx.pop
    d = ctx.day
    life = _lifecycle(ctx)
    age = (d - p.first_focal_day[rows].astype(np.int64)).astype(np.float64)
    recency = (d - p.last_focal_day[rows].astype(np.int64)).astype(np.float64)
    # The averages started when the records did: correct for that span at most.
    span = np.minimum(age, d - int(cols.observed_from[0]))
    recent = lc.corrected_rate(cols.fast[rows], span, life.fast_days)
    usual = lc.corrected_rate(cols.usual[rows], span, life.usual_days)
    return age, recency, recent, usual


def seen_rows(ctx: DayContext, days: int | None = None) -> np.ndarray:
    """Customers who ever bought from the firm (within ``days``, if given)."""
    p = ctx.pop
    if days is None:
        return np.flatnonzero(p.first_focal_day != NEVER)
    return np.flatnonzero(
        (p.last_focal_day != NEVER) & (p.last_focal_day.astype(np.int64) >= ctx.day - days)
    )


# ------------------------------------------------------------------ losses


def record_losses(sys: Systems, cols: MemberColumns) -> None:
    """Today's defections and category exits of customers: the reason of each, and for
    defections (what the warning is scored on) the day and whether the warning had
    flagged them (lead time). Leaving the category is random by construction (§3.1)."""
    ctx = sys.ctx
    p = ctx.pop
    d = ctx.day
    defected = np.flatnonzero((p.lapsed_day == d) & (p.relationship == LAPSED))
    left = np.flatnonzero(cols.was_alive & ~p.alive & (p.relationship == ACTIVE))
    np.copyto(cols.was_alive, p.alive)
    lost = np.concatenate([defected, left])
    if lost.size == 0:
        return
    cols.lost_day[defected] = d
    if ctx.config.firm.warning is None:
        return
    codes = np.concatenate(
        [_defection_reasons(ctx, cols, defected), np.full(left.size, rs.LEFT_CATEGORY, np.int8)]
    )
    cols.reason[lost] = codes
    for k, name in enumerate(REASONS):
        sys.book(f"churn_{name}", float((codes == k).sum()))
    # Warned: flagged at some refresh within the horizon before the defection.
    rule = ctx.config.firm.warning
    flagged = d - cols.last_flagged_day[defected].astype(np.int64) <= rule.horizon_days
    sys.book("defections", float(defected.size))
    sys.book("defections_unflagged", float((~flagged).sum()))
    if flagged.any():
        since = cols.flagged_since[defected[flagged]].astype(np.int64)
        sys.lead_times.append((d - since).astype(np.int32))


def _defection_reasons(ctx: DayContext, cols: MemberColumns, rows: np.ndarray) -> np.ndarray:
    if rows.size == 0:
        return np.zeros(0, np.int8)
    p = ctx.pop
    d = ctx.day
    dp = ctx.config.market.defection
    ch = ctx.config.market.choice
    s = perceived_satisfaction(p.satisfaction[rows], p.member[rows], dp.member_discount)
    tenure = d - p.active_since[rows].astype(np.int64)
    keep = np.exp(
        -dp.switching_cost_weight
        * switching_cost(
            tenure,
            procedural=ch.procedural_switching_cost,
            relational_max=ch.relational_switching_cost,
        )
    )
    floor = dp.h_min * keep
    sat = ctx.config.market.competitive_intensity * dp.h_max / (1 + np.exp(dp.k_s * (s - dp.s50)))
    offer = np.broadcast_to(np.asarray(ctx.offers.defection_hazard(rows), float), rows.shape)
    failed = (d - p.last_failure_day[rows].astype(np.int64) <= FAILURE_DAYS) | (
        d - cols.last_unresolved_day[rows].astype(np.int64) <= FAILURE_DAYS
    )
    u = ctx.streams.uniforms("churn_reason", d, rows)
    return rs.draw_reasons(floor, sat * keep, offer, failed, u)


# ------------------------------------------------------------------ stages


def stage_customers(sys: Systems, cols: MemberColumns) -> None:
    """Today's lifecycle stage of everyone who bought; quarterly transition counts."""
    ctx = sys.ctx
    life = ctx.config.firm.lifecycle
    if life is None:
        return
    rows = seen_rows(ctx)
    age, recency, recent, usual = rates(ctx, cols, rows)
    cols.stage[rows] = lc.stages(
        age,
        recency,
        recent,
        usual,
        new_days=life.new_days,
        growing_ratio=life.growing_ratio,
        declining_ratio=life.declining_ratio,
        dormant_gaps=life.dormant_gaps,
        dormant_min_days=life.dormant_min_days,
    )
    r = ctx.reported_day
    if r > 0 and r % QUARTER == 0:
        if sys.quarter_stage is not None:
            counts = lc.transition_counts(sys.quarter_stage, cols.stage)
            sys.transitions.append({"day": r, "counts": counts.tolist()})
        sys.quarter_stage = cols.stage.copy()


# ------------------------------------------------------------------ warning


def scores(ctx: DayContext, cols: MemberColumns, rows: np.ndarray, rule: WarningRule) -> np.ndarray:
    """The warning rule's score of ``rows`` from observable data only."""
    d = ctx.day
    _, recency, recent, usual = rates(ctx, cols, rows)
    complained = d - cols.last_complaint_day[rows].astype(np.int64) <= rule.complaint_days
    unresolved = d - cols.last_unresolved_day[rows].astype(np.int64) <= rule.complaint_days
    answered = d - cols.nps_day[rows].astype(np.int64) <= rule.survey_days
    parts = {
        "recency": lambda: wr.recency_score(recency, usual),
        "frequency_drop": lambda: wr.frequency_drop_score(recent, usual),
        "complaints": lambda: wr.complaint_score(complained, unresolved),
        "survey": lambda: wr.survey_score(cols.nps_answer[rows], answered),
    }
    if rule.rule != "combined":
        return np.asarray(parts[rule.rule](), dtype=np.float64)
    return wr.combined_score(
        parts["recency"](),
        parts["frequency_drop"](),
        parts["complaints"](),
        parts["survey"](),
        weights=(
            rule.weight_recency,
            rule.weight_frequency,
            rule.weight_complaints,
            rule.weight_survey,
        ),
    )


def warn(sys: Systems, cols: MemberColumns) -> None:
    """Refresh the warning flags; open and close the scorecard's checkpoints."""
    ctx = sys.ctx
    rule = ctx.config.firm.warning
    if rule is None:
        return
    d = ctx.day
    sys.scorecard.close_due(d, rule.horizon_days, cols.lost_day)
    r = ctx.reported_day
    if r % rule.evaluate_every_days == 0:
        rows = seen_rows(ctx, CURRENT_DAYS)
        score = scores(ctx, cols, rows, rule)
        flag = score >= rule.threshold
        new = rows[flag & ~cols.flagged[rows]]
        cols.flagged[:] = False
        cols.flagged[rows[flag]] = True
        cols.flagged_since[new] = d
        cols.last_flagged_day[rows[flag]] = d
    if r > 0 and r % SCORE_EVERY == 0:
        p = ctx.pop
        truth = np.flatnonzero(p.alive & (p.relationship == ACTIVE) & (p.first_focal_day != NEVER))
        rule_score = scores(ctx, cols, truth, rule)
        sys.scorecard.open(d, truth.astype(np.int32), rule_score, 10.0 - p.satisfaction[truth])


# ------------------------------------------------------------------ targeting


def refine_target(sys: Systems, spec: Campaign, mask: np.ndarray) -> np.ndarray:
    """Narrow a campaign's target by stage, churn reason, the warning flag or the oracle."""
    if spec.target == "everyone" and not spec.stages and not spec.reasons:
        return mask
    cols = sys.records()
    out = mask.copy()
    if spec.stages:
        out &= np.isin(cols.stage, [STAGES.index(s) for s in spec.stages])
    if spec.reasons:
        out &= np.isin(cols.reason, [REASONS.index(s) for s in spec.reasons])
    if spec.target == "warning":
        out &= cols.flagged
    elif spec.target == "oracle":
        # As many as the rule flags, chosen by true satisfaction: perfect knowledge at
        # the same budget.
        k = int((out & cols.flagged).sum())
        idx = np.flatnonzero(out)
        pick = idx[np.argsort(sys.ctx.pop.satisfaction[idx], kind="stable")[:k]]
        out[:] = False
        out[pick] = True
    return out
