"""The model's day: an ordered list of stages (docs/model.md §3).

Scheduled changes, campaign and offer windows, tier reviews and points expiry run
first, as events on Mesa's event list half a day before the day's customers; then each
stage runs on the day context, in this order. Read the list aloud and you have the day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simulator.engine.context import DayContext
from simulator.mechanisms import (
    acquisition,
    choice,
    complaints,
    defection,
    entry,
    occasions,
    reactivation,
    visit,
    winback,
    word_of_mouth,
)
from simulator.metrics import daily


@dataclass(frozen=True)
class Stage:
    """One step of the day: a name, the function that runs it, and where it is specified."""

    name: str
    run: Callable[[DayContext], None]
    section: str


def programme_status(ctx: DayContext) -> None:
    """Tier status values from today's tier sizes (docs/model.md §4.2)."""
    ctx.programme.begin_day(ctx.day)


def competitor_reactions(ctx: DayContext) -> None:
    """Competitors follow the focal firm's price or reward rate after a lag (§5.1)."""
    ctx.offers.react(ctx.day)


def membership_systems(ctx: DayContext) -> None:
    """Surveys, lifecycle stages, the churn early warning, behaviour points (§11)."""
    ctx.members.run(ctx)


def programme_accounting(ctx: DayContext) -> None:
    """Running costs, the IFRS 15 release and the day's programme cost (§4.4)."""
    ctx.flows.programme_cost = ctx.programme.end_day(ctx.day)


STAGES: tuple[Stage, ...] = (
    Stage("programme status", programme_status, "4.2"),
    Stage("competitor reactions", competitor_reactions, "5.1"),
    Stage("entry", entry.run, "3.7"),
    Stage("reactivation", reactivation.run, "3.9"),
    Stage("occasions", occasions.run, "3.1"),
    Stage("store choice", choice.run, "3.2"),
    Stage("visits", visit.run, "3.3"),
    Stage("defection", defection.run, "3.4"),
    Stage("win-back", winback.run, "3.5"),
    Stage("word of mouth", word_of_mouth.run, "3.6"),
    Stage("acquisition", acquisition.run, "3.7"),
    Stage("complaint desk", complaints.run, "5.2"),
    Stage("membership systems", membership_systems, "11"),
    Stage("programme accounting", programme_accounting, "4.4"),
    Stage("census", daily.record, "3.8"),
    Stage("category exits", entry.record_exits, "3.7"),
)
