"""Twin worlds side by side: A and B on one chart, and B minus A over time.

The twins share every random number from the fork on, so until a lever moves the
difference is exactly zero, and after, it is the lever's effect alone: no noise.
"""

from __future__ import annotations

import numpy as np

from simulator.studio import charts
from simulator.studio.views import WINDOW
from simulator.studio.world import World

METRICS = (
    ("nps", "NPS"),
    ("customers_active", "Active customers"),
    ("satisfaction_mean", "Mean satisfaction"),
)


def svg(a: World, b: World, metric: str, label: str) -> str:
    """``metric`` in both twins, and their difference."""
    days = b.history.days[-WINDOW:]
    n = len(days)
    va = np.asarray(a.history.series[metric][-n:], dtype=float)
    vb = np.asarray(b.history.series[metric][-n:], dtype=float)
    m = min(va.size, vb.size)
    both = charts.lines(
        f"{label}: A and B",
        days[-m:],
        {"A": va[-m:], "B": vb[-m:]},
        name=f"twins-{metric}",
    )
    diff = charts.lines(
        f"{label}: B minus A",
        days[-m:],
        {"B - A": vb[-m:] - va[-m:]},
        name=f"diff-{metric}",
        zero=True,
    )
    return both + diff
