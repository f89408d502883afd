"""The sweep report's figures, as PNG data URIs (object-oriented matplotlib, no pyplot).

Tornado charts of Sobol, FAST or RBD-FAST indices with their intervals, Morris mu*-sigma
charts, and 2-D maps over the two parameters that matter most: the strategy's paired
difference against the baseline (response map) and its verdict at each point, with the
PRIM box of where it fails (verdict map).
"""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulator.experiment.stats import BETTER, NO_DIFFERENCE, WORSE
from simulator.sweep.discovery import Box

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["index_figure", "response_map", "verdict_map"]

# Grey first, so the points with a verdict are drawn on top.
VERDICT_COLOURS = {NO_DIFFERENCE: "#afb8c1", BETTER: "#1a7f37", WORSE: "#cf222e"}


def _figure(size: tuple[float, float] = (6.4, 3.4)) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=100)
    ax = fig.subplots()
    ax.grid(alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def index_figure(rows: pd.DataFrame, title: str, method: str) -> str:
    """A tornado chart (S1 and ST, or S1) or, for Morris, a mu*-sigma chart."""
    if method == "morris":
        wide = rows.pivot_table(index="parameter", columns="index", values="value")
        conf = rows[rows["index"] == "mu_star"].set_index("parameter")["conf"]
        fig, ax = _figure((6.4, 3.8))
        ax.errorbar(
            wide["mu_star"], wide["sigma"], xerr=conf.reindex(wide.index).fillna(0.0),
            fmt="o", color="C0", ecolor="#8c959f", capsize=3,
        )  # fmt: skip
        for name, x, y in zip(wide.index, wide["mu_star"], wide["sigma"], strict=True):
            ax.annotate(name, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
        top = float(np.nanmax(np.r_[wide["mu_star"].to_numpy(), wide["sigma"].to_numpy(), 0.0]))
        ax.plot([0, top], [0, top], ls=":", color="#8c959f", lw=1)  # sigma = mu*: non-linear
        ax.set_xlabel("mu* (mean absolute elementary effect)")
        ax.set_ylabel("sigma (interactions, non-linearity)")
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
    else:
        first = rows[rows["index"] == "S1"].set_index("parameter")
        total = rows[rows["index"] == "ST"].set_index("parameter")
        order = (total if len(total) else first)["value"].sort_values().index
        fig, ax = _figure((6.4, 0.5 + 0.4 * len(order)))
        y = np.arange(len(order))
        if len(total):
            t = total.reindex(order)
            ax.barh(y + 0.2, t["value"], 0.4, xerr=t["conf"], color="C0", label="total (ST)")
        f = first.reindex(order)
        ax.barh(y - 0.2, f["value"], 0.4, xerr=f["conf"], color="C1", label="first order (S1)")
        ax.set_yticks(y, list(order), fontsize=8)
        ax.axvline(0, color="#57606a", lw=0.8)
        ax.set_xlabel("share of variance (95% interval)")
        ax.legend(fontsize=8, loc="lower right")
    ax.set_title(title, loc="left", fontsize=10)
    return _png(fig)


def _jittered(values: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
    """Values on a few levels (Morris, grid) spread by up to 3% of their range, so that
    points sharing a level in this projection do not hide each other."""
    levels = np.unique(values)
    if len(levels) > 12 or len(levels) < 2:
        return values, False
    span = float(levels[-1] - levels[0])
    return values + rng.uniform(-0.03, 0.03, len(values)) * span, True


def _axes(ax: Axes, design: pd.DataFrame, pair: list[str]) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)  # the same picture every time
    x, moved = _jittered(design[pair[0]].to_numpy(dtype=np.float64), rng)
    ax.set_xlabel(pair[0] + (" (levels jittered)" if moved else ""), fontsize=9)
    if len(pair) > 1:
        y, moved = _jittered(design[pair[1]].to_numpy(dtype=np.float64), rng)
        ax.set_ylabel(pair[1] + (" (jittered)" if moved else ""), fontsize=9)
        return x, y
    return x, np.zeros_like(x)


def response_map(merged: pd.DataFrame, pair: list[str], title: str, value: str = "diff") -> str:
    """Points over two parameters, coloured by the mean paired difference (0 in white)."""
    from matplotlib.colors import TwoSlopeNorm

    fig, ax = _figure((6.4, 4.2))
    x, y = _axes(ax, merged, pair)
    v = merged[value].to_numpy(dtype=np.float64)
    span = float(np.nanmax(np.abs(v))) if np.isfinite(v).any() else 1.0
    span = span or 1.0
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-span, vmax=span)
    sc = ax.scatter(x, y, c=v, cmap="RdBu", norm=norm, s=28, edgecolors="#57606a", lw=0.3)
    fig.colorbar(sc, ax=ax, label="difference against the baseline")
    ax.set_title(title, loc="left", fontsize=10)
    return _png(fig)


def verdict_map(merged: pd.DataFrame, pair: list[str], title: str, box: Box | None) -> str:
    """Points over two parameters, coloured by verdict, with the PRIM box of failure."""
    from matplotlib.patches import Rectangle

    fig, ax = _figure((6.4, 4.2))
    x, y = _axes(ax, merged, pair)
    for verdict, colour in VERDICT_COLOURS.items():
        sel = (merged["verdict"] == verdict).to_numpy()
        if sel.any():
            ax.scatter(x[sel], y[sel], c=colour, s=28, label=verdict, edgecolors="none")
    if box is not None and any(p in box.restricted for p in pair):
        x0 = box.lows.get(pair[0], float(np.nanmin(x)))
        x1 = box.highs.get(pair[0], float(np.nanmax(x)))
        if len(pair) > 1:
            y0 = box.lows.get(pair[1], float(np.nanmin(y)))
            y1 = box.highs.get(pair[1], float(np.nanmax(y)))
        else:
            y0, y1 = -0.5, 0.5
        ax.add_patch(
            Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="#24292f", ls="--", lw=1.2)
        )
    ax.legend(fontsize=8, loc="best")
    ax.set_title(title, loc="left", fontsize=10)
    return _png(fig)
