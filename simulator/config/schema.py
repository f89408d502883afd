"""The scenario format: pydantic models with units, bounds and descriptions.

Sections keep apart what we do not control (``market``), what we decide (``firm`` and
``strategies``), what happens when (``schedule``), which mechanisms run (``modules``)
and the run constants (``run``), after the EMA Workbench's split of uncertainties,
levers and constants. Defaults and their sources are those of ``docs/model.md`` section 8;
values marked [A] there are assumptions a scenario may change.

``loyalty-sim schema`` prints the JSON Schema generated from these models.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from simulator.config.base import MAX_DAYS, SHARE_TOL, Day, Score, Share, Strict
from simulator.config.dates import IsoDate, check_run_end
from simulator.config.firm import (
    Campaign,
    Desk,
    Expiry,
    Firm,
    Programme,
    Reward,
    Tier,
    Tiers,
)
from simulator.config.market import (
    AcquisitionParams,
    ChoiceParams,
    Competitor,
    ComplaintParams,
    DefectionParams,
    Dropout,
    Entry,
    Initial,
    Market,
    NetworkParams,
    Offer,
    PurchaseRate,
    Reaction,
    SatisfactionParams,
    Segment,
    Spend,
    WordOfMouthParams,
)
from simulator.config.names import StrategyName

__all__ = [
    "MAX_DAYS",
    "SHARE_TOL",
    "AcquisitionParams",
    "Campaign",
    "ChoiceParams",
    "Competitor",
    "ComplaintParams",
    "Day",
    "DefectionParams",
    "Desk",
    "Dropout",
    "Entry",
    "Expiry",
    "Firm",
    "Initial",
    "Market",
    "Modules",
    "NetworkParams",
    "Offer",
    "Programme",
    "PurchaseRate",
    "Reaction",
    "Reward",
    "Run",
    "SatisfactionParams",
    "Scenario",
    "ScheduledChange",
    "Score",
    "Segment",
    "Share",
    "Spend",
    "Strict",
    "Tier",
    "Tiers",
    "WordOfMouthParams",
]


class Modules(Strict):
    """Switches for every mechanism, for ablations and teaching."""

    satisfaction: bool = Field(True, description="Disconfirmation updates S and expectations.")
    defection: bool = Field(True, description="Active customers may lapse.")
    winback: bool = Field(True, description="Lapsed customers may return.")
    programme: bool = Field(True, description="Points, tiers and campaigns.")
    competition: bool = Field(
        True, description="Store choice among firms; off: every occasion is a focal visit."
    )
    word_of_mouth: bool = Field(True, description="Talk, referrals and neighbourhood awareness.")
    complaints: bool = Field(True, description="Complaints and service recovery.")
    acquisition: bool = Field(True, description="Prospects become aware of the focal firm.")


class Run(Strict):
    """Run constants."""

    # Day stamps are int16 (a compact state); 25,000 days plus offsets of up to ten
    # years stay below 32,767.
    days: int = Field(
        365, ge=1, le=MAX_DAYS, description="Days reported, after the warm-up (at most ~68 years)."
    )
    warmup_days: int = Field(
        390,
        ge=0,
        le=3650,
        description="Days simulated first under the baseline (no strategy, no scheduled change) "
        "and not reported: a strategy is an intervention on a running market (docs/model.md §10). "
        "The default comes from Welch's procedure on the shipped scenarios (scripts/welch.py).",
    )
    customers: int = Field(20_000, ge=1, le=20_000_000, description="People in the market.")
    seed: int = Field(1, ge=0, le=2**63 - 1, description="Seed of the run's generator.")
    discount_rate: float = Field(0.10, ge=0, le=1, description="Annual discount rate for CLV.")
    start_date: IsoDate = Field(
        "2026-01-01", pattern=r"^\d{4}-\d{2}-\d{2}$", description="Date of day 1."
    )

    @model_validator(mode="after")
    def _ends_by_9999(self) -> Run:
        # Day 1 of the reported window is start_date; warm-up days are not dated.
        check_run_end(self.start_date, self.days)
        return self


class ScheduledChange(Strict):
    """A change that takes effect at the start of a day (an event on Mesa's event list)."""

    day: Day = Field(..., description="Day the change takes effect.")
    set: dict[str, float | int | bool | str] = Field(
        ...,
        min_length=1,
        description="Dotted key paths under firm or market and their new values, e.g. "
        "{'firm.quality': 7.5}.",
    )
    label: str | None = Field(None, description="Shown in plots and reports.")


class Scenario(Strict):
    """A loyalty-sim scenario."""

    name: str = Field(
        ...,
        min_length=1,
        max_length=80,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="Scenario name: letters, digits, '_', '.', '-' (names result folders).",
    )
    description: str = Field("", description="What question the scenario answers.")
    market: Market = Field(default_factory=Market, description="What the firm does not control.")
    firm: Firm = Field(default_factory=Firm, description="What the focal firm decides.")
    schedule: list[ScheduledChange] = Field(
        default_factory=list, max_length=1000, description="Time-bound changes, by day."
    )
    modules: Modules = Field(default_factory=Modules, description="Mechanism switches.")
    run: Run = Field(default_factory=Run, description="Run constants.")
    strategies: dict[StrategyName, dict[str, object]] = Field(
        default_factory=lambda: {"status_quo": dict[str, object]()},
        description="Named variants: dotted key paths and the values they override.",
    )

    @model_validator(mode="after")
    def _history_starts_now(self) -> Scenario:
        # A run from real customers starts at the end of their histories: a warm-up would
        # move the forecast's first day away from it.
        if self.market.initial.customers is not None and self.run.warmup_days != 0:
            raise ValueError(
                "a run from market.initial.customers starts where their histories end: "
                f"set run.warmup_days to 0 (got {self.run.warmup_days})"
            )
        return self

    @model_validator(mode="after")
    def _market_shares(self) -> Scenario:
        total = self.firm.market_share + sum(c.market_share for c in self.market.competitors)
        if self.market.competitors and abs(total - 1.0) > SHARE_TOL:
            raise ValueError(
                "firm.market_share plus the competitors' market_share must sum to 1, "
                f"got {total:.10g}"
            )
        return self
