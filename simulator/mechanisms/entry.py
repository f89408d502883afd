"""Stage "entry": people enter the category (docs/model.md §3.7).

Two kinds of entry. A CDNOW-style cohort (``market.initial.entry_spread_days``) spreads
its customers' first purchases over the first days of the run: on its entry day a
customer becomes alive and buys at the focal firm. And in an open market
(``market.entry``), new people enter as prospects at the rate that replaces those who
leave the category in the baseline, so that a baseline market is stationary: during the
warm-up the day's entrants replace the recent exits; from the reported window on, the
rate is fixed at the warm-up's recent average, with the count drawn from the ``entry``
substream, so every strategy meets the same entrants.
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
    """Today's entrants: a cohort's trial purchases, and new prospects."""
    if ctx.constants.has_entrants:
        _cohort(ctx)
    if ctx.config.market.entry.mode != "none":
        _prospects(ctx)


def _cohort(ctx: DayContext) -> None:
    p = ctx.pop
    d = ctx.day
    first = ctx.constants.reserve[0]
    rows = np.flatnonzero(p.entry_day[:first] == d)
    if rows.size == 0:
        return
    p.alive[rows] = True
    trial = rows[p.relationship[rows] == ACTIVE]
    p.aware[trial, 0] = True
    p.active_since[trial] = d
    p.ever_customer[trial] = True
    # The day's regular visits draw from the same named streams; the entrants' trial
    # purchases get streams of their own so the two groups' draws are independent.
    with ctx.streams.part("cohort_trial"):
        focal_purchase(ctx, trial, trial_purchase=True)
    p.purchases[trial] = 1
    p.last_firm[trial] = 0


def entry_rate(ctx: DayContext) -> float:
    """Expected entrants today: during the warm-up, the recent exits (replacement) plus
    growth; in the reported window, the rate fixed when it opened."""
    if ctx.day <= ctx.report_start and ctx.recent_exits:
        return replacement_rate(ctx)
    return ctx.constants.entry_rate


def replacement_rate(ctx: DayContext) -> float:
    """The mean exits of the last days, plus the category's growth."""
    growth = ctx.config.market.entry.growth_rate * ctx.config.run.customers / 365.0
    return max(float(np.mean(ctx.recent_exits[-RECENT_DAYS:])) + growth, 0.0)


def _prospects(ctx: DayContext) -> None:
    p = ctx.pop
    d = ctx.day
    rng = ctx.streams.get("entry", d)
    k = int(rng.poisson(entry_rate(ctx)))
    last = ctx.constants.reserve[1]
    start = ctx.entry_cursor
    stop = min(start + k, last)
    if stop == start:
        return
    if stop == last:
        # The reserve is used up (the run is far longer, or the category grows far
        # faster, than planned for): say so once, where every other event is listed.
        ctx.log.events.append((ctx.reported_day, "category entry stops: its reserve is used up"))
    rows = np.arange(start, stop)
    ctx.entry_cursor = stop
    p.alive[rows] = True
    p.entry_day[rows] = d
    ctx.flows.entered += rows.size


def record_exits(ctx: DayContext) -> None:
    """Remember today's exits from the category (the warm-up's entry replaces them)."""
    ctx.recent_exits.append(ctx.flows.exits)
    del ctx.recent_exits[:-RECENT_DAYS]
