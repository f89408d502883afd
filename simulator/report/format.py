"""Numbers as the report writes them: each KPI in its declared format, a dash if missing.

Formats come from :mod:`simulator.metrics.registry`; nothing here knows a metric by name.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from simulator.metrics import registry

__all__ = ["cap", "finite", "fmt_diff", "fmt_interval", "fmt_value", "numbers"]

DASH = "\u2013"


def finite(x: Any) -> bool:
    """A real, finite number (not None, NA or nan)."""
    return (
        x is not None
        and x is not pd.NA
        and isinstance(x, int | float | np.number)
        and math.isfinite(float(x))
    )


def fmt_value(metric: str, value: Any) -> str:
    """A KPI value in its display format; a dash if missing."""
    if not finite(value):
        return DASH
    return registry.get(metric).value_text(float(value))


def fmt_diff(metric: str, value: Any) -> str:
    """A difference in the KPI's units, signed (percentage points for shares)."""
    if not finite(value):
        return DASH
    return registry.get(metric).diff_text(float(value))


def fmt_interval(metric: str, low: Any, high: Any, *, diff: bool = False) -> str:
    """``low to high`` in the KPI's format (of a difference if ``diff``); a dash if open."""
    if not (finite(low) and finite(high)):
        return DASH
    f = fmt_diff if diff else fmt_value
    return f"{f(metric, low)} to {f(metric, high)}"


def cap(text: str) -> str:
    """First letter upper-case, the rest as written ("NPS", "realised CLV")."""
    return text[:1].upper() + text[1:]


def decimals(values: list[float]) -> int:
    """One decimal when the largest magnitude is at least 1, else two."""
    return 1 if max(abs(v) for v in values) >= 1 else 2


def numbers(values: list[float]) -> list[str]:
    """Several numbers with the same number of decimals (see :func:`decimals`)."""
    d = decimals(values)
    return [f"{v:.{d}f}" for v in values]
