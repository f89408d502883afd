"""PNG plots a manager would look at: customers, satisfaction, NPS, money."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers
import matplotlib.pyplot as plt  # noqa: E402

if TYPE_CHECKING:
    from simulator.experiment.run import RunResult


def _mark_events(ax, result: RunResult) -> None:
    for day, label in result.events:
        ax.axvline(day, color="0.6", lw=0.8, ls="--")
        ax.annotate(
            label,
            (day, 1),
            xycoords=("data", "axes fraction"),
            fontsize=7,
            rotation=90,
            va="top",
            ha="right",
            color="0.4",
        )


def _figure(title: str, ylabel: str):
    fig, ax = plt.subplots(figsize=(7, 3.6), dpi=110)
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_xlabel("day")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    return fig, ax


def plot_run(result: RunResult, folder: Path) -> list[Path]:
    """Write the standard plots of one run into ``folder``; return their paths."""
    out: list[Path] = []
    name = f"{result.scenario} / {result.strategy} / seed {result.seed}"

    def save(fig, stem: str) -> None:
        fig.tight_layout()
        path = folder / f"{stem}.png"
        fig.savefig(path)
        plt.close(fig)
        out.append(path)

    fig, ax = _figure(f"Active customers - {name}", "customers")
    ax.plot(result.metric("customers_active"), color="C0")
    _mark_events(ax, result)
    save(fig, "active_customers")

    fig, ax = _figure(f"Satisfaction of active customers - {name}", "satisfaction (0-10)")
    q = {k: result.metric(f"satisfaction_p{k:02d}") for k in (5, 25, 50, 75, 95)}
    ax.fill_between(q[5].index, q[5], q[95], alpha=0.2, color="C2", label="5-95%")
    ax.fill_between(q[25].index, q[25], q[75], alpha=0.4, color="C2", label="25-75%")
    ax.plot(q[50], color="C2", label="median")
    ax.axhspan(0, 5, color="C3", alpha=0.06)
    ax.axhspan(9, 10, color="C0", alpha=0.06)
    ax.set_ylim(0, 10)
    ax.legend(loc="lower left", fontsize=8)
    _mark_events(ax, result)
    save(fig, "satisfaction")

    fig, ax = _figure(f"Net Promoter Score - {name}", "NPS")
    ax.plot(result.metric("nps"), color="C4")
    ax.axhline(0, color="0.5", lw=0.8)
    _mark_events(ax, result)
    save(fig, "nps")

    fig, ax = _figure(f"Revenue and programme cost (cumulative) - {name}", "currency")
    ax.plot(result.metric("revenue").cumsum(), label="revenue", color="C0")
    ax.plot(result.metric("programme_cost").cumsum(), label="programme cost", color="C3")
    ax.plot(result.metric("net_margin").cumsum(), label="net margin", color="C2")
    ax.legend(fontsize=8)
    _mark_events(ax, result)
    save(fig, "revenue_vs_programme_cost")
    return out
