"""What a day moves, and what a run has moved so far (docs/model.md §3.8, §7).

Stages add to :class:`DayFlows`; at the end of the day the model adds the day's flows
to :class:`RunTotals`. Both are typed, so a misspelt flow is an ``AttributeError``, not a
silent new key.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(slots=True)
class DayFlows:
    """One day's flows: customers moved, money booked, messages spread, desk work."""

    acquired: float = 0.0
    defected: float = 0.0
    left_category: float = 0.0
    exits: float = 0.0
    entered: float = 0.0
    won_back: float = 0.0
    revenue: float = 0.0
    cost_of_goods: float = 0.0
    quality_cost: float = 0.0
    gross_margin: float = 0.0
    programme_cost: float = 0.0
    wom_positive: float = 0.0
    wom_negative: float = 0.0
    focal_visits: float = 0.0
    complaints: float = 0.0
    acquisition_cost: float = 0.0
    service_cost: float = 0.0
    category_purchases_active: float = 0.0
    wait_sum: float = 0.0
    closed: float = 0.0
    resolved: float = 0.0
    category_purchases: float = 0.0
    waited: float = 0.0


@dataclass(slots=True)
class RunTotals:
    """Cumulative flows since the start of the run (or of the reported window)."""

    acquired: float = 0.0
    defected: float = 0.0
    left_category: float = 0.0
    exits: float = 0.0
    entered: float = 0.0
    won_back: float = 0.0
    revenue: float = 0.0
    cost_of_goods: float = 0.0
    quality_cost: float = 0.0
    gross_margin: float = 0.0
    programme_cost: float = 0.0
    acquisition_cost: float = 0.0
    service_cost: float = 0.0
    wom_positive: float = 0.0
    wom_negative: float = 0.0
    referrals_made: float = 0.0
    referrals_converted: float = 0.0
    complaints: float = 0.0
    complaints_resolved: float = 0.0
    complaints_closed: float = 0.0
    acquired_by_advertising: float = 0.0
    acquired_by_wom: float = 0.0
    acquired_by_referral: float = 0.0
    focal_visits: float = 0.0
    category_purchases_active: float = 0.0
    wait_sum: float = 0.0
    closed: float = 0.0
    resolved: float = 0.0
    category_purchases: float = 0.0
    waited: float = 0.0

    def add(self, flows: DayFlows) -> None:
        """Add a day's flows."""
        for name in _FLOW_NAMES:
            setattr(self, name, getattr(self, name) + getattr(flows, name))

    def as_dict(self) -> dict[str, float]:
        """The totals as a plain mapping (snapshots)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunTotals:
        """The inverse of :meth:`as_dict`."""
        return cls(**data)


# Looked up once: ``fields()`` on every day's add was a measurable part of the day.
_FLOW_NAMES = tuple(f.name for f in fields(DayFlows))


def net_margin(
    gross_margin: float, programme_cost: float, service_cost: float, acquisition_cost: float
) -> float:
    """Net margin: gross margin less programme, complaint-desk and acquisition costs
    (docs/model.md §4.4)."""
    return gross_margin - programme_cost - service_cost - acquisition_cost
