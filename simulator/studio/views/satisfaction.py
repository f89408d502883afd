"""Satisfaction histogram over time, with the three zones of Heskett et al. (1994)."""

from __future__ import annotations

import numpy as np

from simulator.studio import charts
from simulator.studio.history import HIST_BINS
from simulator.studio.views import WINDOW
from simulator.studio.world import World

# At most this many columns: longer windows are averaged into wider columns, so the
# drawing (and what is sent to the browser) stays the same size as days pass.
COLUMNS = 120
# docs/model.md §3.4: S <= 5 defection, 5 to 8.5 indifference, >= 9 affection.
ZONES = ((5.0, "defection"), (8.5, "indifference"), (10.0, "affection"))


def svg(world: World) -> str:
    """Days across, satisfaction up, shade = share of active customers at that level."""
    h = world.history
    hist = np.array(h.hist[-WINDOW:], dtype=float)
    days = h.days[-WINDOW:]
    x0, x1 = charts.PAD_L, charts.W - charts.PAD_R
    y0, y1 = charts.H - charts.PAD_B, charts.PAD_T
    share = hist / np.maximum(hist.sum(axis=1, keepdims=True), 1.0)
    if len(share) > COLUMNS:
        groups = np.array_split(np.arange(len(share)), COLUMNS)
        share = np.array([share[g].mean(axis=0) for g in groups])
    n = len(share)
    cw = (x1 - x0) / max(n, 1)
    ch = (y0 - y1) / HIST_BINS
    top = float(share.max()) if share.size else 1.0
    # Python floats, not numpy scalars: formatting 2,400 cells is then ten times faster.
    alpha = (share / (top or 1.0)).tolist()
    body = [
        f'<rect x="{x0 + i * cw:.1f}" y="{y0 - (b + 1) * ch:.1f}" width="{cw + 0.3:.1f}" '
        f'height="{ch:.1f}" fill="#1f4e9c" fill-opacity="{a:.2f}"/>'
        for i, column in enumerate(alpha)
        for b, a in enumerate(column)
        if a > 0
    ]
    lower = 0.0
    for upper, label in ZONES:
        y = y0 - upper / 10.0 * (y0 - y1)
        if upper < 10:
            body.append(
                f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="#d62728" '
                'stroke-dasharray="4 3"/>'
            )
        mid = y0 - (lower + upper) / 20.0 * (y0 - y1)
        body.append(
            f'<text x="{x1 - 2}" y="{mid:.1f}" text-anchor="end" fill="#d62728">{label}</text>'
        )
        lower = upper
    body.append(charts._axes(days[0] if days else 0, days[-1] if days else 1, 0, 10))
    mean = h.series["satisfaction_mean"][-1] if days else float("nan")
    return charts.frame(
        "Satisfaction of active customers (zones: Heskett et al. 1994)",
        "".join(body),
        name="satisfaction",
        data={"mean": f"{mean:.6g}", "day": days[-1] if days else 0},
    )
