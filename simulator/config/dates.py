"""Calendar dates in a scenario (issue 17, item 15).

``start_date`` is written ``YYYY-MM-DD``. Unquoted, YAML reads that as a date, which the
schema used to refuse; an impossible date (``2026-02-30``) matched the pattern and
failed only when the transactions were written, after the whole run; and a start late
in 9999 gave transaction dates in the year 10001. Here a date object is accepted, the
date must exist, and the run must end by 9999-12-31.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

__all__ = ["IsoDate", "check_run_end"]


def _as_text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value  # a time of day is not a date: refused below
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _real_date(value: str) -> str:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"expected a date that exists, as YYYY-MM-DD, got {value!r}") from None
    return value


IsoDate = Annotated[str, BeforeValidator(_as_text), AfterValidator(_real_date)]
"""A date as ``YYYY-MM-DD`` text that exists on the calendar (a YAML date is accepted)."""


def check_run_end(start: str, days: int) -> None:
    """Refuse a run whose last day falls after 9999-12-31 (dates cannot go further)."""
    first = dt.date.fromisoformat(start)
    if days - 1 > (dt.date.max - first).days:
        latest = dt.date.max - dt.timedelta(days=days - 1)
        raise ValueError(
            f"a run of {days:,} days from {start} would end after {dt.date.max}; "
            f"start on {latest} at the latest, or run fewer days"
        )
