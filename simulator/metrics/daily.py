"""What the model records each day (MODEL.md 7), kept apart from the step itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.engine.state import ACTIVE, LAPSED, PROSPECT
from simulator.kernels.census import census, group_census
from simulator.mechanisms.word_of_mouth import nps_from_histogram

if TYPE_CHECKING:
    from simulator.engine.model import LoyaltyModel

QUANTILES = (5, 25, 50, 75, 95)
# Satisfaction histogram: 0.01-wide bins on the 0-10 scale.
BINS = 1001
MIDS = np.arange(BINS) / 100.0
# Breakdowns by segment and tier cost a pass over the population each: weekly is
# enough for plots and reports, and the last day is always recorded.
BREAKDOWN_EVERY = 7
_EVERYONE = np.zeros(0, dtype=bool)


def record(model: LoyaltyModel, d: int) -> None:
    """Append day ``d``'s metrics to ``model.metrics``."""
    p = model.pop
    m = model.metrics
    flows = getattr(model, "_day_flows", {}) if d > 0 else {}
    # One pass: counts by relationship and one histogram of S, which gives the mean,
    # the NPS and the quantiles of the day.
    by_rel, hist, s_total = census(p.alive, p.relationship, p.satisfaction, BINS)
    n_active = int(by_rel[ACTIVE])
    noise = model.config.market.word_of_mouth.ltr_noise
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
        for q in QUANTILES:
            values[f"satisfaction_p{q:02d}"] = float(MIDS[np.searchsorted(cdf, q / 100.0)])
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
        "gross_margin",
        "acquisition_cost",
    ):
        values[k] = float(flows.get(k, 0.0))
    values["customers_lapsed"] = values["defected"] + values["left_category"]
    cat = flows.get("category_purchases_active", 0.0)
    values["share_of_wallet"] = values["focal_visits"] / cat if cat else float("nan")
    allcat = flows.get("category_purchases", 0.0)
    values["market_share"] = values["focal_visits"] / allcat if allcat else float("nan")
    values.update(model.programme.day_metrics(d) if hasattr(model.programme, "day_metrics") else {})
    values.setdefault("programme_cost", 0.0)
    values["service_cost"] = float(flows.get("service_cost", 0.0))
    # Net margin: gross margin less programme, complaint-desk and acquisition costs.
    values["net_margin"] = (
        values["gross_margin"]
        - values["programme_cost"]
        - values["service_cost"]
        - values["acquisition_cost"]
    )
    desk = model.desk
    values["complaint_queue"] = float(desk.queue_length)
    closed = flows.get("closed", 0.0)
    values["complaints_closed"] = closed
    waited = flows.get("waited", 0.0)
    values["complaint_wait_mean"] = flows.get("wait_sum", 0.0) / waited if waited else float("nan")
    values["complaint_resolution_rate"] = (
        flows.get("resolved", 0.0) / closed if closed else float("nan")
    )
    values["wom_ratio"] = (
        values["wom_positive"] / values["wom_negative"] if values["wom_negative"] else float("nan")
    )
    m.add_many(d, values)

    last = d == model.config.run.days
    if d % BREAKDOWN_EVERY == 0 or last:
        _breakdowns(model, d)


def _breakdowns(model: LoyaltyModel, d: int) -> None:
    p = model.pop
    labels = [s.name for s in model.config.market.segments]
    _, n_act, s_sum, rev = group_census(
        p.segment, _EVERYONE, p.alive, p.relationship, p.satisfaction, p.revenue, len(labels)
    )
    m = model.metrics
    m.add_breakdown(d, "customers_active", n_act, labels)
    with np.errstate(invalid="ignore", divide="ignore"):
        m.add_breakdown(d, "satisfaction_mean", s_sum / n_act, labels)
    m.add_breakdown(d, "revenue_cumulative", rev, labels)
    tiers = model.programme.tier_labels() if hasattr(model.programme, "tier_labels") else []
    if tiers:
        tier = p.extra["tier"]
        counts, n_t, s_t, _ = group_census(
            tier, p.member, p.alive, p.relationship, p.satisfaction, p.revenue, len(tiers)
        )
        m.add_breakdown(d, "members", counts, tiers, by="tier")
        with np.errstate(invalid="ignore", divide="ignore"):
            m.add_breakdown(d, "satisfaction_mean", s_t / n_t, tiers, by="tier")
