"""What a running programme reports: daily metrics and its summary (docs/model.md §7)."""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.programme.accounting import COST_KEYS, programme_cost, programme_cost_cash

# ``prog`` is a simulator.programme.facade.Programme (not imported: it imports this).


def day_metrics(prog: Any) -> dict[str, float]:
    """Programme metrics of the day (docs/model.md §7: points, accounting, tiers)."""
    outstanding = float(prog.state.points_balance.sum(dtype=np.int64))
    liability = outstanding * prog.rules.point_value * (1.0 - prog.expected_breakage())
    out = prog.accounts.points_metrics(outstanding, liability)
    out["members"] = float(prog.members().sum())
    out["programme_cost"] = programme_cost(prog.accounts.flows)
    out["programme_cost_cash"] = programme_cost_cash(prog.accounts.flows)
    for k in COST_KEYS:
        out[f"programme_{k}"] = prog.accounts.flows.get(k, 0.0)
    return out


def summary(prog: Any) -> dict[str, Any]:
    """Programme KPIs for ``summary.json``."""
    out = prog.accounts.summary()
    t = prog.accounts.totals
    outstanding = int(prog.state.points_balance.sum(dtype=np.int64))
    out["points_outstanding"] = outstanding
    out["points_outstanding_opening"] = int(prog.accounts.opening_outstanding)
    out["points_liability"] = (
        outstanding * prog.rules.point_value * (1.0 - prog.expected_breakage())
    )
    out["deferred_revenue"] = prog.accounts.ledger.contract_liability
    out["members"] = int(prog.members().sum())
    out["promotions"] = int(prog.ladder.promotions)
    out["demotions"] = int(prog.ladder.demotions)
    # Reviews of the reported window, dated in its days like every other output.
    start = prog.ctx.report_start
    out["tier_reviews"] = [
        {**review, "day": review["day"] - start}
        for review in prog.ladder.reviews
        if review["day"] > start
    ]
    out["campaigns"] = [c.report() for c in prog.campaigns]
    # Gross ROI: members' margin net of programme cost per unit of cost. It is not
    # incremental; `compare` reports the incremental figure against a baseline. Members'
    # margin is their revenue at the firm's realised margin ratio (unit cost of goods
    # and quality cost included, docs/model.md §4.4).
    cost = out["programme_cost"]
    totals = prog.ctx.totals
    ratio = totals.gross_margin / totals.revenue if totals.revenue > 0 else 0.0
    margin = t.get("member_revenue", 0.0) * ratio
    out["programme_roi"] = (margin - cost) / cost if cost > 0 else None
    if prog.tier_labels():
        out["members_by_tier"] = prog.ladder.members_by_tier(prog.rules, prog.members())
    return out
