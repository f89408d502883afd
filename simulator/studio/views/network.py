"""A sampled piece of the social network, coloured by satisfaction.

Fill is satisfaction; the outline shows word-of-mouth heard (green good, red bad), so
messages can be seen spreading through the rings of :mod:`simulator.studio.sample`.
"""

from __future__ import annotations

from simulator.studio import charts
from simulator.studio.sample import Sample
from simulator.studio.world import World


def svg(world: World, piece: Sample | None) -> str:
    """The piece today."""
    if piece is None:
        return charts.frame("Network: fully mixed (no ties to draw)", "", name="network")
    pop = world.model.pop
    s = pop.satisfaction[piece.rows]
    w = pop.wom[piece.rows]
    xy = piece.xy
    body = [
        f'<line x1="{xy[a, 0]:.1f}" y1="{xy[a, 1]:.1f}" x2="{xy[b, 0]:.1f}" '
        f'y2="{xy[b, 1]:.1f}" stroke="#ccc"/>'
        for a, b in piece.edges
    ]
    for i in range(len(piece.rows)):
        outline = "#2ca02c" if w[i] > 0.05 else "#d62728" if w[i] < -0.05 else "#666"
        body.append(
            f'<circle cx="{xy[i, 0]:.1f}" cy="{xy[i, 1]:.1f}" r="{7 if i == 0 else 5}" '
            f'fill="{charts.satisfaction_colour(float(s[i]))}" stroke="{outline}" '
            f'stroke-width="{1 + min(abs(float(w[i])), 2):.1f}"/>'
        )
    return charts.frame(
        "A piece of the network (fill: satisfaction; outline: word-of-mouth heard)",
        "".join(body),
        name="network",
        data={"nodes": len(piece.rows)},
    )
