"""The calibration and hold-out reports: PNG files, and one self-contained HTML page.

Built on the run report's own pieces (:mod:`simulator.report.markup` escaping and
tables, the same CSS) rather than a template engine: the pages are a few tables and
figures, and one escaping path for every report is easier to trust than two. Figures
are written as PNG files and embedded as data URIs, so the HTML can be forwarded alone.
Nothing in them depends on the clock: the same log gives the same bytes.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulator.report.html import CSS
from simulator.report.markup import esc, figures, table

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "band_figure",
    "bars_figure",
    "esc",
    "figure_block",
    "frame_table",
    "page",
    "save_figures",
    "table",
]

_ACTUAL, _SIM, _BG = "#1f2328", "#0969da", "#bc4c00"


def _figure(title: str, xlabel: str, ylabel: str) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 3.4), dpi=110)
    ax = fig.subplots()
    ax.set_title(title, loc="left", fontsize=11)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def band_figure(
    title: str,
    x: np.ndarray,
    actual: np.ndarray,
    sim: tuple[np.ndarray, np.ndarray, np.ndarray],
    bgnbd: np.ndarray | None,
    *,
    xlabel: str = "week",
    ylabel: str = "repeat transactions",
) -> Figure:
    """Actual against the simulated mean and 90% band, and BG/NBD if given."""
    fig, ax = _figure(title, xlabel, ylabel)
    mean, lo, hi = sim
    ax.fill_between(x, lo, hi, color=_SIM, alpha=0.18, linewidth=0, label="simulated 90% band")
    ax.plot(x, mean, color=_SIM, label="simulated mean")
    if bgnbd is not None:
        ax.plot(x, bgnbd, color=_BG, linestyle="--", label="BG/NBD")
    ax.plot(x, actual, color=_ACTUAL, linewidth=1.2, label="actual")
    ax.legend(frameon=False, fontsize=8)
    return fig


def bars_figure(
    title: str, labels: list[str], series: dict[str, np.ndarray], *, xlabel: str, ylabel: str
) -> Figure:
    """Grouped bars, one group per label, one bar per series."""
    fig, ax = _figure(title, xlabel, ylabel)
    width = 0.8 / max(len(series), 1)
    colours = {"actual": _ACTUAL, "simulated": _SIM, "BG/NBD": _BG}
    x = np.arange(len(labels))
    for k, (name, values) in enumerate(series.items()):
        ax.bar(
            x + (k - (len(series) - 1) / 2) * width,
            values,
            width,
            label=name,
            color=colours.get(name, f"C{k}"),
        )
    ax.set_xticks(x, labels)
    ax.legend(frameon=False, fontsize=8)
    return fig


def save_figures(items: dict[str, Figure], folder: Path) -> list[tuple[str, str]]:
    """Write each figure as ``folder/<stem>.png``; return (title, data URI) pairs."""
    out = []
    for stem, fig in items.items():
        buf = io.BytesIO()
        fig.tight_layout()
        # No date in the PNG's metadata: the same log gives the same bytes.
        fig.savefig(buf, format="png", metadata={"Software": None})
        data = buf.getvalue()
        (folder / f"{stem}.png").write_bytes(data)
        title = fig.axes[0].get_title(loc="left")
        out.append((title, "data:image/png;base64," + base64.b64encode(data).decode("ascii")))
    return out


def _cell(v: Any) -> str:
    if isinstance(v, float | np.floating):
        x = float(v)
        if not np.isfinite(x):
            return "&ndash;"
        if x == round(x) and abs(x) >= 10:
            return esc(f"{x:,.0f}")  # counts
        return esc(f"{x:,.3f}" if abs(x) < 10 else f"{x:,.1f}")
    return esc(v)


# Short headings keep the tables inside a phone-width page.
_HEADINGS = {
    "simulated_mean": "simulated",
    "simulated_p05": "5%",
    "simulated_p95": "95%",
    "bgnbd": "BG/NBD",
    "calibration_frequency": "calibration repeats",
    "transactions": "hold-out repeats",
}


def frame_table(frame: pd.DataFrame, *, left: int = 1) -> str:
    """A DataFrame as an escaped HTML table, under short headings."""
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    return table([_HEADINGS.get(str(c), str(c)) for c in frame.columns], rows, left=left)


def page(title: str, subtitle: str, sections: list[tuple[str, str]]) -> str:
    """One self-contained HTML page: a heading, then (heading, HTML) sections."""
    body = "".join(f"<section><h2>{esc(h)}</h2>{content}</section>" for h, content in sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>"
        f'<header><h1>{esc(title)}</h1><p class="sub">{esc(subtitle)}</p></header>'
        f"{body}</main></body></html>\n"
    )


def figure_block(items: list[tuple[str, str]]) -> str:
    """The figures side by side (the run report's grid)."""
    return f'<div class="grid">{figures(items)}</div>'
