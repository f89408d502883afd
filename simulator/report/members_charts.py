"""The membership systems' charts (docs/model.md §11): measured against true NPS over
the survey waves, and the churn warning's precision against its recall."""

from __future__ import annotations

import numpy as np

from simulator.experiment.results import ComparisonResult
from simulator.experiment.stats import band
from simulator.members.warning import CURVE, curve_key
from simulator.report.axes import drawn_literally
from simulator.report.charts import _colour, _figure, _png

__all__ = ["nps_figure", "precision_recall_figure"]


@drawn_literally
def nps_figure(result: ComparisonResult) -> str | None:
    """Measured NPS of each wave (mean and 95% band across replications) beside the true
    NPS of the survey's frame, per strategy."""
    daily = result.daily
    measured = daily[daily["metric"] == "survey_nps_measured"]
    true = daily[daily["metric"] == "survey_nps_true"]
    if measured.empty:
        return None
    fig = _figure("Measured NPS (survey) and true NPS of the frame", "NPS")
    ax = fig.axes[0]
    for strategy in result.strategies:
        colour = _colour(result, strategy)
        for frame, style, label in ((measured, "-o", "measured"), (true, ":", "true")):
            wide = frame[frame["strategy"] == strategy].pivot_table(
                index="day", columns="replication", values="value", aggfunc="first"
            )
            if wide.empty:
                continue
            b = band(wide)
            ax.plot(b.index, b["mean"], style, color=colour, lw=1.4, ms=3,
                    label=f"{strategy}, {label}")  # fmt: skip
            if label == "measured" and b["low"].notna().any():
                ax.fill_between(b.index, b["low"], b["high"], color=colour, alpha=0.12, lw=0)
    ax.axhline(0, color="0.5", lw=0.8)
    ax.set_xlabel("day (survey waves)")
    ax.legend(fontsize=7, frameon=False, ncol=2)
    return _png(fig)


@drawn_literally
def precision_recall_figure(result: ComparisonResult) -> str | None:
    """Precision against recall of the warning rule at the summary's thresholds (mean
    across replications), one line per strategy."""
    kpis = result.kpis
    if not (kpis["metric"] == f"warning_recall_at_{curve_key(CURVE[0])}").any():
        return None
    fig = _figure("Churn warning: precision against recall", "precision")
    ax = fig.axes[0]
    for strategy in result.strategies:
        own = kpis[kpis["strategy"] == strategy]
        means = own.groupby("metric")["value"].mean()
        pts = [
            (
                means.get(f"warning_recall_at_{curve_key(x)}", np.nan),
                means.get(f"warning_precision_at_{curve_key(x)}", np.nan),
            )
            for x in CURVE
        ]
        pts = [(r, p) for r, p in pts if np.isfinite(r) and np.isfinite(p)]
        if pts:
            r, p = zip(*pts, strict=True)
            ax.plot(r, p, "-o", color=_colour(result, strategy), lw=1.4, ms=3, label=strategy)
    base = kpis.loc[kpis["metric"] == "warning_base_rate", "value"].mean()
    if np.isfinite(base):
        ax.axhline(base, color="0.5", lw=0.8, ls="--", label="defection rate (chance)")
    ax.set_xlabel("recall")
    ax.set_xlim(0, 1)
    ax.legend(fontsize=7, frameon=False)
    return _png(fig)
