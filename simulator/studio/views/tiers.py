"""The tier pyramid: members by tier, the top tier on top."""

from __future__ import annotations

import numpy as np

from simulator.studio import charts
from simulator.studio.world import World

PYRAMID = ("#b08d57", "#9e9e9e", "#d4af37", "#6a5acd", "#2f4f4f")


def svg(world: World) -> str:
    """Bars of members per tier (an empty frame without tiers)."""
    prog = world.model.programme
    labels = prog.tier_labels()
    tier = prog.tier_of()
    if not labels or tier is None:
        return charts.frame("Tiers: this programme has none", "", name="tiers")
    members = prog.members()
    counts = np.bincount(tier[members], minlength=len(labels))[: len(labels)]
    return charts.bars(
        "Tier pyramid (members)",
        labels[::-1],
        counts[::-1].tolist(),
        name="tiers",
        colours=PYRAMID[: len(labels)][::-1],
    )
