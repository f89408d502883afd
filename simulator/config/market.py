"""The ``market`` section: what the firm does not control (docs/model.md §2-3, §5-6)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from simulator.config.base import SHARE_TOL, Day, Score, Share, Strict
from simulator.config.entry import Entry
from simulator.config.names import EntryName


class PurchaseRate(Strict):
    """BG/NBD purchase rate: lambda ~ Gamma(r, alpha) (Fader, Hardie & Lee 2005)."""

    r: float = Field(2.0, gt=0, le=100, description="Gamma shape of the purchase rate (unitless).")
    alpha: float = Field(
        14.0, gt=0, le=100_000, description="Gamma rate of the purchase rate, in days."
    )


class Dropout(Strict):
    """BG/NBD dropout after each repeat purchase: p ~ Beta(a, b)."""

    a: float = Field(1.0, gt=0, le=100_000, description="Beta a (unitless).")
    b: float = Field(199.0, gt=0, le=1e9, description="Beta b (unitless).")


class Spend(Strict):
    """Gamma-Gamma spend per transaction (Fader, Hardie & Lee 2005b)."""

    p: float = Field(6.25, gt=0, le=1000, description="Gamma shape of spend per transaction.")
    q: float = Field(
        3.74, gt=1, le=1000, description="Gamma shape of the spend scale nu (must exceed 1)."
    )
    gamma: float = Field(
        15.44,
        gt=0,
        le=1e7,
        description="Gamma rate of nu, in currency units (mean 35.2 at defaults).",
    )


class Segment(Strict):
    """A customer segment: its share of the market and the parameters it draws from."""

    name: EntryName = Field(..., min_length=1, max_length=40, description="Segment name.")
    share: Share = Field(..., description="Share of the market's customers (shares sum to 1).")
    purchase: PurchaseRate = Field(
        default_factory=PurchaseRate, description="BG/NBD purchase rate."
    )
    dropout: Dropout = Field(default_factory=Dropout, description="BG/NBD dropout.")
    spend: Spend = Field(default_factory=Spend, description="Gamma-Gamma spend.")
    price_sensitivity: float = Field(
        3.74,
        ge=0,
        le=50,
        description="Mean logit price coefficient beta_P (Bijmolt et al. 2005: -2.62 elasticity "
        "at a 30% share); per customer lognormal with CV 0.3.",
    )
    quality_weight: float = Field(
        0.5, ge=0, le=20, description="Logit weight beta_Q on expected quality (per 0-10 point)."
    )
    reward_sensitivity: float = Field(
        1.0, ge=0, le=10, description="Multiplier on psi, the value put on points (unitless)."
    )
    status_sensitivity: float = Field(
        1.0, ge=0, le=10, description="Multiplier on beta_T, the value put on tier status."
    )
    talkativeness: float = Field(
        1.0, ge=0, le=10, description="Multiplier on word-of-mouth talk rates (unitless)."
    )


class Offer(Strict):
    """A competitor's time-bound offer (docs/model.md §5.1): a price cut or a conquest bonus."""

    name: EntryName = Field(..., min_length=1, max_length=60, description="Offer name (reports).")
    kind: Literal["price_cut", "conquest"] = Field(..., description="Price cut or conquest bonus.")
    start: Day = Field(..., description="First day of the offer.")
    end: Day = Field(..., description="Last day of the offer.")
    size: float = Field(
        ...,
        ge=0,
        le=10,
        description="price_cut: share off the price (0-0.9); conquest: utility bonus (utils).",
    )
    reach: Share = Field(0.5, description="Share of targeted customers who hear of it.")
    defection_hazard: float = Field(
        0.0,
        ge=0,
        le=1,
        description="Extra daily defection hazard of reached focal customers "
        "(conquest-offer hazard).",
    )
    segments: list[str] | None = Field(None, description="Target these segments only.")
    tiers: list[str] | None = Field(None, description="Target members of these focal tiers only.")
    min_satisfaction: Score | None = Field(
        None, description="Target customers with S at least this."
    )
    max_satisfaction: Score | None = Field(
        None, description="Target customers with S at most this."
    )

    @model_validator(mode="after")
    def _check(self) -> Offer:
        if self.end < self.start:
            raise ValueError(f"end(={self.end}) must not be before start(={self.start})")
        if self.kind == "price_cut" and self.size > 0.9:
            raise ValueError(
                f"a price_cut size(={self.size}) must be at most 0.9 (a share of the price)"
            )
        return self


class Reaction(Strict):
    """A competitor's reaction rule [A]: follow the focal firm after a lag."""

    kind: Literal["match_reward_rate", "match_price"] = Field(..., description="What it matches.")
    lag_days: int = Field(30, ge=0, le=3650, description="Days before it reacts.")


class Competitor(Strict):
    """A rival firm in the consideration set (docs/model.md §5.1)."""

    name: EntryName = Field(..., min_length=1, max_length=40, description="Competitor name.")
    market_share: Share = Field(
        ..., description="Baseline choice share among customers who know every firm."
    )
    price: float = Field(1.0, gt=0, le=100, description="Price index (focal baseline = 1).")
    quality: Score | None = Field(
        None, description="Service quality on 0-10; default 0.2 below the focal firm's."
    )
    reputation: Score | None = Field(
        None, description="Prior expected quality on 0-10; default its quality."
    )
    awareness: Share = Field(0.8, description="Share of customers who know this competitor.")
    reward_rate: float = Field(
        0.0,
        ge=0,
        le=0.5,
        description="Effective reward rate of its own programme (share of spend returned).",
    )
    offers: list[Offer] = Field(
        default_factory=list, max_length=50, description="Time-bound offers."
    )
    reaction: Reaction | None = Field(None, description="Optional reaction rule.")


class Initial(Strict):
    """Initial relationships with the focal firm (the rest are prospects)."""

    active: Share = Field(
        0.4, description="Share of customers active with the focal firm at day 0."
    )
    lapsed: Share = Field(0.1, description="Share who bought before but lapsed.")
    entry_spread_days: int = Field(
        0,
        ge=0,
        le=3650,
        description="If > 0, customers enter the market on a uniform day in 1..this and make "
        "their trial purchase at the focal firm that day (a CDNOW-style acquisition cohort).",
    )
    customers: str | None = Field(
        None,
        max_length=4096,
        description="Parquet file of the firm's real customers' purchase histories, one row "
        "each (written by `loyalty-sim calibrate`): the run starts from them, each "
        "customer's state drawn from the posterior their history gives (docs/calibration.md). "
        "Relative to the scenario's folder.",
    )

    @model_validator(mode="after")
    def _sum(self) -> Initial:
        if self.active + self.lapsed > 1 + SHARE_TOL:
            raise ValueError(f"active(={self.active}) + lapsed(={self.lapsed}) must not exceed 1")
        if self.customers is not None and (
            self.active != 1.0 or self.lapsed != 0.0 or self.entry_spread_days != 0
        ):
            raise ValueError(
                "customers from a file are the firm's active customers: set active to 1, "
                "lapsed to 0 and entry_spread_days to 0"
            )
        return self


class ChoiceParams(Strict):
    """Store choice by multinomial logit (Guadagni & Little 1983)."""

    habit_weight: float = Field(2.0, ge=0, le=20, description="beta_L on habit L_j [A].")
    habit_smoothing: float = Field(
        0.875, ge=0, lt=1, description="L_j <- s*L_j + (1-s)*1[chose j] (Guadagni & Little)."
    )
    satisfaction_weight: float = Field(0.3, ge=0, le=10, description="beta_S on (S - 7) [A].")
    wom_weight: float = Field(0.2, ge=0, le=10, description="beta_W on word-of-mouth heard [A].")
    status_weight: float = Field(1.0, ge=0, le=10, description="beta_T on tier status [A].")
    points_value_ratio: float = Field(
        0.6, ge=0, le=1, description="psi: points valued at this share of face value [A]."
    )
    skip_share: float = Field(
        0.05, ge=0.001, le=0.9, description="Share of occasions spent nowhere at baseline [A]."
    )
    procedural_switching_cost: float = Field(
        0.3, ge=0, le=10, description="Procedural switching cost (utils) [A] (Burnham et al. 2003)."
    )
    relational_switching_cost: float = Field(
        0.5,
        ge=0,
        le=10,
        description="Relational cost at full tenure, 0.5*(1-exp(-tenure/365)) [A].",
    )
    match_sd: float = Field(
        1.0, ge=0, le=5, description="SD of the persistent customer-firm quality match [A]."
    )
    expectation_sd: float = Field(
        0.5,
        ge=0,
        le=5,
        description="SD of a prospect's initial expectation of a firm around its reputation [A].",
    )
    known_expectation_sd: float = Field(
        0.3,
        ge=0,
        le=5,
        description="SD of the initial expectation of a firm a customer knows, around the "
        "quality it experiences there (quality + match) [A].",
    )


class SatisfactionParams(Strict):
    """Disconfirmation-based satisfaction (Oliver 1980; Anderson & Sullivan 1993)."""

    initial_sd: float = Field(
        0.5,
        ge=0,
        le=5,
        description="SD of initial S around the level the update rule settles at for the "
        "quality the customer experiences [A].",
    )
    quality_disconfirmation: float = Field(0.5, ge=0, le=5, description="b_Q [A].")
    price_disconfirmation: float = Field(0.3, ge=0, le=5, description="b_P [A].")
    loss_aversion: float = Field(2.25, ge=1, le=10, description="Tversky & Kahneman 1992.")
    curvature: float = Field(0.88, gt=0, le=1, description="Value-function exponent (T&K 1992).")
    carryover: float = Field(
        0.15, gt=0, le=1, description="omega: weight of a visit in cumulative S [A]."
    )
    expectation_learning: float = Field(0.2, ge=0, le=1, description="eta [A].")
    reference_price_learning: float = Field(0.1, ge=0, le=1, description="eta_P [A].")


class DefectionParams(Strict):
    """Defection hazard with satisfaction zones (Heskett et al. 1994; Jones & Sasser 1995)."""

    h_min: float = Field(0.0002, ge=0, le=1, description="Floor hazard per day [A].")
    h_max: float = Field(0.01, ge=0, le=1, description="Extra hazard per day at low S [A].")
    k_s: float = Field(2.0, ge=0, le=50, description="Steepness of the logistic in S [A].")
    s50: Score = Field(6.0, description="Satisfaction at the logistic's midpoint [A].")
    member_discount: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Members pull low S this share of the way to 7 (Bolton et al. 2000).",
    )
    switching_cost_weight: float = Field(1.0, ge=0, le=10, description="kappa_SC [A].")
    winback_hazard: float = Field(0.0005, ge=0, le=1, description="Win-back hazard per day [A].")
    winback_offer_weight: float = Field(5.0, ge=0, le=50, description="beta_wb [A].")
    winback_min_satisfaction: Score = Field(3.0, description="No win-back at or below this S.")
    reactivation_hazard: float = Field(
        0.0,
        ge=0,
        le=0.1,
        description="Daily hazard that a customer who left the category (BG/NBD dropout) comes "
        "back, per day [A]; 0: dropout is final, as in BG/NBD. Fitted by `calibrate`.",
    )


class ComplaintParams(Strict):
    """Complaints and service recovery (de Matos et al. 2007; Maxham & Netemeyer 2002)."""

    threshold: Score = Field(
        4.0, description="Transaction satisfaction below which customers complain."
    )
    rate: Share = Field(0.04, description="Complaint probability below the threshold.")
    rate_after_failure: Share = Field(0.30, description="Complaint probability after a failure.")
    base_success: Share = Field(0.6, description="Chance a complaint is resolved in time [A].")
    paradox_lift: float = Field(0.3, ge=0, le=5, description="Recovery-paradox lift of s.")
    paradox_hazard_multiplier: float = Field(
        1.3, ge=0, le=10, description="Defection hazard multiplier after a recovery."
    )
    paradox_days: int = Field(90, ge=0, le=3650, description="How long that multiplier lasts.")
    double_deviation: float = Field(1.0, ge=0, le=10, description="S lost on a failed recovery.")
    negative_talk_rate: Share = Field(
        0.05, description="Daily negative talk after a failed recovery."
    )
    negative_talk_days: int = Field(30, ge=0, le=3650, description="How long that talk lasts.")
    memory_days: int = Field(
        180, ge=1, le=3650, description="A failure is 'first' if none in this window."
    )


class WordOfMouthParams(Strict):
    """Word-of-mouth talk and its effects (Anderson 1998; East et al. 2007)."""

    promoter_rate: Share = Field(0.015, description="Daily talk probability of promoters (9-10).")
    passive_rate: Share = Field(0.004, description="Daily talk probability of passives (7-8).")
    passive_positive: Share = Field(0.7, description="Share of passives' talk that is positive.")
    detractor_rate: Share = Field(0.03, description="Daily talk probability of detractors (0-6).")
    ltr_noise: float = Field(0.7, ge=0, le=5, description="SD of LTR around S.")
    experience_days: int = Field(
        30, ge=1, le=3650, description="Only customers with a visit this recent talk."
    )
    adopt_strong: Share = Field(0.03, description="Adoption after good news over a strong tie.")
    adopt_weak: Share = Field(0.01, description="Adoption after good news over a weak tie.")
    block_probability: Share = Field(0.5, description="Bad news blocks a prospect's adoption.")
    block_days: int = Field(90, ge=0, le=3650, description="Blocking lasts this long.")
    expectation_shift: float = Field(0.2, ge=0, le=5, description="Shift of E_f per message.")
    negativity_weight: float = Field(1.0, ge=1, le=2, description="nu_N: weight of bad news.")
    wom_half_life: float = Field(
        30.0, gt=0, le=3650, description="Half-life of heard valence W, days."
    )
    referral_rate: float = Field(0.30, ge=0, le=10, description="Referrals per promoter per year.")
    referral_conversion: Share = Field(0.13, description="Share of referrals that convert.")
    referral_churn_reduction: Share = Field(
        0.18, description="Defection reduction while the referrer stays (Schmitt et al. 2011)."
    )


class NetworkParams(Strict):
    """The social graph word-of-mouth runs on (Watts & Strogatz 1998)."""

    kind: Literal["watts_strogatz", "barabasi_albert", "fully_mixed", "edgelist"] = Field(
        "watts_strogatz", description="Graph family."
    )
    k: int = Field(10, ge=2, le=200, description="Watts-Strogatz mean degree (even).")
    rewire: Share = Field(0.1, description="Watts-Strogatz rewiring probability.")
    m: int = Field(5, ge=1, le=100, description="Barabasi-Albert edges per new node.")
    edgelist: str | None = Field(None, description="Path of an edge-list file (kind: edgelist).")


class AcquisitionParams(Strict):
    """Bass-style awareness (Bass 1969; Sultan, Farley & Lehmann 1990)."""

    p_ext: float = Field(0.03, ge=0, le=10, description="External influence per year.")
    q_int: float = Field(0.38, ge=0, le=10, description="Internal influence per year.")
    advertising: float = Field(1.0, ge=0, le=100, description="Multiplier on p_ext.")


class Market(Strict):
    """What the firm does not control."""

    segments: list[Segment] = Field(
        default_factory=lambda: [Segment(name="all", share=1.0)],
        min_length=1,
        max_length=50,
        description="Customer segments; shares must sum to 1.",
    )
    competitors: list[Competitor] = Field(
        default_factory=list, max_length=20, description="Rival firms."
    )
    competitive_intensity: Share = Field(
        0.5,
        description="C: 0 quasi-monopoly (flat defection curve), 1 fierce (Jones & Sasser 1995).",
    )
    initial: Initial = Field(default_factory=Initial, description="Initial relationships.")
    choice: ChoiceParams = Field(
        default_factory=ChoiceParams, description="Store-choice constants."
    )
    satisfaction: SatisfactionParams = Field(
        default_factory=SatisfactionParams, description="Satisfaction constants."
    )
    defection: DefectionParams = Field(
        default_factory=DefectionParams, description="Defection and win-back constants."
    )
    complaints: ComplaintParams = Field(
        default_factory=ComplaintParams, description="Complaint and recovery constants."
    )
    word_of_mouth: WordOfMouthParams = Field(
        default_factory=WordOfMouthParams, description="Word-of-mouth constants."
    )
    network: NetworkParams = Field(default_factory=NetworkParams, description="The social network.")
    acquisition: AcquisitionParams = Field(
        default_factory=AcquisitionParams, description="Bass-style acquisition."
    )
    entry: Entry = Field(default_factory=Entry, description="Entry into the category.")

    @model_validator(mode="after")
    def _shares(self) -> Market:
        total = sum(s.share for s in self.segments)
        if abs(total - 1.0) > SHARE_TOL:
            raise ValueError(
                f"segment shares must sum to 1 (within {SHARE_TOL:g}), got {total:.10g}"
            )
        names = [s.name for s in self.segments]
        if len(set(names)) != len(names):
            raise ValueError(f"segment names must be unique, got {names}")
        names = [c.name for c in self.competitors]
        if len(set(names)) != len(names):
            raise ValueError(f"competitor names must be unique, got {names}")
        return self
