"""The report's section on the membership systems (docs/model.md §11): surveys,
lifecycle stages, the churn early warning and churn reasons, behaviour points and
member growth. Absent when no system ran."""

from __future__ import annotations

import math

import pandas as pd

from simulator.experiment.results import ComparisonResult
from simulator.metrics import registry
from simulator.report.format import DASH
from simulator.report.markup import esc, table
from simulator.report.members_charts import nps_figure, precision_recall_figure

__all__ = ["membership_section"]

SURVEYS = ("nps", "csat", "ces")
SURVEY_COLUMNS = ("measured", "true", "bias", "ci", "responses", "response_rate")
STAGES = ("new", "growing", "mature", "declining", "dormant")
WARNING = (
    "warning_auc",
    "warning_auc_oracle",
    "warning_precision",
    "warning_recall",
    "warning_base_rate",
    "warning_lead_time_days",
    "warning_never_flagged_share",
)
REASONS = ("dissatisfaction", "competitor_offer", "service_failure", "left_category",
           "moved_away")  # fmt: skip
BEHAVIOUR = (
    "behaviour_points_reviews",
    "behaviour_points_shares",
    "behaviour_points_check_ins",
    "behaviour_points_referrals",
    "cheating_share",
    "cheating_points",
    "points_clawed_back",
    "false_positives",
    "cheating_cost",
    "policing_cost",
)
GROWTH = ("members_new", "member_growth_rate", "member_active_rate", "member_revenue_share")


def _means(result: ComparisonResult) -> pd.DataFrame:
    """Mean of each KPI across replications: metric x strategy."""
    k = result.kpis
    if k.empty:
        return pd.DataFrame()
    return k.pivot_table(index="metric", columns="strategy", values="value", aggfunc="mean")


def _cell(means: pd.DataFrame, metric: str, strategy: str) -> str:
    try:
        value = float(means.at[metric, strategy])
    except (KeyError, TypeError, ValueError):
        return DASH
    return esc(registry.get(metric).value_text(value)) if math.isfinite(value) else DASH


def _table(result: ComparisonResult, means: pd.DataFrame, metrics: tuple[str, ...]) -> str:
    """Rows = metrics present, columns = strategies."""
    shown = [m for m in metrics if m in means.index]
    if not shown:
        return ""
    rows = [
        [f"<b>{esc(registry.get(m).heading)}</b>", *(_cell(means, m, s) for s in result.strategies)]
        for m in shown
    ]
    return table(["", *result.strategies], rows)


def _figure(uri: str | None, alt: str, caption: str) -> str:
    if uri is None:
        return ""
    return (
        f'<figure><img src="{uri}" alt="{esc(alt)}">'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def membership_section(result: ComparisonResult) -> str:
    """Surveys, stages, warning, reasons, behaviour points and member growth."""
    means = _means(result)
    if means.empty or not any(m.startswith(("survey_", "stage_", "warning_", "behaviour_"))
                              for m in means.index):  # fmt: skip
        return ""
    parts = ['<section id="membership"><h2>Membership systems</h2>']
    surveys = tuple(f"survey_{k}_{c}" for k in SURVEYS for c in SURVEY_COLUMNS)
    if any(m in means.index for m in surveys):
        parts.append(
            '<h3>Surveys</h3><p class="note">Measured scores are means over the waves; the '
            "true score is what every customer in the frame would have answered. The bias is "
            "invisible from the survey itself: response is likelier at the extremes and "
            "among recent, engaged customers.</p>"
        )
        parts.append(
            f'<div class="grid">{_figure(nps_figure(result), "NPS", "Mean across replications; band: 95% across replications of the measured NPS.")}'  # noqa: E501
            f"<div>{_table(result, means, (*surveys, 'survey_cost'))}</div></div>"
        )
    stages = tuple(f"stage_{s}" for s in STAGES)
    if any(m in means.index for m in stages):
        parts.append("<h3>Lifecycle stages on the last day</h3>")
        parts.append(_table(result, means, stages))
    if "warning_auc" in means.index:
        parts.append(
            '<h3>Churn early warning</h3><p class="note">Scored against the defections that '
            "really followed, within the horizon. The oracle scores by true satisfaction, "
            "which no firm observes.</p>"
        )
        fig = _figure(
            precision_recall_figure(result),
            "Precision and recall",
            "Each point a threshold on the rule's score; dashed: the defection rate.",
        )
        parts.append(f'<div class="grid">{fig}<div>{_table(result, means, WARNING)}</div></div>')
        parts.append("<h3>Why customers left</h3>")
        parts.append(_table(result, means, tuple(f"churn_{r}" for r in REASONS)))
    if any(m in means.index for m in BEHAVIOUR):
        parts.append("<h3>Behaviour points and cheating</h3>")
        parts.append(_table(result, means, BEHAVIOUR))
    if any(m in means.index for m in GROWTH):
        parts.append("<h3>Member growth</h3>")
        parts.append(_table(result, means, GROWTH))
    parts.append("</section>")
    return "".join(parts)
