"""Active customers, and new customers by source (advertising, word-of-mouth, referral)."""

from __future__ import annotations

from simulator.studio import charts
from simulator.studio.history import SOURCES
from simulator.studio.views import WINDOW
from simulator.studio.views.word_of_mouth import weekly
from simulator.studio.world import World


def active_svg(world: World) -> str:
    """Active customers by day."""
    h = world.history
    return charts.lines(
        "Active customers",
        h.days[-WINDOW:],
        {"active": h.series["customers_active"][-WINDOW:]},
        name="active",
    )


def acquisition_svg(world: World) -> str:
    """New customers by source, trailing week."""
    h = world.history
    series = {s: weekly([float(v) for v in h.acquired[s]])[-WINDOW:] for s in SOURCES}
    return charts.lines(
        "New customers by source (last 7 days)", h.days[-WINDOW:], series, name="acquisition"
    )
