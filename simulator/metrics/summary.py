"""Final KPIs of a run (docs/model.md §7), computed from the model's state and its metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulator.engine.flows import net_margin
from simulator.engine.state import ACTIVE
from simulator.mechanisms.word_of_mouth import expected_nps

if TYPE_CHECKING:
    from simulator.engine.context import DayContext


def monthly_churn(metrics: pd.DataFrame, month_days: int = 30) -> float:
    """Mean over whole months of (customers lapsed in the month / active at its start)."""
    tot = metrics[(metrics["segment"] == "") & (metrics["tier"] == "")]
    wide = tot.pivot_table(index="day", columns="metric", values="value", aggfunc="first")
    if "customers_active" not in wide or wide.index.max() < month_days:
        return float("nan")
    rates = []
    for start in range(0, int(wide.index.max()) - month_days + 1, month_days):
        active0 = wide.at[start, "customers_active"]
        lost = wide.loc[start + 1 : start + month_days, "customers_lapsed"].sum()
        if active0 > 0:
            rates.append(lost / active0)
    return float(np.mean(rates)) if rates else float("nan")


def summarise(ctx: DayContext, metrics: pd.DataFrame) -> dict[str, Any]:
    """Headline KPIs: the keys promised by ``summary.json``."""
    p = ctx.pop
    t = ctx.totals
    days = ctx.config.run.days
    active = p.alive & (p.relationship == ACTIVE)
    cohort = ctx.log.cohort_start
    survived = cohort & active
    ret = survived.sum() / cohort.sum() if cohort.sum() else float("nan")
    ever = p.ever_customer
    waits = np.concatenate(ctx.log.waits) if ctx.log.waits else np.zeros(0)
    closed = t.complaints_closed
    out: dict[str, Any] = {
        "days": days,
        "warmup_days": ctx.config.run.warmup_days,
        "customers": ctx.config.run.customers,
        "people_in_category": int(p.alive.sum()),
        "customers_entered": int(t.entered),
        "customers_exited": int(t.exits),
        "customers_active": int(active.sum()),
        "customers_acquired": int(t.acquired),
        "customers_lapsed": int(t.defected + t.left_category),
        "customers_defected": int(t.defected),
        "customers_left_category": int(t.left_category),
        "customers_won_back": int(t.won_back),
        "retention_rate": float(ret),
        # Annualised from the run's length (noisy for runs much shorter than a year).
        "retention_rate_annual": float(ret ** (365.0 / days)) if ret == ret else float("nan"),
        "churn_monthly": monthly_churn(metrics),
        "nps": expected_nps(p.satisfaction[active], ctx.config.market.word_of_mouth.ltr_noise),
        "satisfaction_mean": float(p.satisfaction[active].mean()) if active.any() else float("nan"),
        "revenue": t.revenue,
        "cost_of_goods": t.cost_of_goods,
        "quality_cost": t.quality_cost,
        "gross_margin": t.gross_margin,
        "programme_cost": t.programme_cost,
        "acquisition_cost": t.acquisition_cost,
        "service_cost": t.service_cost,
        "clv_mean": float(p.value[ever].mean()) if ever.any() else 0.0,
        "share_of_wallet": t.focal_visits / t.category_purchases_active
        if t.category_purchases_active
        else float("nan"),
        "focal_visits": int(t.focal_visits),
        "wom_positive": int(t.wom_positive),
        "wom_negative": int(t.wom_negative),
        "wom_ratio": t.wom_positive / t.wom_negative if t.wom_negative else float("nan"),
        "referrals_made": int(t.referrals_made),
        "referrals_converted": int(t.referrals_converted),
        "acquired_by_advertising": int(t.acquired_by_advertising),
        "acquired_by_wom": int(t.acquired_by_wom),
        "acquired_by_referral": int(t.acquired_by_referral),
        "complaints": int(t.complaints),
        "complaint_wait_mean": float(waits.mean()) if waits.size else 0.0,
        "complaint_wait_p95": float(np.percentile(waits, 95)) if waits.size else 0.0,
        "complaint_resolution_rate": t.complaints_resolved / closed if closed else float("nan"),
    }
    # Referral value (Kumar, Petersen & Leone 2007): the realised value of the customers
    # each referrer brought in.
    referred = (p.referred_by >= 0) & ever
    referrers = np.unique(p.referred_by[referred])
    out["referral_value_total"] = float(p.value[referred].sum())
    out["referrers"] = int(referrers.size)
    out["referral_value_per_referrer"] = (
        out["referral_value_total"] / referrers.size if referrers.size else 0.0
    )
    talked, heads = ctx.log.talk_by_class[:, 0], ctx.log.talk_by_class[:, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = talked / heads
    out["talk_rate_detractor"] = float(rates[0])
    out["talk_rate_passive"] = float(rates[1])
    out["talk_rate_promoter"] = float(rates[2])
    out.update(ctx.programme.summary())
    out.update(ctx.members.summary())
    out["net_margin"] = net_margin(
        out["gross_margin"], out["programme_cost"], out["service_cost"], out["acquisition_cost"]
    ) - out.get("membership_cost", 0.0)
    return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in out.items()}
