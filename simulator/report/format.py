"""Numbers as the report writes them: each KPI in its declared format, a dash if missing.

Formats come from :mod:`simulator.metrics.registry`; nothing here knows a metric by name.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from simulator.metrics import registry

__all__ = [
    "cap",
    "change_scale",
    "compact_change",
    "finite",
    "fmt_diff",
    "fmt_interval",
    "fmt_value",
    "listed",
    "numbers",
]

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


def listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def decimals(values: list[float]) -> int:
    """One decimal when the largest magnitude is at least 1, else two."""
    return 1 if max(abs(v) for v in values) >= 1 else 2


def numbers(values: list[float]) -> list[str]:
    """Several numbers with the same number of decimals (see :func:`decimals`)."""
    d = decimals(values)
    return [f"{v:.{d}f}" for v in values]


def change_scale(metric: str, base_mean: Any) -> tuple[float, str] | None:
    """How a change of ``metric`` is read: ``(factor, unit)`` turning a difference into
    points (rates and scores, declared with ``points`` in the registry) or into percent
    of the baseline's level; ``None`` when that level is 0 or missing, and the change is
    read in the metric's own units.
    """
    declared = registry.get(metric)
    if declared.points is not None:
        return declared.points, " points"
    if finite(base_mean) and base_mean != 0:
        return 100.0 / abs(float(base_mean)), "%"
    return None


def compact_change(
    metric: str, diff: Any, low: Any, high: Any, base_mean: Any, *, short: bool = False
) -> tuple[str, str]:
    """A paired difference and its interval, signed, in the units of :func:`change_scale`.

    ``("+0.8%", "+0.2% to +1.3%")``, ``("+0.6 points", "-0.1 to +1.2")`` (``"+0.6"``
    if ``short``, for a table whose column names the unit) or, against a baseline
    level of 0, the metric's own format (``("+3,104", "+2,985 to +3,222")``); a dash
    where a number is missing.
    """
    scale = change_scale(metric, base_mean)
    if scale is None or not finite(diff):
        return fmt_diff(metric, diff), fmt_interval(metric, low, high, diff=True)
    factor, unit = scale
    shown = [float(diff) * factor] + (
        [float(low) * factor, float(high) * factor] if finite(low) and finite(high) else []
    )
    d = decimals(shown)
    texts = [f"{v:+.{d}f}" for v in shown]
    value = texts[0] + ("%" if unit == "%" else "" if short else unit)
    if len(texts) < 3:
        return value, DASH
    first = "%" if unit == "%" else ""
    return value, f"{texts[1]}{first} to {texts[2]}{first}"
