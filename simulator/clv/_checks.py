"""Input checks shared by the CLV functions: finite numbers, ranges, clear messages.

Each message states the offending value (and, for arrays, its index) and the rule it
broke, in the style of lifetimes' ``_check_inputs``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatOrArray = float | NDArray[np.float64]

RATE_HINT = " (a yearly rate as a fraction: 0.10 for 10%)"


def as_float(name: str, value: ArrayLike) -> NDArray[np.float64]:
    """Return ``value`` as finite floats, or raise naming ``name`` and the bad value."""
    try:
        v = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {value!r}") from exc
    if not np.all(np.isfinite(v)):
        bad = v[~np.isfinite(v)].flat[0]
        raise ValueError(f"{name}(={bad:g}) must be finite")
    return v


def offending(v: NDArray[np.float64], bad: NDArray[np.bool_]) -> str:
    """The first value of ``v`` where ``bad`` holds, with its index for arrays."""
    # For arrays, say which element broke the rule: the first one is enough to find it.
    if v.ndim == 0:
        return f"{v.item():g}"
    idx = tuple(int(k) for k in np.argwhere(bad)[0])
    pos = idx[0] if len(idx) == 1 else idx
    return f"{v[idx]:g} at index {pos}"


def in_range(
    name: str,
    value: ArrayLike,
    low: float,
    high: float = np.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
    hint: str = "",
) -> NDArray[np.float64]:
    """Return ``value`` as floats, or raise ``name(=v) must be in [low, high)``."""
    v = as_float(name, value)
    bad = (v <= low if low_open else v < low) | (v >= high if high_open else v > high)
    if np.any(bad):
        if np.isinf(high):
            rule = f"must be {'>' if low_open else '>='} {low:g}"
        else:
            rule = (
                f"must be in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
            )
        raise ValueError(f"{name}(={offending(v, bad)}) {rule}{hint}")
    return v


def check_positive_params(**params: float) -> None:
    """Raise ``name(=v) must be > 0`` for the first model parameter that is not."""
    for name, value in params.items():
        in_range(name, value, 0.0, low_open=True)


def scalar_or_array(x: NDArray[np.float64]) -> FloatOrArray:
    """A float for a 0-d result (all inputs scalar), else the array itself."""
    return float(x) if x.ndim == 0 else x
