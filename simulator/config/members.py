"""The firm's membership systems (docs/model.md §11): surveys, lifecycle stages, the churn
early warning, and points for behaviour with their policing.

Every system here sees only what a firm observes: purchases, complaints, survey answers.
Each is off unless its section is given, and then costs nothing and draws nothing.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from simulator.config.base import Share, Strict

STAGES = ("new", "growing", "mature", "declining", "dormant")
REASONS = ("dissatisfaction", "competitor_offer", "service_failure", "left_category", "moved_away")
RULES = ("recency", "frequency_drop", "complaints", "survey", "combined")
BEHAVIOURS = ("reviews", "shares", "suggestions", "check_ins", "referrals")


class SurveyResponse(Strict):
    """Who answers an invitation (docs/model.md §11.1): a logit in the customer's traits.

    References: Groves & Peytcheva (2008); Anderson (1998); Groves, Singer & Corning (2000).
    """

    base_rate: Share = Field(0.12, description="Response rate of a typical invitee [A].")
    extremity_weight: float = Field(
        1.2, ge=0, le=10, description="Logit per unit of answer extremity (0 middle, 1 end) [A]."
    )
    recency_weight: float = Field(
        0.8, ge=0, le=10, description="Logit for a visit today, decaying over 30 days [A]."
    )
    engagement_weight: float = Field(
        0.6, ge=0, le=10, description="Logit for a programme member (engaged customer) [A]."
    )
    reminder: bool = Field(False, description="Send one reminder (Dillman et al. 2014).")
    reminder_effect: float = Field(
        0.4, ge=0, le=5, description="Logit a reminder adds, everyone alike [A]."
    )
    incentive: float = Field(
        0.0, ge=0, le=1000, description="Incentive paid per response, currency."
    )
    incentive_effect: float = Field(
        0.15,
        ge=0,
        le=5,
        description="Logit per currency unit of incentive for the least engaged, falling to a "
        "third for the most engaged (leverage-saliency; Singer & Ye 2013) [A].",
    )


class Survey(Strict):
    """One survey programme: its kind, schedule, frame, sample and cost."""

    kind: Literal["nps", "csat", "ces"] = Field(
        ...,
        description="nps: relationship 0-10 from likelihood to recommend; csat: 1-5 after a "
        "visit; ces: customer effort 1-7 (7 = very easy) after a complaint is closed.",
    )
    schedule: Literal["after_visit", "after_complaint", "monthly", "quarterly"] = Field(
        ..., description="When invitations go out (a wave is a month or a quarter)."
    )
    frame: Literal["visitors", "active", "members"] = Field(
        "active",
        description="Periodic surveys: who may be invited (active: bought in the last 365 "
        "days; members: programme members among them). Event surveys invite the event's "
        "customers.",
    )
    invitation_rate: Share = Field(0.2, description="Share of the frame invited.")
    sample_size: int | None = Field(
        None, ge=1, le=10_000_000, description="Periodic: invite at most this many per wave."
    )
    cost_per_invitation: float = Field(0.05, ge=0, le=1e4, description="Currency.")
    cost_per_response: float = Field(0.5, ge=0, le=1e4, description="Currency (processing).")
    response: SurveyResponse = Field(default_factory=SurveyResponse, description="Who answers.")

    @model_validator(mode="after")
    def _schedule_fits(self) -> Survey:
        want = {"csat": ("after_visit",), "ces": ("after_complaint",)}
        allowed = want.get(self.kind, ("monthly", "quarterly"))
        if self.schedule not in allowed:
            raise ValueError(
                f"a {self.kind} survey runs {' or '.join(allowed)}, got schedule={self.schedule!r}"
            )
        return self


class Lifecycle(Strict):
    """Lifecycle stages from observed purchases (docs/model.md §11.2; Dwyer et al. 1987)."""

    new_days: int = Field(90, ge=1, le=3650, description="New: this long after a first purchase.")
    fast_days: float = Field(
        120.0, gt=1, le=3650, description="Time constant of the recent purchase rate, days."
    )
    usual_days: float = Field(
        365.0, gt=1, le=3650, description="Time constant of the usual purchase rate, days."
    )
    growing_ratio: float = Field(
        1.5, gt=1, le=100, description="Growing: recent rate at least this multiple of usual."
    )
    declining_ratio: float = Field(
        0.5, gt=0, lt=1, description="Declining: recent rate at most this multiple of usual."
    )
    dormant_gaps: float = Field(
        3.0, gt=0, le=100, description="Dormant: no purchase for this many usual gaps..."
    )
    dormant_min_days: int = Field(60, ge=1, le=3650, description="...and at least this long.")


class WarningRule(Strict):
    """The churn early-warning rule and how it is scored (docs/model.md §11.3)."""

    rule: Literal["recency", "frequency_drop", "complaints", "survey", "combined"] = Field(
        "combined", description="The observable signal the rule scores."
    )
    threshold: float = Field(0.4, ge=0, le=10, description="Flag at or above this score.")
    horizon_days: int = Field(90, ge=1, le=3650, description="Defection counted this far ahead.")
    evaluate_every_days: int = Field(30, ge=1, le=3650, description="Scoring checkpoints.")
    complaint_days: int = Field(90, ge=1, le=3650, description="A complaint counts this long.")
    survey_days: int = Field(365, ge=1, le=3650, description="A survey answer counts this long.")
    weight_recency: float = Field(0.1, ge=0, le=10, description="combined: recency weight.")
    weight_frequency: float = Field(0.6, ge=0, le=10, description="combined: frequency drop.")
    weight_complaints: float = Field(0.2, ge=0, le=10, description="combined: complaints.")
    weight_survey: float = Field(0.4, ge=0, le=10, description="combined: low NPS answer.")


class BehaviourRule(Strict):
    """Points for one behaviour (docs/model.md §11.4)."""

    points: int = Field(0, ge=0, le=1_000_000, description="Points per action (0: not rewarded).")
    base_rate: float = Field(
        0.002, ge=0, le=1, description="Actions per active member-day at S = 7, no points [A]."
    )
    satisfaction_effect: float = Field(
        0.4, ge=0, le=5, description="Log-rate per satisfaction point above 7 [A]."
    )
    points_effect: float = Field(
        0.5, ge=0, le=10, description="Rate multiplier 1 + effect x points value / 10 [A]."
    )


class Cheating(Strict):
    """Members who game the behaviour rules (Luca & Zervas 2016; Becker 1968)."""

    max_share: Share = Field(0.2, description="Share of members who cheat at most [A].")
    sensitivity: float = Field(
        0.05,
        ge=0,
        le=10,
        description="Cheating share = max_share (1 - exp(-sensitivity x expected gain per "
        "fake action, currency)) [A].",
    )
    fake_rate: float = Field(0.05, ge=0, le=1, description="Fake actions per cheat-day [A].")


class Detection(Strict):
    """Policing of behaviour points: who is caught, and the penalty."""

    enabled: bool = Field(True, description="Police the behaviour points.")
    catch_rate: Share = Field(0.6, description="Chance a fake action is caught.")
    false_positive_rate: Share = Field(0.01, description="Chance an honest action is flagged.")
    penalty: Literal["deduct", "cancel"] = Field(
        "deduct", description="Deduct the action's points, or cancel the membership."
    )
    cost_per_check: float = Field(0.02, ge=0, le=1e4, description="Cost per action checked.")


class Behaviour(Strict):
    """Points for reviews, shares, suggestions, check-ins and referrals, and their policing."""

    reviews: BehaviourRule = Field(default_factory=BehaviourRule, description="Reviews.")
    shares: BehaviourRule = Field(default_factory=BehaviourRule, description="Social shares.")
    suggestions: BehaviourRule = Field(
        default_factory=lambda: BehaviourRule(base_rate=0.0005), description="Suggestions."
    )
    check_ins: BehaviourRule = Field(
        default_factory=lambda: BehaviourRule(base_rate=0.01), description="Check-ins."
    )
    referrals: BehaviourRule = Field(
        default_factory=lambda: BehaviourRule(base_rate=0.0),
        description="Points per converted referral (the referral itself is word-of-mouth).",
    )
    reach: int = Field(
        30, ge=0, le=100_000, description="Listeners one review or share reaches [A]."
    )
    adopt_per_listener: Share = Field(
        0.002, description="Chance an unaware prospect who reads one becomes aware [A]."
    )
    expectation_shift: float = Field(
        0.005, ge=0, le=1, description="Expectation shift of a customer who reads one [A]."
    )
    cheating: Cheating = Field(default_factory=Cheating, description="Who cheats.")
    detection: Detection = Field(default_factory=Detection, description="Policing.")


def check_surveys(surveys: list[Survey]) -> None:
    """One survey of each kind: each kind has its own metrics."""
    kinds = [s.kind for s in surveys]
    if len(set(kinds)) != len(kinds):
        raise ValueError(f"one survey of each kind at most, got kinds {kinds}")
