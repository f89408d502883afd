"""A programme's rules as arrays, derived once from its scenario section (docs/model.md §4).

The schema holds a programme as readable data (a reward catalogue, a tier ladder); the
daily stages want arrays indexed by reward or tier code. :class:`ProgrammeRules` is that
view. It is rebuilt whenever a scheduled change or a strategy alters the programme, so
every programme key read here takes effect mid-run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.config.firm import BASE_TIER
from simulator.config.schema import Programme as ProgrammeSpec
from simulator.programme.points import bucket_layout


@dataclass(frozen=True, eq=False)
class ProgrammeRules:
    """Arrays of the reward catalogue and the tier ladder (level 0 = the base tier)."""

    spec: ProgrammeSpec
    thresholds: np.ndarray  # int64, ascending points of each reward
    reward_value: np.ndarray  # value to the customer of each reward
    reward_cost: np.ndarray  # cost to the firm of each reward
    reward_is_discount: np.ndarray  # bool: value off the basket (else a free item)
    point_value: float  # face value of a point: the best value per point in the catalogue
    point_cost: float  # cost to the firm of a point redeemed for that reward
    n_buckets: int
    period: int
    tier_names: list[str]
    tier_thresholds: np.ndarray
    tier_discount: np.ndarray
    tier_earn: np.ndarray
    tier_uplift: np.ndarray
    tier_service_cost: np.ndarray
    tier_has_status: np.ndarray

    @classmethod
    def from_spec(cls, spec: ProgrammeSpec) -> ProgrammeRules:
        """Derive the arrays of ``spec``."""
        thresholds = np.array([r.points for r in spec.rewards], dtype=np.int64)
        order = np.argsort(thresholds, kind="stable")
        thresholds = thresholds[order]
        reward_value = np.array([spec.rewards[i].value for i in order])
        rewards = [spec.rewards[i] for i in order]
        # A free item costs what it costs to give; a discount costs its face value
        # (docs/model.md §4.4).
        reward_cost = np.array(
            [r.value * (r.cost_ratio if r.kind == "free_item" else 1.0) for r in rewards]
        )
        per_point = reward_value / thresholds
        best = int(np.argmax(per_point))
        n_buckets, period = bucket_layout(spec.expiry.kind, spec.expiry.days)
        levels = spec.tiers.levels
        return cls(
            spec=spec,
            thresholds=thresholds,
            reward_value=reward_value,
            reward_cost=reward_cost,
            reward_is_discount=np.array([r.kind == "discount" for r in rewards]),
            point_value=float(per_point[best]),
            point_cost=float(reward_cost[best] / thresholds[best]),
            n_buckets=n_buckets,
            period=period,
            tier_names=[BASE_TIER, *[t.name for t in levels]],
            tier_thresholds=np.array([t.threshold for t in levels]),
            tier_discount=np.array([0.0, *[t.discount for t in levels]]),
            tier_earn=np.array([1.0, *[t.earn_multiplier for t in levels]]),
            tier_uplift=np.array([0.0, *[t.quality_uplift for t in levels]]),
            tier_service_cost=np.array([0.0, *[t.service_cost_per_visit for t in levels]]),
            tier_has_status=np.array([False, *[t.status for t in levels]]),
        )

    @property
    def has_tiers(self) -> bool:
        """Whether the ladder has tiers above the base tier."""
        return len(self.tier_names) > 1

    def current_bucket(self, day: int) -> int:
        """The bucket that points earned on ``day`` go into."""
        return ((max(day, 1) - 1) // self.period) % self.n_buckets
