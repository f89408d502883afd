"""The report's figures, as PNG data URIs: differences from the baseline, trajectories
over time and satisfaction.

Object-oriented matplotlib (no pyplot): no global backend or figure state. Which
metrics are drawn, their titles, units and whether they are cumulated come from
:mod:`simulator.metrics.registry`.
"""

from __future__ import annotations

import base64
import io
import math
from typing import TYPE_CHECKING

import numpy as np

from simulator.experiment.results import ComparisonResult
from simulator.experiment.stats import BETTER, WORSE, band
from simulator.metrics import registry
from simulator.report.axes import drawn_literally, mark_events
from simulator.report.format import change_scale, finite

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["difference_figures", "satisfaction_figure", "trajectory_figures"]

# Verdict colours, the same greens, reds and greys as the report's badges.
VERDICT_COLOURS = {BETTER: "#1a7f37", WORSE: "#cf222e"}
NEUTRAL = "#6e7781"


def _figure(title: str, ylabel: str, *, size: tuple[float, float] = (6.4, 3.3)) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=110)
    ax = fig.subplots()
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _colour(result: ComparisonResult, strategy: str) -> str:
    return f"C{result.strategies.index(strategy) % 10}"


@drawn_literally
def difference_figures(result: ComparisonResult) -> list[tuple[str, str]]:
    """(title, data URI) per objective: a forest plot of the paired differences.

    One row per strategy: the mean paired difference from the baseline with its 95%
    interval, coloured by verdict, and a line at 0. Strategies that differ by 1% are
    told apart here, not on overlapping level charts. Units are those of
    :func:`~simulator.report.format.change_scale` (points, or % of the baseline's
    level), so the plot reads like the scorecard.
    """
    table = result.table
    out = []
    for objective in registry.objectives():
        rows = table[
            (table["metric"] == objective.name)
            & (table["strategy"] != result.baseline)
            & table["diff"].notna()
        ]
        base = table.loc[
            (table["metric"] == objective.name) & (table["strategy"] == result.baseline), "mean"
        ]
        if rows.empty or base.empty:
            continue
        scale = change_scale(objective.name, base.iloc[0])
        factor, unit = scale if scale is not None else (1.0, "")
        better = "higher" if objective.direction > 0 else "lower"
        title = f"{objective.heading} ({better} is better)"
        fig = _figure(title, "", size=(5.2, 1.0 + 0.34 * len(rows)))
        ax = fig.axes[0]
        ax.grid(False)
        ax.grid(axis="x", alpha=0.3)
        for y, (_, r) in enumerate(rows.iterrows()):
            x = float(r["diff"]) * factor
            colour = VERDICT_COLOURS.get(r["verdict"], NEUTRAL)
            if finite(r["diff_ci_low"]):
                low, high = float(r["diff_ci_low"]) * factor, float(r["diff_ci_high"]) * factor
                ax.plot([low, high], [y, y], color=colour, lw=2.2, solid_capstyle="butt")
            ax.plot([x], [y], "o", color=colour, ms=6)
        ax.axvline(0, color="0.25", lw=1)
        ax.set_yticks(range(len(rows)), labels=[str(s) for s in rows["strategy"]], fontsize=9)
        ax.set_ylim(len(rows) - 0.5, -0.5)  # first strategy on top, as in the tables
        what = {"%": f"% of {result.baseline}'s level", " points": "points"}.get(
            unit, objective.unit
        )
        ax.set_xlabel(f"\u0394 vs {result.baseline} ({what})", fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
        out.append((title, _png(fig)))
    return out


@drawn_literally
def trajectory_figures(result: ComparisonResult) -> list[tuple[str, str]]:
    """(title, data URI) per trajectory: mean line and 95% band across replications."""
    from matplotlib.ticker import StrMethodFormatter

    out = []
    daily = result.daily
    for metric in registry.trajectories():
        sel = daily[daily["metric"] == metric.name]
        if sel.empty:
            continue
        title = metric.chart_title
        fig = _figure(title, metric.unit)
        ax = fig.axes[0]
        for strategy in result.strategies:
            wide = sel[sel["strategy"] == strategy].pivot_table(
                index="day", columns="replication", values="value", aggfunc="first"
            )
            if wide.empty:
                continue
            if metric.flow:
                # Flows are summed so the lines read as totals to date.
                wide = wide.cumsum()
            b = band(wide)
            colour = _colour(result, strategy)
            ax.plot(b.index, b["mean"], color=colour, lw=1.6, label=strategy)
            if b["low"].notna().any():
                ax.fill_between(b.index, b["low"], b["high"], color=colour, alpha=0.18, lw=0)
        mark_events(ax, result.events)
        if metric.signed:
            ax.axhline(0, color="0.5", lw=0.8)
        else:
            ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.set_xlabel("day")
        ax.legend(fontsize=8, frameon=False)
        out.append((title, _png(fig)))
    return out


@drawn_literally
def satisfaction_figure(result: ComparisonResult) -> str | None:
    """Final-day satisfaction of active customers, one density outline per strategy."""
    sat = result.satisfaction
    if sat.empty:
        return None
    from scipy.stats import gaussian_kde

    metric = registry.METRICS["satisfaction_mean"]
    fig = _figure(f"{metric.chart_title}, last day", "density", size=(6.4, 3.3))
    ax = fig.axes[0]
    grid = np.linspace(0, 10, 401)
    low = 10.0
    for strategy in result.strategies:
        values = sat.loc[sat["strategy"] == strategy, "satisfaction"].to_numpy(dtype=float)
        if values.size == 0:
            continue
        colour = _colour(result, strategy)
        label = f"{strategy} (median {np.median(values):.2f})"
        low = min(low, float(np.quantile(values, 0.002)))
        if values.size > 1 and np.ptp(values) > 0:
            # A smoothed outline compares better than overlaid jagged histograms.
            density = gaussian_kde(values, bw_method=0.15)(grid)
            ax.plot(grid, density, color=colour, lw=1.6, label=label)
            ax.fill_between(grid, density, color=colour, alpha=0.06, lw=0)
        else:
            ax.axvline(values[0], color=colour, lw=1.6, label=label)
        ax.axvline(np.median(values), color=colour, lw=0.8, ls=":")
    ax.set_xlabel(metric.unit)
    ax.set_xlim(max(0.0, math.floor(low) - 0.5), 10)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return _png(fig)
