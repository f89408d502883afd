"""The programme's books: points flows, programme cost and the IFRS 15 ledger
(docs/model.md §4.4).

Flows are booked during the day (by visits, and by events such as expiry that run
before the day's customers) and closed into the totals at the end of the day.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulator.programme import points as pts
from simulator.programme.ifrs15 import DeferredRevenueLedger

# Prior for breakage until enough points have settled to measure it (Colloquy 2011:
# about a third of rewards go unredeemed); weighted as this many reward thresholds.
BREAKAGE_PRIOR = 0.3
BREAKAGE_PRIOR_WEIGHT = 20.0

# The parts of programme cost (docs/model.md §4.4) and the daily points flows.
COST_KEYS = (
    "cost_rewards",
    "cost_tier_benefits",
    "cost_campaigns",
    "cost_referrals",
    "cost_running",
)
POINT_FLOWS = ("points_issued", "points_redeemed", "points_expired")


def programme_cost(flows: dict[str, float]) -> float:
    """Programme cost: rewards, tier benefits, campaigns, referrals and running cost."""
    return sum(flows.get(k, 0.0) for k in COST_KEYS)


def programme_cost_cash(flows: dict[str, float]) -> float:
    """Programme cost with rewards costed when redeemed (the cash view)."""
    return (
        programme_cost(flows) - flows.get("cost_rewards", 0.0) + flows.get("cost_rewards_cash", 0.0)
    )


def _new_flows() -> dict[str, float]:
    return dict.fromkeys((*POINT_FLOWS, *COST_KEYS, "cost_rewards_cash"), 0.0)


class Accounts:
    """Flows of the day, totals of the run, and the deferred-revenue ledger."""

    def __init__(self) -> None:
        self.flows: dict[str, float] = _new_flows()
        self.totals: dict[str, float] = self._new_totals()
        self.ledger = DeferredRevenueLedger()
        # Expected cost of the points outstanding: what accrual has booked and not yet
        # paid out (docs/model.md §4.4).
        self.provision = 0.0
        self.opening_outstanding = 0.0
        # Points whose fate is settled since the programme opened: the breakage
        # estimate learns from them, across the end of the warm-up (the reported
        # totals restart there; what the firm has learnt does not).
        self.settled = {"points_redeemed": 0.0, "points_expired": 0.0}

    @staticmethod
    def _new_totals() -> dict[str, float]:
        return dict.fromkeys(
            (*POINT_FLOWS, "rewards_redeemed", *COST_KEYS, "cost_rewards_cash"), 0.0
        )

    def reset_totals(self, outstanding: float) -> None:
        """Start the reported window: totals from zero, the points held as opening."""
        self.totals = self._new_totals()
        self.opening_outstanding = outstanding

    def book(self, key: str, amount: float) -> None:
        """Add ``amount`` to today's flow ``key``."""
        self.flows[key] = self.flows.get(key, 0.0) + amount

    def expected_breakage(self, first_threshold: float) -> float:
        """Breakage estimate: observed settled points shrunk toward a prior."""
        t = self.settled
        w = BREAKAGE_PRIOR_WEIGHT * float(first_threshold)
        return (t["points_expired"] + BREAKAGE_PRIOR * w) / (
            t["points_expired"] + t["points_redeemed"] + w
        )

    def record_issue(
        self, paid: np.ndarray, issued: float, point_value: float, redemption_rate: float
    ) -> None:
        """Points issued on sales of ``paid``: the flow and the IFRS 15 allocation."""
        self.book("points_issued", issued)
        if issued or paid.sum():
            self.ledger.record_sales(float(paid.sum()), issued, point_value, redemption_rate)

    def close_into_totals(self) -> None:
        """Add today's flows to the totals."""
        for k, v in self.flows.items():
            self.totals[k] = self.totals.get(k, 0.0) + v
        for k in self.settled:
            self.settled[k] += self.flows[k]

    def new_day(self) -> None:
        """Start the next day's flows (events before the next step book into them)."""
        self.flows = _new_flows()

    def end_day(self, running_cost: float, redemption_rate: float, provision: float) -> float:
        """Running cost, rewards on accrual, the ledger's release of the day, totals;
        returns the day's programme cost (accrual view).

        Rewards are costed when points are issued: the day's reward cost is what was
        redeemed plus the change in the provision for the points outstanding
        (``provision``: outstanding x cost per point x (1 - expected breakage)), so
        redemptions and expiries true up the estimate (docs/model.md §4.4, v2).
        """
        self.flows["cost_running"] += running_cost
        self.flows["cost_rewards"] = self.flows["cost_rewards_cash"] + (provision - self.provision)
        self.provision = provision
        self.ledger.update_expected_redemption_rate(redemption_rate)
        self.ledger.record_redemptions(self.flows["points_redeemed"])
        self.flows["revenue_released"] = self.ledger.release()
        self.close_into_totals()
        return programme_cost(self.flows)

    def points_metrics(self, outstanding: float, liability: float) -> dict[str, float]:
        """The day's points and accounting metrics (docs/model.md §7)."""
        f = self.flows
        out = {
            "points_issued": f.get("points_issued", 0.0),
            "points_redeemed": f.get("points_redeemed", 0.0),
            "points_expired": f.get("points_expired", 0.0),
            "points_outstanding": outstanding,
            "points_liability": liability,
            "deferred_revenue": self.ledger.contract_liability,
            # Cumulative to date: expired / (redeemed + expired) of the points settled.
            "breakage_rate": pts.breakage_rate(
                self.totals["points_redeemed"], self.totals["points_expired"]
            ),
        }
        return out

    def summary(self) -> dict[str, Any]:
        """Totals for ``summary.json``, before the programme adds its state."""
        t = self.totals
        redeemed = t.get("points_redeemed", 0.0)
        expired = t.get("points_expired", 0.0)
        out: dict[str, Any] = {
            "programme_cost": programme_cost(t),
            "programme_cost_cash": programme_cost_cash(t),
            "points_issued": int(t.get("points_issued", 0.0)),
            "points_redeemed": int(redeemed),
            "points_expired": int(expired),
            "points_outstanding": 0,
            "breakage_rate": pts.breakage_rate(redeemed, expired),
            "points_liability": 0.0,
            "deferred_revenue": 0.0,
            "programme_roi": None,
        }
        for k in COST_KEYS:
            out[f"programme_{k}"] = t.get(k, 0.0)
        return out

    def snapshot(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "flows": dict(self.flows),
            "totals": dict(self.totals),
            "ledger": self.ledger.state(),
            "provision": self.provision,
            "opening_outstanding": self.opening_outstanding,
            "settled": dict(self.settled),
        }

    def restore(self, data: dict[str, Any]) -> None:
        """The inverse of :meth:`snapshot`."""
        self.flows = dict(data["flows"])
        self.totals = dict(data["totals"])
        self.ledger = DeferredRevenueLedger.from_state(data["ledger"])
        self.provision = data["provision"]
        self.opening_outstanding = data["opening_outstanding"]
        self.settled = dict(data["settled"])
