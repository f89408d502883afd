"""Shared pieces of the scenario schema: the strict base model and bounded types."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

# Tolerance for shares that must sum to one (YAML users write 0.33 + 0.33 + 0.34).
SHARE_TOL = 1e-6


class Strict(BaseModel):
    """Base: unknown keys are errors, values are checked on assignment too, and no
    number is infinite or NaN (YAML's ``.inf`` and ``.nan``; issue 17, item 14)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


Share = Annotated[float, Field(ge=0.0, le=1.0)]
Score = Annotated[float, Field(ge=0.0, le=10.0)]
MAX_DAYS = 25_000
Day = Annotated[int, Field(ge=0, le=MAX_DAYS)]
