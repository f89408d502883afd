"""Member growth statistics (issue 16, item 5): new members, growth rate, active-member
rate and members' share of revenue, per 30-day period and by segment and tier.

Recorded only when a membership system is on and a programme runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.engine.state import NEVER

if TYPE_CHECKING:
    from simulator.members.base import Systems
    from simulator.programme.facade import Programme

PERIOD = 30  # days of a reporting period
ACTIVE_MEMBER_DAYS = 90  # a member is active with a focal purchase this recent


def _active(sys: Systems, members: np.ndarray) -> float | None:
    p = sys.ctx.pop
    recent = p.last_focal_day[members].astype(np.int64) >= sys.ctx.day - ACTIVE_MEMBER_DAYS
    return float(recent.mean()) if members.size else None


def record_day(sys: Systems, prog: Programme, values: dict[str, float]) -> None:
    """Today's new members and member revenue; close a period every 30 days."""
    ctx = sys.ctx
    new = float((prog.state.join_day == ctx.day).sum())
    revenue = float(prog.accounts.flows.get("member_revenue", 0.0))
    values["members_new"] = new
    values["member_revenue"] = revenue
    acc = sys.period
    acc["new"] = acc.get("new", 0.0) + new
    acc["member_revenue"] = acc.get("member_revenue", 0.0) + revenue
    acc["revenue"] = acc.get("revenue", 0.0) + ctx.flows.revenue
    r = ctx.reported_day
    if r <= 0 or r % PERIOD:
        return
    p = ctx.pop
    members = np.flatnonzero(p.member & p.alive)
    start = acc.get("start", float(sys.members_start))
    sys.periods.append(
        {
            "day": r,
            "members": int(members.size),
            "members_new": int(acc["new"]),
            "member_growth_rate": (members.size - start) / start if start else None,
            "member_active_rate": _active(sys, members),
            "member_revenue_share": acc["member_revenue"] / acc["revenue"]
            if acc["revenue"]
            else None,
        }
    )
    sys.period.clear()
    sys.period["start"] = float(members.size)


def summary(sys: Systems, prog: Programme) -> dict[str, Any]:
    """Totals over the window, and the same by segment and by tier."""
    ctx = sys.ctx
    p = ctx.pop
    st = prog.state
    members = p.member & p.alive
    new = (st.join_day != NEVER) & (st.join_day.astype(np.int64) > ctx.report_start)
    start = sys.members_start
    revenue = ctx.totals.revenue
    out: dict[str, Any] = {
        "members_new": int(new.sum()),
        "member_growth_rate": (int(members.sum()) - start) / start if start else None,
        "member_active_rate": _active(sys, np.flatnonzero(members)),
        "member_revenue_share": prog.accounts.totals.get("member_revenue", 0.0) / revenue
        if revenue
        else None,
        "member_growth_by_period": [dict(x) for x in sys.periods],
    }
    groups = {
        "segment": (p.segment, [s.name for s in ctx.config.market.segments]),
        # Without a ladder every member is in the base tier (as in customers.parquet).
        "tier": (st.tier, prog.tier_labels() or ["base"]),
    }
    for by, (codes, labels) in groups.items():
        rows = []
        for k, label in enumerate(labels):
            m = members & (codes == k)
            rows.append(
                {
                    by: label,
                    "members": int(m.sum()),
                    "members_new": int((new & (codes == k)).sum()),
                    "member_active_rate": _active(sys, np.flatnonzero(m)),
                    "member_revenue": float(p.revenue[m].sum()),
                }
            )
        out[f"member_growth_by_{by}"] = rows
    return out
