"""Surveys in the day (docs/model.md §11.1): invitations, answers, waves and costs.

Every customer in the frame has an answer (what a census would collect), so the frame's
true score is known to the simulator; only invitees who respond reach the firm. Event
surveys (CSAT after a visit, CES after a complaint) collect over a month; periodic NPS
surveys invite their sample on the wave's day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.config.members import Survey
from simulator.members import surveys as sv
from simulator.members.observe import CURRENT_DAYS, seen_rows
from simulator.members.surveys import Wave

if TYPE_CHECKING:
    from simulator.members.base import Systems

EVENT_WAVE = 30
PERIOD = {"monthly": 30, "quarterly": 91}
RECENCY_DAYS = 30.0  # time constant of the recency trait, days [A]
ANSWER_SD = 0.8  # answer noise on CSAT and CES scales [A]


def _survey(sys: Systems, kind: str) -> Survey | None:
    return next((s for s in sys.ctx.config.firm.surveys if s.kind == kind), None)


def _respond(
    sys: Systems, spec: Survey, rows: np.ndarray, answers: np.ndarray, invited: np.ndarray
) -> np.ndarray:
    """Who of the invited answer: a logit in extremity, recency and engagement."""
    ctx = sys.ctx
    p = ctx.pop
    r = spec.response
    recency = np.exp(-(ctx.day - p.last_focal_day[rows].astype(np.float64)) / RECENCY_DAYS)
    prob = sv.response_probability(
        sv.extremity(answers, spec.kind),
        recency,
        p.member[rows].astype(np.float64),
        base_rate=r.base_rate,
        extremity_weight=r.extremity_weight,
        recency_weight=r.recency_weight,
        engagement_weight=r.engagement_weight,
        reminder=r.reminder_effect if r.reminder else 0.0,
        incentive=r.incentive,
        incentive_effect=r.incentive_effect,
    )
    u = ctx.streams.uniforms(f"survey_{spec.kind}_response", ctx.day, rows)
    return invited & (u < prob)


def _collect(
    sys: Systems, spec: Survey, rows: np.ndarray, answers: np.ndarray, invited: np.ndarray
) -> np.ndarray:
    responded = _respond(sys, spec, rows, answers, invited)
    wave = sys.waves.setdefault(spec.kind, Wave(spec.kind))
    wave.add(answers, invited, responded)
    n_resp = int(responded.sum())
    cost = (
        spec.cost_per_invitation * int(invited.sum())
        + (spec.cost_per_response + spec.response.incentive) * n_resp
    )
    wave.cost += cost
    sys.book("survey_cost", cost)
    sys.book("survey_responses", float(n_resp))
    return responded


def _invite(sys: Systems, spec: Survey, rows: np.ndarray) -> np.ndarray:
    u = sys.ctx.streams.uniforms(f"survey_{spec.kind}_invite", sys.ctx.day, rows)
    return u < spec.invitation_rate


def after_visit(sys: Systems, rows: np.ndarray, s: np.ndarray) -> None:
    """CSAT after today's visits, from each visit's transaction satisfaction."""
    spec = _survey(sys, "csat")
    if spec is None:
        return
    rng = sys.ctx.streams.get("survey_csat", sys.ctx.day)
    answers = sv.csat_answers(s, ANSWER_SD * rng.standard_normal(rows.size))
    _collect(sys, spec, rows, answers, _invite(sys, spec, rows))


def after_complaint(
    sys: Systems, rows: np.ndarray, waited: np.ndarray, resolved: np.ndarray
) -> None:
    """CES after each complaint the desk closed, from its wait and its outcome."""
    spec = _survey(sys, "ces")
    if spec is None:
        return
    ctx = sys.ctx
    level = ctx.config.firm.desk.service_level_days
    rng = ctx.streams.get("survey_ces", ctx.day)
    answers = sv.ces_answers(waited / level, resolved, ANSWER_SD * rng.standard_normal(rows.size))
    _collect(sys, spec, rows, answers, _invite(sys, spec, rows))


def periodic(sys: Systems) -> None:
    """A relationship NPS wave on its day: the frame, the sample, the answers."""
    spec = _survey(sys, "nps")
    ctx = sys.ctx
    if spec is None or ctx.reported_day % PERIOD[spec.schedule] != 0:
        return
    p = ctx.pop
    d = ctx.day
    # Customers who left the category cannot be reached [A].
    rows = seen_rows(ctx, CURRENT_DAYS)
    rows = rows[p.alive[rows]]
    if spec.frame == "members":
        rows = rows[p.member[rows]]
    elif spec.frame == "visitors":
        rows = rows[p.last_focal_day[rows].astype(np.int64) >= d - EVENT_WAVE]
    rng = ctx.streams.get("survey_nps", d)
    noise = ctx.config.market.word_of_mouth.ltr_noise * rng.standard_normal(rows.size)
    answers = sv.nps_answers(p.satisfaction[rows].astype(np.float64), noise)
    invited = _invite(sys, spec, rows)
    if spec.sample_size is not None and invited.sum() > spec.sample_size:
        chosen = rng.choice(np.flatnonzero(invited), spec.sample_size, replace=False)
        invited[:] = False
        invited[chosen] = True
    responded = _collect(sys, spec, rows, answers, invited)
    cols = sys.records()
    cols.nps_answer[rows[responded]] = answers[responded]
    cols.nps_day[rows[responded]] = d
    _close(sys, "nps")


def close_waves(sys: Systems) -> None:
    """Event surveys close a wave every month of the reported window."""
    r = sys.ctx.reported_day
    if r > 0 and r % EVENT_WAVE == 0:
        for kind in ("csat", "ces"):
            if _survey(sys, kind) is not None:
                _close(sys, kind)


def _close(sys: Systems, kind: str) -> None:
    wave = sys.waves.pop(kind, None)
    if wave is None:
        return
    result = wave.close(sys.ctx.reported_day)
    sys.results.append(result)
    values = {f"survey_{kind}_{k}": result[k] for k in ("measured", "true", "bias", "ci")}
    values[f"survey_{kind}_responses"] = result["responses"]
    values[f"survey_{kind}_response_rate"] = result["response_rate"]
    sys.ctx.metrics.add_many(sys.ctx.reported_day, values)
