"""What the model records each day (docs/model.md §7), kept apart from the step itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.engine.flows import net_margin
from simulator.engine.state import ACTIVE, LAPSED, PROSPECT
from simulator.kernels.census import census, group_census
from simulator.mechanisms.word_of_mouth import nps_from_histogram

if TYPE_CHECKING:
    from simulator.engine.context import DayContext

QUANTILES = (5, 25, 50, 75, 95)
_QUANTILE_NAMES = tuple(f"satisfaction_p{q:02d}" for q in QUANTILES)
_QUANTILE_LEVELS = np.array(QUANTILES) / 100.0
# Satisfaction histogram: 0.01-wide bins on the 0-10 scale.
BINS = 1001
MIDS = np.arange(BINS) / 100.0
# Breakdowns by segment and tier cost a pass over the population each: weekly is
# enough for plots and reports, and the last day is always recorded.
BREAKDOWN_EVERY = 7
_EVERYONE = np.zeros(0, dtype=bool)


def record(ctx: DayContext) -> None:
    """Append today's metrics to ``ctx.metrics`` (stage "census"), by reported day.

    Days before the reported window are not recorded: its start discards every metric
    of the warm-up (docs/model.md §10), and the census was a tenth of a warm-up day.
    """
    d = ctx.reported_day
    if d < 0:
        return
    p = ctx.pop
    m = ctx.metrics
    flows = ctx.flows
    # One pass: counts by relationship and one histogram of S, which gives the mean,
    # the NPS and the quantiles of the day.
    by_rel, hist, s_total = census(p.alive, p.relationship, p.satisfaction, BINS)
    n_active = int(by_rel[ACTIVE])
    noise = ctx.config.market.word_of_mouth.ltr_noise
    values: dict[str, float] = {
        "customers_active": n_active,
        "customers_prospect": int(by_rel[PROSPECT]),
        "customers_lapsed_stock": int(by_rel[LAPSED]),
        "customers_alive": int(by_rel.sum()),
        "satisfaction_mean": s_total / n_active if n_active else float("nan"),
        "nps": nps_from_histogram(hist, 0.01, noise),
    }
    if n_active:
        cdf = np.cumsum(hist) / n_active
        at = MIDS[np.searchsorted(cdf, _QUANTILE_LEVELS)].tolist()
        values.update(zip(_QUANTILE_NAMES, at, strict=True))
    for k in (
        "acquired",
        "defected",
        "left_category",
        "won_back",
        "focal_visits",
        "complaints",
        "wom_positive",
        "wom_negative",
        "revenue",
        "cost_of_goods",
        "quality_cost",
        "gross_margin",
        "acquisition_cost",
        "exits",
        "entered",
    ):
        values[k] = float(getattr(flows, k))
    values["customers_lapsed"] = values["defected"] + values["left_category"]
    cat = flows.category_purchases_active
    values["share_of_wallet"] = values["focal_visits"] / cat if cat else float("nan")
    allcat = flows.category_purchases
    values["market_share"] = values["focal_visits"] / allcat if allcat else float("nan")
    values.update(ctx.programme.day_metrics(d))
    values["service_cost"] = float(flows.service_cost)
    values["net_margin"] = (
        net_margin(
            values["gross_margin"],
            values["programme_cost"],
            values["service_cost"],
            values["acquisition_cost"],
        )
        # Surveys and policing (docs/model.md §11): 0.0 when those systems are off.
        - ctx.members.cost_today
    )
    values["complaint_queue"] = float(ctx.desk.queue_length)
    closed = flows.closed
    values["complaints_closed"] = closed
    waited = flows.waited
    values["complaint_wait_mean"] = flows.wait_sum / waited if waited else float("nan")
    values["complaint_resolution_rate"] = flows.resolved / closed if closed else float("nan")
    values["wom_ratio"] = (
        values["wom_positive"] / values["wom_negative"] if values["wom_negative"] else float("nan")
    )
    m.add_many(d, values)

    last = d == ctx.config.run.days
    if d % BREAKDOWN_EVERY == 0 or last:
        _breakdowns(ctx, d)


def _breakdowns(ctx: DayContext, d: int) -> None:
    p = ctx.pop
    labels = [s.name for s in ctx.config.market.segments]
    _, n_act, s_sum, rev = group_census(
        p.segment, _EVERYONE, p.alive, p.relationship, p.satisfaction, p.revenue, len(labels)
    )
    m = ctx.metrics
    m.add_breakdown(d, "customers_active", n_act, labels)
    with np.errstate(invalid="ignore", divide="ignore"):
        m.add_breakdown(d, "satisfaction_mean", s_sum / n_act, labels)
    m.add_breakdown(d, "revenue_cumulative", rev, labels)
    tiers = ctx.programme.tier_labels()
    tier = ctx.programme.tier_of()
    if tiers and tier is not None:
        counts, n_t, s_t, _ = group_census(
            tier, p.member, p.alive, p.relationship, p.satisfaction, p.revenue, len(tiers)
        )
        m.add_breakdown(d, "members", counts, tiers, by="tier")
        with np.errstate(invalid="ignore", divide="ignore"):
            m.add_breakdown(d, "satisfaction_mean", s_t / n_t, tiers, by="tier")
