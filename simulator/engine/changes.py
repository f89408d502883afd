"""Changes to a running model: scheduled changes, strategies and trainers' levers
(docs/model.md §5.3, §10).

:func:`apply` validates one change against the live scenario (once: a change costs the
same however many came before) and refuses keys that are fixed once a run starts
(:mod:`simulator.config.levers`); :func:`reconfigure` then makes every changed key take
effect, from that day on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.config.loading import SCHEDULE_ROOTS, apply_overrides, refuse_fixed, validate_tree
from simulator.config.schema import Scenario
from simulator.engine.initial import build_social_network, competitor_quality
from simulator.programme import Programme
from simulator.programme.null import PausedProgramme

if TYPE_CHECKING:
    from simulator.engine.context import DayContext


def apply(ctx: DayContext, changes: dict[str, Any], *, day: int, label: str) -> None:
    """Apply dotted-path ``changes`` to the live scenario from ``day`` on.

    ``day`` is the next day to be simulated: the day an event at ``d - 0.5`` precedes,
    or the day after the last step.
    """
    old = ctx.config
    before = old.model_dump(mode="python", exclude={"schedule", "strategies"})
    tree = apply_overrides(before, changes, source="change", roots=SCHEDULE_ROOTS)
    refuse_fixed(before, tree, source="change", path=", ".join(changes), set_only=True)
    full = old.model_dump(mode="python", include={"schedule", "strategies"})
    tree.update(full)
    new = validate_tree(tree, source="change")
    switch(ctx, new, day=day, label=label, path=", ".join(changes))


def switch(ctx: DayContext, new: Scenario, *, day: int, label: str, path: str = "") -> None:
    """Make the validated scenario ``new`` the live one from ``day`` on.

    A strategy applied to a warmed-up market comes here with its whole scenario; a key
    fixed at the start is refused, and a different schedule replaces the pending one.
    """
    old = ctx.config
    exclude = {"schedule", "strategies"}
    before = old.model_dump(mode="python", exclude=exclude)
    after = new.model_dump(mode="python", exclude=exclude)
    refuse_fixed(before, after, source="change", path=path)
    ctx.day = day
    reconfigure(ctx, old, new)
    if old.schedule != new.schedule:
        ctx.calendar.cancel_all("change")
        book_schedule(ctx, first_day=day)
    ctx.log.events.append((day - ctx.report_start, label))


def book_schedule(ctx: DayContext, *, first_day: int = 1) -> None:
    """Put the live scenario's scheduled changes on the calendar: day ``d`` of the
    reported window falls on ``report_start + d``, half a day before its customers."""
    r = ctx.report_start
    for i, change in enumerate(ctx.config.schedule):
        day = r + max(change.day, 1)
        if day >= first_day:
            ctx.calendar.at(day - 0.5, "change", i)


def reconfigure(ctx: DayContext, old: Scenario, new: Scenario) -> None:
    """Make the live scenario ``new`` take effect on a model that ran on ``old``."""
    ctx.config = new
    f = new.firm
    focal = ctx.focal
    focal.price, focal.quality = f.price, f.quality
    focal.failure_rate, focal.failure_size = f.failure_rate, f.failure_size
    for comp, spec in zip(ctx.competitors, new.market.competitors, strict=True):
        comp.price = spec.price
        comp.quality = competitor_quality(spec, f.quality)
        comp.reward_rate = spec.reward_rate
    desk = ctx.desk
    desk.set_staff(f.desk.staff)
    desk.mean_service = f.desk.mean_service_days
    desk.service_level = f.desk.service_level_days
    desk.base_success = new.market.complaints.base_success
    weights = [s.quality_weight for s in new.market.segments]
    if weights != [s.quality_weight for s in old.market.segments]:
        ctx.pop.quality_weight[:] = np.array(weights, dtype=np.float32)[ctx.pop.segment]
    _programme(ctx, old, new)
    ctx.offers.extend()
    if ctx.network is None and (new.modules.word_of_mouth or new.modules.acquisition):
        ctx.network = build_social_network(new, ctx.pop.n, ctx.streams)


def _programme(ctx: DayContext, old: Scenario, new: Scenario) -> None:
    """Introduce, pause, resume or change the programme."""
    spec = new.firm.programme
    running = ctx.programme.active
    wanted = new.modules.programme and spec is not None
    day = ctx.day
    if wanted and not running:
        assert spec is not None
        paused = ctx.programme
        if isinstance(paused, PausedProgramme):
            inner: Programme = paused.inner
            ctx.programme = inner
            if spec != inner.spec:
                inner.reconfigure(spec)
        else:
            prog = Programme(ctx, spec)
            ctx.programme = prog
            prog.open(day)
            prog.schedule(first_day=day)
    elif running and not wanted:
        ctx.programme = PausedProgramme(ctx.programme)
    elif isinstance(ctx.programme, Programme) and spec is not None and spec != old.firm.programme:
        ctx.programme.reconfigure(spec)
