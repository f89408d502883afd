"""NPS, and positive and negative word-of-mouth (Reichheld 2003)."""

from __future__ import annotations

import numpy as np

from simulator.studio import charts
from simulator.studio.views import WINDOW
from simulator.studio.world import World


def weekly(values: list[float]) -> np.ndarray:
    """Trailing 7-day sums (fewer at the start)."""
    v = np.nan_to_num(np.asarray(values, dtype=float))
    c = np.cumsum(np.concatenate([[0.0], v]))
    k = np.minimum(np.arange(1, v.size + 1), 7)
    return c[1:] - c[np.arange(1, v.size + 1) - k]


def nps_svg(world: World) -> str:
    """NPS by day."""
    h = world.history
    return charts.lines(
        "Net Promoter Score", h.days[-WINDOW:], {"NPS": h.series["nps"][-WINDOW:]}, name="nps"
    )


def wom_svg(world: World) -> str:
    """Positive and negative messages, trailing week."""
    h = world.history
    return charts.lines(
        "Word-of-mouth messages (last 7 days)",
        h.days[-WINDOW:],
        {
            "positive": weekly(h.series["wom_positive"])[-WINDOW:],
            "negative": weekly(h.series["wom_negative"])[-WINDOW:],
        },
        name="wom",
    )
