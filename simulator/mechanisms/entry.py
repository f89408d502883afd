"""Stage "entry": people enter the category (docs/model.md §3.7).

Three kinds of entry. A CDNOW-style cohort (``market.initial.entry_spread_days``)
spreads its customers' first purchases over the first days of the run: on its entry
day a customer becomes alive and buys at the focal firm. In an open market
(``market.entry.mode: replace_exits``), new people enter as prospects at the rate that
replaces those who leave the category in the baseline, so that a baseline market is
stationary: during the warm-up the day's entrants replace the recent exits; from the
reported window on, the rate is fixed at the warm-up's recent average. And with
``market.entry.mode: new_customers`` (the rate a firm's log shows, written by
``loyalty-sim calibrate``), new customers of the firm arrive at a fixed daily rate and
make their trial purchase at the focal firm on arrival, as a cohort's entrants do. The
open market's counts are drawn from the ``entry`` substream and its entrants kept in a
reserve drawn when the model is built, so every strategy meets the same entrants.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.engine.state import ACTIVE
from simulator.mechanisms.visit import focal_purchase

if TYPE_CHECKING:
    from simulator.engine.context import DayContext

# Days of exits averaged: the entry rate of the warm-up's next day, and of the window.
RECENT_DAYS = 90


def run(ctx: DayContext) -> None:
    """Today's entrants: a cohort's trial purchases, new prospects or new customers."""
    if ctx.constants.has_entrants:
        _cohort(ctx)
    mode = ctx.config.market.entry.mode
    if mode == "new_customers":
        _new_customers(ctx)
    elif mode != "none":
        _admit(ctx)


def _cohort(ctx: DayContext) -> None:
    p = ctx.pop
    first = ctx.constants.reserve[0]
    rows = np.flatnonzero(p.entry_day[:first] == ctx.day)
    if rows.size == 0:
        return
    p.alive[rows] = True
    _trial_purchase(ctx, rows[p.relationship[rows] == ACTIVE], "cohort_trial")


def _new_customers(ctx: DayContext) -> None:
    """New customers of the firm: the day's entrants buy at the focal firm on arrival."""
    _trial_purchase(ctx, _admit(ctx), "new_customer_trial")


def _trial_purchase(ctx: DayContext, rows: np.ndarray, part: str) -> None:
    """Entrants' first purchase at the focal firm, today (a trial: no dropout after it)."""
    p = ctx.pop
    d = ctx.day
    p.aware[rows, 0] = True
    p.active_since[rows] = d
    p.ever_customer[rows] = True
    # The day's regular visits draw from the same named streams; the entrants' trial
    # purchases get streams of their own so the two groups' draws are independent.
    with ctx.streams.part(part):
        focal_purchase(ctx, rows, trial_purchase=True)
    p.purchases[rows] = 1
    p.last_firm[rows] = 0


def entry_rate(ctx: DayContext) -> float:
    """Expected entrants today: with new customers, their fixed rate; otherwise, during
    the warm-up, the recent exits (replacement) plus growth, and in the reported window
    the rate fixed when it opened."""
    entry = ctx.config.market.entry
    if entry.mode == "new_customers":
        return entry.customers_per_day or 0.0
    if ctx.day <= ctx.report_start and ctx.recent_exits:
        return replacement_rate(ctx)
    return ctx.constants.entry_rate


def replacement_rate(ctx: DayContext) -> float:
    """The mean exits of the last days, plus the category's growth."""
    growth = ctx.config.market.entry.growth_rate * ctx.config.run.customers / 365.0
    return max(float(np.mean(ctx.recent_exits[-RECENT_DAYS:])) + growth, 0.0)


def _admit(ctx: DayContext) -> np.ndarray:
    """The day's entrants, alive from today: a Poisson count from the day's ``entry``
    stream, taken in order from the reserve."""
    p = ctx.pop
    d = ctx.day
    rng = ctx.streams.get("entry", d)
    k = int(rng.poisson(entry_rate(ctx)))
    last = ctx.constants.reserve[1]
    start = ctx.entry_cursor
    stop = min(start + k, last)
    if stop == start:
        return np.zeros(0, dtype=np.int64)
    if stop == last:
        # The reserve is used up (the run is far longer, or the category grows far
        # faster, than planned for): say so once, where every other event is listed.
        ctx.log.events.append((ctx.reported_day, "category entry stops: its reserve is used up"))
    rows = np.arange(start, stop)
    ctx.entry_cursor = stop
    p.alive[rows] = True
    p.entry_day[rows] = d
    ctx.flows.entered += rows.size
    return rows


def record_exits(ctx: DayContext) -> None:
    """Remember today's exits from the category (the warm-up's entry replaces them)."""
    ctx.recent_exits.append(ctx.flows.exits)
    del ctx.recent_exits[:-RECENT_DAYS]
