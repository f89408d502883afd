"""Campaign targeting (docs/model.md §4.3): who a campaign is aimed at and who it reaches."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from simulator.config.schema import Campaign


def target_mask(
    *,
    segment: np.ndarray,
    segment_codes: list[int] | None,
    tier: np.ndarray | None,
    tier_codes: list[int] | None,
    satisfaction: np.ndarray,
    max_satisfaction: float | None,
    days_since_visit: np.ndarray,
    min_days_since_visit: int | None,
    eligible: np.ndarray,
    min_satisfaction: float | None = None,
) -> np.ndarray:
    """Boolean mask of customers a campaign targets: every given criterion must hold
    (segments, tiers, a satisfaction band, days since the last visit)."""
    mask = eligible.copy()
    if segment_codes is not None:
        mask &= np.isin(segment, segment_codes)
    if tier_codes is not None and tier is not None:
        mask &= np.isin(tier, tier_codes)
    if max_satisfaction is not None:
        mask &= satisfaction <= max_satisfaction
    if min_satisfaction is not None:
        mask &= satisfaction >= min_satisfaction
    if min_days_since_visit is not None:
        mask &= days_since_visit >= min_days_since_visit
    return mask


def reached(mask: np.ndarray, reach: float, uniform: np.ndarray) -> np.ndarray:
    """Targeted customers the campaign actually reaches (the rest are a natural holdout)."""
    return mask & (uniform < reach)


# ------------------------------------------------------------------- live campaigns


@dataclass
class CampaignState:
    """A campaign's live state and its effect ledger."""

    spec: Campaign
    running: bool = False
    reached: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    holdout: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cost: float = 0.0
    visits_reached: float = 0.0
    visits_holdout: float = 0.0
    spend_reached: float = 0.0
    spend_holdout: float = 0.0

    def report(self) -> dict[str, Any]:
        """Reach, cost and extra visits and spend against the unreached holdout."""
        n_r, n_h = self.reached.size, self.holdout.size
        out: dict[str, Any] = {
            "name": self.spec.name,
            "kind": self.spec.kind,
            "reached": int(n_r),
            "holdout": int(n_h),
            "cost": self.cost,
        }
        if n_r and n_h:
            out["extra_visits"] = n_r * (self.visits_reached / n_r - self.visits_holdout / n_h)
            out["extra_spend"] = n_r * (self.spend_reached / n_r - self.spend_holdout / n_h)
        else:
            out["extra_visits"] = out["extra_spend"] = None  # reach 1: no holdout to compare
        return out

    def snapshot(self) -> dict[str, Any]:
        """Plain data (the spec is the scenario's)."""
        return {
            "running": self.running,
            "reached": self.reached.copy(),
            "holdout": self.holdout.copy(),
            "cost": self.cost,
            "visits_reached": self.visits_reached,
            "visits_holdout": self.visits_holdout,
            "spend_reached": self.spend_reached,
            "spend_holdout": self.spend_holdout,
        }

    @classmethod
    def from_snapshot(cls, spec: Campaign, data: dict[str, Any]) -> CampaignState:
        """The inverse of :meth:`snapshot`."""
        values = dict(data)
        values["reached"] = np.array(values["reached"], copy=True)
        values["holdout"] = np.array(values["holdout"], copy=True)
        return cls(spec=spec, **values)


def visit_effects(
    campaigns: list[CampaignState],
    rows: np.ndarray,
    basket: np.ndarray,
    retention_share: np.ndarray,
) -> list[float]:
    """Visits and spend of reached customers against the holdout, for each running
    campaign; a retention offer is used on the first visit. Returns the offers' costs,
    one per campaign that had any, in campaign order."""
    costs = []
    for c in campaigns:
        if not c.running:
            continue
        in_r = np.isin(rows, c.reached)
        in_h = np.isin(rows, c.holdout)
        c.visits_reached += float(in_r.sum())
        c.visits_holdout += float(in_h.sum())
        c.spend_reached += float(basket[in_r].sum())
        c.spend_holdout += float(basket[in_h].sum())
        if c.spec.kind == "retention_offer" and in_r.any():
            users = rows[in_r & (retention_share[rows] > 0)]
            cost = c.spec.value * users.size
            c.cost += cost
            costs.append(cost)
            retention_share[users] = 0.0
    return costs


def earn_multiplier(campaigns: list[CampaignState], rows: np.ndarray) -> np.ndarray:
    """The best running bonus-points multiplier of each row (1 if none)."""
    mult = np.ones(rows.size)
    for c in campaigns:
        if c.running and c.spec.kind == "bonus_points" and c.reached.size:
            hit = np.isin(rows, c.reached, assume_unique=False)
            mult[hit] = np.maximum(mult[hit], c.spec.multiplier)
    return mult


def referral_multiplier(campaigns: list[CampaignState]) -> float:
    """A running referral reward multiplies the referral rate (Kumar et al. 2007)."""
    return max(
        [c.spec.multiplier for c in campaigns if c.running and c.spec.kind == "referral_reward"],
        default=1.0,
    )
