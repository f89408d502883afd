"""Matplotlib helpers shared by the report's charts and the run plots.

Kept apart from :mod:`simulator.report.charts` so that writing a run's plots does not
import the comparison statistics (scipy.stats takes seconds to import).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["mark_events"]


def mark_events(
    ax: Axes,
    events: Sequence[tuple[int, str]],
    *,
    top: float = 0.98,
    line: str = "0.55",
    text: str = "0.35",
) -> None:
    """A dashed vertical line per scheduled event, labelled along it (grey shades)."""
    for day, label in events:
        ax.axvline(day, color=line, lw=0.8, ls="--")
        ax.annotate(
            label,
            (day, top),
            xycoords=("data", "axes fraction"),
            fontsize=7,
            rotation=90,
            va="top",
            ha="right",
            color=text,
        )
