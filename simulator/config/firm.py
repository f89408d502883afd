"""The ``firm`` section: what the focal firm decides (docs/model.md §3.3, §4, §5.2)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from simulator.config.base import Day, Score, Share, Strict
from simulator.config.members import (
    Behaviour,
    Lifecycle,
    Survey,
    WarningRule,
    check_surveys,
)
from simulator.config.names import EntryName, Name, check_tier_names

# Name of the tier below the first level: every member starts there.
BASE_TIER = "base"


class Desk(Strict):
    """The complaint-handling desk (docs/model.md §5.2)."""

    staff: int = Field(3, ge=0, le=10_000, description="Handlers on duty.")
    mean_service_days: float = Field(0.05, gt=0, le=365, description="Mean handling time, days.")
    service_level_days: float = Field(
        2.0, gt=0, le=365, description="Target resolution time, days."
    )
    cost_per_handler_day: float = Field(
        0.0, ge=0, le=1e6, description="Staff cost per handler-day."
    )


class Reward(Strict):
    """A reward in the catalogue."""

    points: int = Field(500, ge=1, le=10_000_000, description="Points needed.")
    value: float = Field(5.0, gt=0, le=1e6, description="Value to the customer, currency.")
    kind: Literal["free_item", "discount"] = Field(
        "free_item",
        description="free_item: something given, costing cost_ratio x value; discount: value "
        "off the basket, a price cut the customer sees (docs/model.md §4.4).",
    )
    cost_ratio: float = Field(
        1.0,
        gt=0,
        le=5,
        description="Cost to the firm per unit of value of a free item (a discount costs its "
        "value).",
    )


class Expiry(Strict):
    """When points lapse."""

    kind: Literal["none", "rolling", "calendar"] = Field("rolling", description="Expiry rule.")
    days: int = Field(
        365, ge=1, le=3650, description="Rolling: points expire this long after earning."
    )
    day_of_year: int = Field(
        365, ge=1, le=365, description="Calendar: all points expire on this day."
    )


class Tier(Strict):
    """One tier of the ladder (docs/model.md §4.2)."""

    name: EntryName = Field(..., min_length=1, max_length=40, description="Tier name.")
    threshold: float = Field(..., ge=0, description="Qualifying amount over the window.")
    discount: Share = Field(0.0, description="Price discount on every visit.")
    earn_multiplier: float = Field(1.0, ge=0, le=20, description="Multiplier on base earning.")
    quality_uplift: float = Field(
        0.0, ge=0, le=5, description="Service-quality uplift, 0-10 scale."
    )
    service_cost_per_visit: float = Field(
        0.0, ge=0, le=1e6, description="Cost of priority service."
    )
    status: bool = Field(True, description="Whether this tier carries status (Dreze & Nunes 2009).")


class Tiers(Strict):
    """The tier ladder and its reviews."""

    metric: Literal["spend", "points", "visits"] = Field("spend", description="Qualifying metric.")
    review_every_days: int = Field(
        365,
        ge=1,
        le=3650,
        description="Review cadence, days; the qualification window is the time since "
        "the last review.",
    )
    grace_days: int = Field(0, ge=0, le=3650, description="Grace before a demotion applies.")
    soft_landing: bool = Field(False, description="Demote one tier at a time.")
    advance_notice: bool = Field(False, description="Warn before demotion (penalty 1.2 not 2).")
    initial_from_expected: bool = Field(
        True,
        description="Members on day 0 hold the tier their expected activity over one review "
        "period earns (existing status holders) [A].",
    )
    levels: list[Tier] = Field(
        default_factory=list, max_length=10, description="Above the base tier."
    )

    @model_validator(mode="after")
    def _ascending(self) -> Tiers:
        th = [t.threshold for t in self.levels]
        if any(b <= a for a, b in zip(th, th[1:], strict=False)):
            raise ValueError(f"tier thresholds must be strictly increasing, got {th}")
        check_tier_names([t.name for t in self.levels])
        return self


class Campaign(Strict):
    """A time-bound campaign (docs/model.md §4.3)."""

    name: EntryName = Field(
        ..., min_length=1, max_length=60, description="Campaign name (reports)."
    )
    kind: Literal["bonus_points", "retention_offer", "winback_offer", "referral_reward"] = Field(
        ..., description="What the campaign does."
    )
    start: Day = Field(..., description="First day.")
    end: Day = Field(..., description="Last day.")
    reach: Share = Field(1.0, description="Share of targeted customers reached.")
    multiplier: float = Field(2.0, ge=1, le=50, description="bonus_points: earn multiplier.")
    value: float = Field(5.0, ge=0, le=1e6, description="Offer value to the customer, currency.")
    cost_per_contact: float = Field(0.0, ge=0, le=1e6, description="Cost per customer reached.")
    segments: list[str] | None = Field(None, description="Target these segments only.")
    tiers: list[str] | None = Field(None, description="Target these tiers only.")
    min_satisfaction: Score | None = Field(
        None, description="Oracle: target customers with true S at least this (no firm sees S)."
    )
    max_satisfaction: Score | None = Field(
        None, description="Oracle: target customers with true S at most this (no firm sees S)."
    )
    min_days_since_visit: int | None = Field(None, ge=0, description="Target lapsing customers.")
    target: Literal["everyone", "warning", "oracle"] = Field(
        "everyone",
        description="warning: only customers the churn early warning flags (firm.warning); "
        "oracle: as many customers as it flags, those with the lowest true satisfaction, "
        "which no firm observes (what perfect knowledge would be worth).",
    )
    stages: list[Literal["new", "growing", "mature", "declining", "dormant"]] | None = Field(
        None, description="Target these lifecycle stages only (firm.lifecycle)."
    )
    reasons: (
        list[
            Literal[
                "dissatisfaction",
                "competitor_offer",
                "service_failure",
                "left_category",
                "moved_away",
            ]
        ]
        | None
    ) = Field(None, description="winback_offer: target these recorded churn reasons only.")

    @model_validator(mode="after")
    def _window(self) -> Campaign:
        if self.end < self.start:
            raise ValueError(f"end(={self.end}) must not be before start(={self.start})")
        return self


class Programme(Strict):
    """The loyalty programme (docs/model.md §4)."""

    enrol_probability: Share = Field(0.1, description="Chance to join on a focal visit [A].")
    enrol_all_at_start: bool = Field(False, description="Enrol every active customer on day 0.")
    points_per_unit: float = Field(
        1.0, ge=0, le=1000, description="Points per currency unit spent."
    )
    signup_bonus: int = Field(0, ge=0, le=10_000_000, description="Endowed points on joining.")
    rewards: list[Reward] = Field(
        default_factory=lambda: [Reward()],
        min_length=1,
        max_length=20,
        description="The reward catalogue (one threshold, or several rewards).",
    )
    redeem_probability: Share = Field(0.8, description="Redeem on an eligible visit [A].")
    expiry: Expiry = Field(default_factory=Expiry, description="When points expire.")
    goal_gradient: float = Field(0.28, ge=0, le=5, description="gamma_g (Kivetz et al. 2006).")
    goal_gradient_window_days: int = Field(
        60,
        ge=1,
        le=3650,
        description="The goal gradient acts on active members with a focal visit this recent [A].",
    )
    points_pressure: float = Field(0.15, ge=0, le=5, description="Tier-pressure uplift [A].")
    rewarded_boost: float = Field(0.2, ge=0, le=5, description="Post-reward utility boost [A].")
    rewarded_half_life: float = Field(28.0, gt=0, le=3650, description="Its half-life, days.")
    tiers: Tiers = Field(default_factory=Tiers, description="The tier ladder (none by default).")
    status_base: float = Field(0.5, ge=0, le=10, description="sigma_0 (Dreze & Nunes 2009).")
    status_dilution: float = Field(0.3, ge=0, le=10, description="Status lift per tier below.")
    demotion_penalty: float = Field(2.0, ge=0, le=10, description="Wagner et al. 2009.")
    demotion_satisfaction_drop: float = Field(0.5, ge=0, le=10, description="S lost on demotion.")
    campaigns: list[Campaign] = Field(
        default_factory=list, max_length=100, description="Time-bound campaigns."
    )
    running_cost_per_day: float = Field(0.0, ge=0, le=1e9, description="Fixed cost per day.")
    running_cost_per_member_day: float = Field(
        0.0, ge=0, le=1e6, description="Cost per member-day."
    )
    behaviour: Behaviour | None = Field(
        None, description="Points for reviews, shares, suggestions, check-ins and referrals."
    )


class Firm(Strict):
    """What the focal firm decides."""

    name: Name = Field("focal", min_length=1, max_length=40, description="The firm's name.")
    market_share: Share = Field(
        0.3, description="Baseline choice share among customers who know every firm."
    )
    price: float = Field(1.0, gt=0, le=100, description="Price index (1 = today's price).")
    quality: Score = Field(8.7, description="Base service quality Q_f on 0-10 [A].")
    quality_sd: float = Field(1.0, ge=0, le=5, description="sigma_q, visit-to-visit noise [A].")
    reputation: Score | None = Field(
        None, description="Prior expected quality; default its quality."
    )
    failure_rate: Share = Field(
        0.05, description="phi_f: chance of a service failure per visit [A]."
    )
    failure_size: float = Field(3.0, ge=0, le=10, description="delta_fail: quality lost [A].")
    margin_rate: Share = Field(
        0.3,
        description="Gross margin as a share of revenue at the reference price (price index 1): "
        "the unit cost of goods is (1 - margin_rate) x the basket at that price, whatever the "
        "price.",
    )
    quality_unit_cost: float = Field(
        0.0,
        ge=0,
        le=1e4,
        description="Cost per visit of each quality point above reference_quality [A].",
    )
    reference_quality: Score | None = Field(
        None,
        description="Quality the cost of goods pays for; default the baseline's quality.",
    )
    acquisition_cost: float = Field(
        20.0, ge=0, le=1e7, description="Cost booked per acquired customer."
    )
    desk: Desk = Field(default_factory=Desk, description="The complaint-handling desk.")
    programme: Programme | None = Field(None, description="The loyalty programme; none if absent.")
    surveys: list[Survey] = Field(
        default_factory=list, max_length=3, description="Survey programmes (one per kind)."
    )
    lifecycle: Lifecycle | None = Field(None, description="Lifecycle stages; none if absent.")
    warning: WarningRule | None = Field(
        None, description="Churn early warning and churn reasons; none if absent."
    )

    @model_validator(mode="after")
    def _systems_exist(self) -> Firm:
        check_surveys(self.surveys)
        for c in self.programme.campaigns if self.programme else []:
            if (c.target != "everyone" or c.reasons) and self.warning is None:
                raise ValueError(
                    f"campaign {c.name!r} targets the early warning or churn reasons: "
                    "add a firm.warning section"
                )
            if c.stages and self.lifecycle is None:
                raise ValueError(
                    f"campaign {c.name!r} targets lifecycle stages: add a firm.lifecycle section"
                )
        return self
