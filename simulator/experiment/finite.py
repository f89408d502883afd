"""Numbers are finite or refused (issue 17, item 14).

A reward worth 200 for 50 points made ``log1p`` return NaN, and the run carried on:
programme cost became 0 and revenue halved, with only a RuntimeWarning on the terminal.
``firm.price = 1e-300`` overflowed ``exp`` the same way. Two guards, both outside the
model:

- :func:`raising` makes numpy's floating-point errors (overflow, invalid operation,
  division by zero) raise inside a command's runs, so the first non-finite number stops
  the run where it arose and the command refuses it in one line. The shipped scenarios
  raise none of them.
- :func:`check_run` and :func:`check_comparison` look at the results before anything is
  written: an infinity anywhere, or NaN in an amount that is always defined (a count or
  a money flow; ratios such as the breakage rate are legitimately undefined, n/a, when
  nothing was issued), refuses them.
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulator.errors import LoyaltySimError, RunError
from simulator.metrics import registry

if TYPE_CHECKING:
    from simulator.experiment.results import ComparisonResult, RunResult

__all__ = [
    "NumericalError",
    "check_comparison",
    "check_run",
    "describe",
    "raise_in_this_process",
    "raising",
]

HINT = (
    "an input is outside the range the model can compute; look for values far from the "
    "defaults (reward value per point, discounts, prices, rates)"
)


class NumericalError(LoyaltySimError):
    """A run's arithmetic left the finite numbers."""


def _where(exc: BaseException) -> str:
    """``simulator/mechanisms/choice.py`` for the deepest frame of ours, if any."""
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if "/simulator/" in f.filename and f.filename != __file__
    ]
    if not frames:
        return ""
    path = frames[-1].filename
    return " in " + path[path.rindex("/simulator/") + 1 :]


def describe(exc: BaseException) -> str:
    """One line for a floating-point error raised by a run."""
    return f"the arithmetic left the finite numbers ({exc}{_where(exc)}): {HINT}"


def _floating_point_cause(exc: BaseException) -> FloatingPointError | None:
    seen = 0
    cause: BaseException | None = exc
    while cause is not None and seen < 10:
        if isinstance(cause, FloatingPointError):
            return cause
        cause, seen = cause.__cause__ or cause.__context__, seen + 1
    return None


ERRORS = {"over": "raise", "invalid": "raise", "divide": "raise"}


def raise_in_this_process() -> None:
    """numpy floating-point errors raise for the rest of this process (a worker's
    initializer: what :func:`raising` does in the main process)."""
    np.seterr(**ERRORS)  # type: ignore[arg-type]


@contextmanager
def raising() -> Iterator[None]:
    """Within the block, numpy floating-point errors raise, and become a
    :class:`NumericalError` naming the run when it is known."""
    try:
        with np.errstate(**ERRORS):  # type: ignore[arg-type]
            yield
    except FloatingPointError as exc:
        raise NumericalError(describe(exc)) from None
    except RunError as exc:
        cause = _floating_point_cause(exc)
        if cause is None:
            raise
        raise NumericalError(
            f"run {exc.scenario} / strategy {exc.strategy!r} / seed {exc.seed}: " + describe(cause)
        ) from None


def always_defined(metric: str) -> bool:
    """Counts and money flows always have a value; ratios may be undefined (n/a)."""
    m = registry.METRICS.get(metric)
    return m is not None and (m.flow or metric == "customers_active")


def _bad(value: Any, metric: str) -> str | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    if math.isinf(v):
        return "an infinite value"
    if math.isnan(v) and always_defined(metric):
        return "NaN"
    return None


def _first_bad(frame: pd.DataFrame) -> tuple[str, pd.Series] | None:
    if frame.empty:
        return None
    values = frame["value"].to_numpy(dtype=float)
    inf = np.isinf(values)
    nan = np.isnan(values) & frame["metric"].astype(str).map(always_defined).to_numpy(bool)
    bad = np.flatnonzero(inf | nan)
    if bad.size == 0:
        return None
    row = frame.iloc[int(bad[0])]
    return ("an infinite value" if inf[bad[0]] else "NaN"), row


def check_run(result: RunResult) -> None:
    """Refuse a run whose summary or daily metrics hold a number they should not."""
    for metric, value in result.summary.items():
        what = _bad(value, metric)
        if what is not None:
            raise NumericalError(f"{_run(result)}: {what} in {metric} at the end: {HINT}")
    found = _first_bad(result.metrics)
    if found is not None:
        what, row = found
        raise NumericalError(
            f"{_run(result)}: {what} in {row['metric']} on day {row['day']}: {HINT}"
        )


def check_comparison(result: ComparisonResult) -> None:
    """Refuse a comparison any of whose runs holds a number it should not."""
    found = _first_bad(result.tidy())
    if found is not None:
        what, row = found
        day = "" if pd.isna(row["day"]) else f" on day {row['day']}"
        raise NumericalError(
            f"run {result.scenario} / strategy {row['strategy']!r} / seed {row['seed']}: "
            f"{what} in {row['metric']}{day}: {HINT}"
        )


def _run(result: RunResult) -> str:
    return f"run {result.scenario} / strategy {result.strategy!r} / seed {result.seed}"
