"""The reported window: what the end of the warm-up resets (docs/model.md §10).

A strategy is an intervention on a market that was already running. The warm-up runs
the baseline and reports nothing; at its end every counter, ledger total and metric
starts again from zero, the retention cohort is who is active then, and day 0 of the
reported window is recorded. State carries over: satisfaction, expectations,
reference prices, habits, points balances, tiers, the desk's queue.
"""

from __future__ import annotations

from simulator.engine.context import DayContext, RunLog
from simulator.engine.flows import DayFlows, RunTotals
from simulator.engine.state import ACTIVE, NEVER
from simulator.mechanisms.entry import replacement_rate
from simulator.metrics import daily
from simulator.metrics.recorder import MetricsRecorder


def reset(ctx: DayContext) -> None:
    """Start the reported window now (between two days)."""
    ctx.report_start = ctx.day
    p = ctx.pop
    ctx.totals = RunTotals()
    ctx.metrics = MetricsRecorder()
    recording = ctx.log.transactions is not None
    ctx.log = RunLog(
        transactions=[] if recording else None,
        cohort_start=p.alive & (p.relationship == ACTIVE),
    )
    # Per-customer counters of "this run" count the reported window.
    p.revenue[:] = 0.0
    p.value[:] = 0.0
    p.focal_visits[:] = 0
    p.complaints[:] = 0
    p.acquired_day[:] = NEVER
    p.ever_customer[:] = p.alive & (p.relationship == ACTIVE)
    ctx.programme.reset_counters()
    ctx.members.reset_counters()
    if ctx.recent_exits and ctx.config.market.entry.mode == "replace_exits":
        # From here on the entry rate is fixed, the same for every strategy (§3.7).
        ctx.constants.entry_rate = replacement_rate(ctx)
    ctx.flows = DayFlows()
    daily.record(ctx)
