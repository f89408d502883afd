"""PNG plots a manager would look at: customers, satisfaction, NPS, money.

Titles, axis units, legend labels and whether a series is cumulated come from
:mod:`simulator.metrics.registry`. Object-oriented matplotlib (no pyplot): importing
this module sets no global backend and keeps no figures alive.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from simulator.metrics import registry
from simulator.report.axes import drawn_literally, mark_events

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from simulator.experiment.results import RunResult

__all__ = ["plot_run"]

QUANTILES = (5, 25, 50, 75, 95)


def _figure(title: str, ylabel: str) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 3.6), dpi=110)
    ax = fig.subplots()
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_xlabel("day")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    return fig, ax


@drawn_literally
def plot_run(result: RunResult, folder: Path) -> list[Path]:
    """Write the standard plots of one run into ``folder``; return their paths."""
    out: list[Path] = []
    name = f"{result.scenario} / {result.strategy} / seed {result.seed}"

    def save(fig: Figure, ax: Axes, stem: str) -> None:
        mark_events(ax, result.events, top=1, line="0.6", text="0.4")
        fig.tight_layout()
        path = folder / f"{stem}.png"
        fig.savefig(path)
        out.append(path)

    def series(metric: registry.Metric) -> pd.Series:
        values = result.metric(metric.name)
        return values.cumsum() if metric.flow else values

    active = registry.METRICS["customers_active"]
    fig, ax = _figure(f"{active.chart_title} - {name}", active.unit)
    ax.plot(series(active), color="C0")
    save(fig, ax, "active_customers")

    sat = registry.METRICS["satisfaction_mean"]
    fig, ax = _figure(f"{sat.chart_title} - {name}", sat.unit)
    q = {k: result.metric(registry.METRICS[f"satisfaction_p{k:02d}"].name) for k in QUANTILES}
    ax.fill_between(q[5].index, q[5], q[95], alpha=0.2, color="C2", label="5-95%")
    ax.fill_between(q[25].index, q[25], q[75], alpha=0.4, color="C2", label="25-75%")
    ax.plot(q[50], color="C2", label="median")
    ax.axhspan(0, 5, color="C3", alpha=0.06)
    ax.axhspan(9, 10, color="C0", alpha=0.06)
    ax.set_ylim(0, 10)
    ax.legend(loc="lower left", fontsize=8)
    save(fig, ax, "satisfaction")

    nps = registry.METRICS["nps"]
    fig, ax = _figure(f"{nps.chart_title} - {name}", nps.unit)
    ax.plot(series(nps), color="C4")
    if nps.signed:
        ax.axhline(0, color="0.5", lw=0.8)
    save(fig, ax, "nps")

    money = [registry.METRICS[n] for n in ("revenue", "programme_cost", "net_margin")]
    fig, ax = _figure(f"Revenue and programme cost (cumulative) - {name}", money[0].unit)
    for metric, colour in zip(money, ("C0", "C3", "C2"), strict=True):
        ax.plot(series(metric), label=metric.label, color=colour)
    ax.legend(fontsize=8)
    save(fig, ax, "revenue_vs_programme_cost")
    return out
