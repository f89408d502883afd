"""``market.entry``: who enters the category over time (docs/model.md §3.7)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from simulator.config.base import Strict


class Entry(Strict):
    """People entering the category over time (docs/model.md §3.7)."""

    mode: Literal["replace_exits", "new_customers", "none"] = Field(
        "replace_exits",
        description="replace_exits: people enter at the rate the baseline loses to category "
        "exits (stationary), plus growth_rate; new_customers: new customers of the firm "
        "arrive at customers_per_day and make a trial purchase at the focal firm on arrival "
        "(what `loyalty-sim calibrate` measures in a log); none: a closed market (a CDNOW "
        "cohort).",
    )
    growth_rate: float = Field(
        0.0,
        ge=-0.5,
        le=2.0,
        description="Growth of the category per year, as a share of the people in it at the "
        "start (0: stationary). replace_exits only.",
    )
    customers_per_day: float | None = Field(
        None,
        gt=0,
        le=1_000_000,
        description="new_customers only, and required by it: mean number of new customers "
        "of the firm a day (each day's count is Poisson).",
    )

    @model_validator(mode="after")
    def _rate(self) -> Entry:
        if self.mode == "new_customers":
            if self.customers_per_day is None:
                raise ValueError(
                    "mode new_customers needs customers_per_day (new customers a day, > 0)"
                )
            if self.growth_rate != 0.0:
                raise ValueError(
                    f"growth_rate(={self.growth_rate}) acts only with mode replace_exits; "
                    "with new_customers set customers_per_day instead"
                )
        elif self.customers_per_day is not None:
            raise ValueError(
                f"customers_per_day(={self.customers_per_day}) acts only with mode "
                f"new_customers, got mode {self.mode}"
            )
        return self
