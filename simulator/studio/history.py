"""What the studio remembers of each day, for the views (small, per world).

The engine's :class:`~simulator.metrics.recorder.MetricsRecorder` keeps every metric;
the views need a few series plus three things it does not record: the satisfaction
histogram of each day, acquisitions by source, and defection and repurchase by
satisfaction level (Jones & Sasser 1995), which need each customer's satisfaction
*before* the day.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from simulator.engine.state import ACTIVE, LAPSED, SOURCE_NAMES

# Satisfaction histogram: 20 half-point bins on 0-10 (what a room can read).
HIST_BINS = 20
# Jones & Sasser curve: one point per satisfaction unit, 0-1 ... 9-10.
JS_BINS = 10
SERIES = (
    "nps",
    "wom_positive",
    "wom_negative",
    "customers_active",
    "satisfaction_mean",
    "defected",
    "points_outstanding",
    "points_issued",
    "points_redeemed",
    "points_expired",
    "breakage_rate",
    "members",
    "complaints",
    "complaint_queue",
    "revenue",
)
SOURCES = tuple(SOURCE_NAMES.values())


@dataclass
class Before:
    """The state a day's outcome is read against (taken just before the step)."""

    active: np.ndarray
    s_bin: np.ndarray


@dataclass
class History:
    """Daily series of one world, from the day the studio opened it."""

    days: list[int] = field(default_factory=list)
    series: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in SERIES})
    acquired: dict[str, list[int]] = field(default_factory=lambda: {k: [] for k in SOURCES})
    hist: list[np.ndarray] = field(default_factory=list)
    # Jones & Sasser: customer-days at risk, defections and focal visits by S bin.
    at_risk: np.ndarray = field(default_factory=lambda: np.zeros(JS_BINS))
    defections: np.ndarray = field(default_factory=lambda: np.zeros(JS_BINS))
    visits: np.ndarray = field(default_factory=lambda: np.zeros(JS_BINS))

    def copy(self) -> History:
        """An independent copy (for a twin)."""
        return copy.deepcopy(self)


def before(model: object) -> Before:
    """What :func:`record` compares the day's outcome with."""
    pop = model.pop  # type: ignore[attr-defined]
    active = (pop.relationship == ACTIVE) & pop.alive
    s_bin = np.clip(pop.satisfaction.astype(np.int64), 0, JS_BINS - 1)
    return Before(active, s_bin)


def record(h: History, model: object, prior: Before | None) -> None:
    """Append the day just simulated by ``model`` to ``h``."""
    pop = model.pop  # type: ignore[attr-defined]
    day = int(model.day)  # type: ignore[attr-defined]
    latest = model.metrics.latest()  # type: ignore[attr-defined]
    h.days.append(int(model.ctx.reported_day))  # type: ignore[attr-defined]
    for k in SERIES:
        h.series[k].append(float(latest.get(k, float("nan"))))
    today = pop.acquired_day == day
    counts = np.bincount(pop.acquisition_source[today], minlength=len(SOURCES) + 1)
    for code, name in SOURCE_NAMES.items():
        h.acquired[name].append(int(counts[code]))
    active = (pop.relationship == ACTIVE) & pop.alive
    h.hist.append(
        np.histogram(pop.satisfaction[active], bins=HIST_BINS, range=(0.0, 10.0))[0].astype(
            np.int32
        )
    )
    if prior is not None:
        was = prior.active
        bins = prior.s_bin[was]
        h.at_risk += np.bincount(bins, minlength=JS_BINS)
        lost = was & (pop.relationship == LAPSED)
        h.defections += np.bincount(prior.s_bin[lost], minlength=JS_BINS)
        came = was & (pop.last_focal_day == day)
        h.visits += np.bincount(prior.s_bin[came], minlength=JS_BINS)
