"""What the membership systems report: daily metrics and the summary (docs/model.md §11).

Every name here is declared in :mod:`simulator.metrics.registry`. Nothing is recorded
for a system that is off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.config.members import REASONS, STAGES
from simulator.members import growth
from simulator.members import lifecycle as lc
from simulator.members.behaving import ACTIONS, cheat_share
from simulator.programme.facade import Programme

if TYPE_CHECKING:
    from simulator.members.base import Systems

BEHAVIOUR_FLOWS = ("cheating_points", "points_clawed_back")


def record_day(sys: Systems) -> None:
    """Today's metrics of the systems that are on."""
    ctx = sys.ctx
    f = ctx.config.firm
    t = sys.today
    values: dict[str, float] = {"membership_cost": sys.cost_today}
    cols = sys.cols
    assert cols is not None
    if f.lifecycle is not None:
        counts = np.bincount(cols.stage[cols.stage >= 0], minlength=len(STAGES))
        values.update({f"stage_{name}": float(counts[k]) for k, name in enumerate(STAGES)})
    if f.warning is not None:
        values["warning_flagged"] = float(cols.flagged.sum())
    if f.programme is not None and f.programme.behaviour is not None:
        values["behaviour_points"] = sum(t.get(f"behaviour_points_{k}", 0.0) for k in ACTIONS)
        values["behaviour_points"] += t.get("behaviour_points_referrals", 0.0)
        for k in BEHAVIOUR_FLOWS:
            values[k] = t.get(k, 0.0)
    if isinstance(ctx.programme, Programme):
        growth.record_day(sys, ctx.programme, values)
    ctx.metrics.add_many(ctx.reported_day, values)


def _mean(values: list[float]) -> float:
    arr = np.array([v for v in values if v == v], dtype=np.float64)
    return float(arr.mean()) if arr.size else float("nan")


def summary(sys: Systems) -> dict[str, Any]:
    """KPIs of the systems that are on, for summary.json."""
    ctx = sys.ctx
    f = ctx.config.firm
    t = sys.totals
    out: dict[str, Any] = {
        "membership_cost": t.get("survey_cost", 0.0) + t.get("policing_cost", 0.0)
    }
    if f.surveys:
        out.update(_surveys(sys))
    if f.lifecycle is not None:
        out.update(_lifecycle(sys))
    if f.warning is not None:
        out.update(_warning(sys))
    if f.programme is not None and f.programme.behaviour is not None:
        out.update(_behaviour(sys))
    if isinstance(ctx.programme, Programme):
        out.update(growth.summary(sys, ctx.programme))
    return out


def _surveys(sys: Systems) -> dict[str, Any]:
    out: dict[str, Any] = {"survey_cost": sys.totals.get("survey_cost", 0.0)}
    for spec in sys.ctx.config.firm.surveys:
        waves = [r for r in sys.results if r["kind"] == spec.kind]
        k = spec.kind
        for key in ("measured", "true", "bias", "ci"):
            out[f"survey_{k}_{key}"] = _mean([w[key] for w in waves])
        out[f"survey_{k}_abs_bias"] = _mean([abs(w["bias"]) for w in waves])
        invited = sum(w["invited"] for w in waves)
        responses = sum(w["responses"] for w in waves)
        out[f"survey_{k}_responses"] = responses
        out[f"survey_{k}_response_rate"] = responses / invited if invited else float("nan")
    out["survey_waves"] = [dict(r) for r in sys.results]
    return out


def _lifecycle(sys: Systems) -> dict[str, Any]:
    cols = sys.cols
    assert cols is not None
    counts = np.bincount(cols.stage[cols.stage >= 0], minlength=len(STAGES))
    out: dict[str, Any] = {f"stage_{n}": int(counts[k]) for k, n in enumerate(STAGES)}
    total = np.zeros((len(STAGES), len(STAGES)))
    for q in sys.transitions:
        total += np.asarray(q["counts"])
    shares = lc.transition_shares(total)
    out["lifecycle_transitions"] = [
        {"from": a, "to": b, "customers": int(total[i, j]), "share": float(shares[i, j])}
        for i, a in enumerate(STAGES)
        for j, b in enumerate(STAGES)
    ]
    return out


def _warning(sys: Systems) -> dict[str, Any]:
    rule = sys.ctx.config.firm.warning
    assert rule is not None and sys.cols is not None
    t = sys.totals
    out: dict[str, Any] = dict(sys.scorecard.report(rule.threshold))
    lost = t.get("defections", 0.0)
    out["warning_never_flagged_share"] = t.get("defections_unflagged", 0.0) / lost if lost else None
    leads = np.concatenate(sys.lead_times) if sys.lead_times else np.zeros(0)
    out["warning_lead_time_days"] = float(np.median(leads)) if leads.size else None
    out["warning_flagged"] = int(sys.cols.flagged.sum())
    out["warning_pr_curve"] = sys.scorecard.curve()
    for name in REASONS:
        out[f"churn_{name}"] = int(t.get(f"churn_{name}", 0.0))
    return out


def _behaviour(sys: Systems) -> dict[str, Any]:
    prog = sys.ctx.programme
    spec = sys.ctx.config.firm.programme
    assert isinstance(prog, Programme) and spec is not None and spec.behaviour is not None
    t = sys.totals
    out: dict[str, Any] = {}
    cost_per_point = prog.rules.point_cost * (1.0 - prog.expected_breakage())
    rules = []
    for kind in (*ACTIONS, "referrals"):
        pts = t.get(f"behaviour_points_{kind}", 0.0)
        out[f"behaviour_points_{kind}"] = int(pts)
        rules.append({"rule": kind, "points": int(pts), "cost": pts * cost_per_point})
    for k in (
        "cheating_points",
        "points_clawed_back",
        "false_positives",
        "cheats_caught",
        "memberships_cancelled",
        "behaviour_listeners",
    ):
        out[k] = int(t.get(k, 0.0))
    out["policing_cost"] = t.get("policing_cost", 0.0)
    out["cheating_share"] = cheat_share(spec.behaviour, prog.rules.point_value)[0]
    net_cheat = t.get("cheating_points", 0.0) - t.get("points_clawed_back", 0.0)
    out["cheating_cost"] = max(net_cheat, 0.0) * cost_per_point
    out["behaviour_rules"] = rules
    return out
