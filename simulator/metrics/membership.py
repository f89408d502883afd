"""The membership systems' metrics (docs/model.md §11), declared once in the registry.

Kept beside the registry rather than in it: a component declares its own outcomes
(:func:`simulator.metrics.registry.declare`), and :mod:`simulator.metrics` declares them
when it loads, so every reader of the registry sees them. They appear in a run's outputs
only when a system is on.
"""

from __future__ import annotations

from simulator.config.members import BEHAVIOURS, REASONS, STAGES
from simulator.members.warning import CURVE, curve_key
from simulator.metrics.registry import BOTH, DAILY, Metric, declare

COUNT = "{:,.0f}"
MONEY = "{:,.0f}"
SHARE = "{:.1%}"
_SURVEY_UNITS = {"nps": ("NPS", "{:+.1f}"), "csat": ("% top-two-box", "{:.1f}"),
                 "ces": ("CES (1-7)", "{:.2f}")}  # fmt: skip


def _survey_metrics(kind: str) -> tuple[Metric, ...]:
    unit, fmt = _SURVEY_UNITS[kind]
    name = kind.upper()
    return (
        Metric(
            f"survey_{kind}_measured",
            f"measured {name} (survey respondents)",
            fmt=fmt,
            unit=unit,
            kind=BOTH,
            compared_daily=kind == "nps",
        ),
        Metric(
            f"survey_{kind}_true",
            f"true {name} of the survey frame",
            fmt=fmt,
            unit=unit,
            kind=BOTH,
            compared_daily=kind == "nps",
        ),
        Metric(
            f"survey_{kind}_bias",
            f"{name} survey bias (measured - true)",
            fmt=fmt,
            unit=unit,
            kind=BOTH,
        ),
        Metric(
            f"survey_{kind}_abs_bias",
            f"{name} survey error, mean absolute",
            fmt=fmt,
            unit=unit,
            direction=-1,
            compared=13 if kind == "nps" else None,
        ),
        Metric(
            f"survey_{kind}_ci",
            f"{name} survey 95% interval half-width",
            fmt=fmt,
            unit=unit,
            direction=-1,
            kind=BOTH,
            compared=12 if kind == "nps" else None,
        ),
        Metric(
            f"survey_{kind}_responses",
            f"{name} survey responses",
            fmt=COUNT,
            unit="responses",
            kind=BOTH,
            flow=True,
        ),
        Metric(
            f"survey_{kind}_response_rate",
            f"{name} survey response rate",
            fmt=SHARE,
            unit="share",
            kind=BOTH,
            points=100.0,
        ),
    )


MEMBERSHIP = (
    Metric(
        "membership_cost",
        "cost of surveys and policing",
        fmt=MONEY,
        unit="currency",
        direction=-1,
        kind=BOTH,
        flow=True,
        headline=16,
        headline_label="- Surveys and policing",
        compared=14,
    ),
    Metric("survey_cost", "survey cost", fmt=MONEY, unit="currency", direction=-1),
    *(m for kind in ("nps", "csat", "ces") for m in _survey_metrics(kind)),
    Metric("survey_waves", "survey waves", unit="records"),
    *(
        Metric(f"stage_{s}", f"customers in the {s} stage", fmt=COUNT, unit="customers", kind=BOTH)
        for s in STAGES
    ),
    Metric("lifecycle_transitions", "quarterly lifecycle transitions", unit="records"),
    Metric(
        "warning_flagged",
        "customers flagged by the churn warning",
        fmt=COUNT,
        unit="customers",
        kind=BOTH,
    ),
    Metric("warning_auc", "churn warning AUC", fmt="{:.3f}", unit="AUC", direction=1, compared=15),
    Metric("warning_auc_oracle", "oracle AUC (true satisfaction)", fmt="{:.3f}", unit="AUC"),
    Metric(
        "warning_precision",
        "churn warning precision",
        fmt=SHARE,
        unit="share",
        direction=1,
        points=100.0,
    ),
    Metric(
        "warning_recall", "churn warning recall", fmt=SHARE, unit="share", direction=1, points=100.0
    ),
    Metric(
        "warning_base_rate",
        "defection rate within the horizon",
        fmt=SHARE,
        unit="share",
        points=100.0,
    ),
    Metric("warning_scored", "customer-checkpoints scored", fmt=COUNT, unit="scores"),
    Metric(
        "warning_never_flagged_share",
        "share of lost customers never flagged",
        fmt=SHARE,
        unit="share",
        direction=-1,
        points=100.0,
    ),
    Metric(
        "warning_lead_time_days",
        "median warning lead time",
        fmt="{:,.0f}",
        unit="days",
        direction=1,
    ),
    Metric("warning_pr_curve", "precision-recall curve of the warning", unit="records"),
    *(
        m
        for x in CURVE
        for m in (
            Metric(
                f"warning_precision_at_{curve_key(x)}",
                f"warning precision at score {x:g}",
                fmt=SHARE,
                unit="share",
                points=100.0,
            ),
            Metric(
                f"warning_recall_at_{curve_key(x)}",
                f"warning recall at score {x:g}",
                fmt=SHARE,
                unit="share",
                points=100.0,
            ),
        )
    ),
    *(
        Metric(
            f"churn_{r}",
            f"customers lost: {r.replace('_', ' ')}",
            fmt=COUNT,
            unit="customers",
            direction=-1,
        )
        for r in REASONS
    ),
    Metric(
        "behaviour_points",
        "behaviour points issued",
        fmt=COUNT,
        unit="points",
        kind=DAILY,
        flow=True,
    ),
    *(
        Metric(
            f"behaviour_points_{b}", f"points for {b.replace('_', '-')}", fmt=COUNT, unit="points"
        )
        for b in BEHAVIOURS
    ),
    Metric(
        "cheating_points",
        "points issued to cheats",
        fmt=COUNT,
        unit="points",
        direction=-1,
        kind=BOTH,
        flow=True,
    ),
    Metric(
        "points_clawed_back", "points clawed back", fmt=COUNT, unit="points", kind=BOTH, flow=True
    ),
    Metric(
        "false_positives",
        "honest members wrongly penalised",
        fmt=COUNT,
        unit="customers",
        direction=-1,
    ),
    Metric("cheats_caught", "fake actions caught", fmt=COUNT, unit="actions"),
    Metric(
        "memberships_cancelled", "memberships cancelled for cheating", fmt=COUNT, unit="customers"
    ),
    Metric(
        "behaviour_listeners",
        "readers of reviews and shares",
        fmt=COUNT,
        unit="people",
        direction=1,
    ),
    Metric(
        "policing_cost",
        "cost of policing behaviour points",
        fmt=MONEY,
        unit="currency",
        direction=-1,
    ),
    Metric(
        "cheating_share",
        "share of members who cheat",
        fmt=SHARE,
        unit="share",
        direction=-1,
        points=100.0,
    ),
    Metric(
        "cheating_cost",
        "cost of points kept by cheats",
        fmt=MONEY,
        unit="currency",
        direction=-1,
        compared=16,
    ),
    Metric("behaviour_rules", "behaviour rules", unit="records"),
    Metric(
        "members_new", "new members", fmt=COUNT, unit="customers", direction=1, kind=BOTH, flow=True
    ),
    Metric("member_revenue", "members' revenue", fmt=MONEY, unit="currency", kind=DAILY, flow=True),
    Metric(
        "member_growth_rate", "member growth", fmt=SHARE, unit="share", direction=1, points=100.0
    ),
    Metric(
        "member_active_rate",
        "active-member rate (bought in 90 days)",
        fmt=SHARE,
        unit="share",
        direction=1,
        points=100.0,
    ),
    Metric(
        "member_revenue_share", "member share of revenue", fmt=SHARE, unit="share", points=100.0
    ),
    Metric("member_growth_by_segment", "member growth by segment", unit="records"),
    Metric("member_growth_by_tier", "member growth by tier", unit="records"),
    Metric("member_growth_by_period", "member growth by 30-day period", unit="records"),
)

declare(*MEMBERSHIP)
