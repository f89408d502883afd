"""The trainer page: lesson, controls and levers in the sidebar, views in the main area.

Solara imports this module (``SOLARA_APP``) after :mod:`simulator.studio.offline` has
configured it. :func:`Page` builds one :class:`~simulator.studio.session.Session` per
browser session; the views are drawn from it on every ``tick``.
"""

from __future__ import annotations

import html
import os
import time
from pathlib import Path

import solara

from simulator.studio import lessons
from simulator.studio.controls import Controls
from simulator.studio.lever_panel import LeverPanel
from simulator.studio.offer_panel import OfferPanel
from simulator.studio.server import SCENARIO_ENV, WARMUP_ENV
from simulator.studio.session import Session
from simulator.studio.views import (
    customers,
    loyalty_curve,
    network,
    points,
    satisfaction,
    tiers,
    twins,
    word_of_mouth,
)
from simulator.studio.world import World

CARD = "flex: 1 1 400px; max-width: 640px; margin: 4px;"


def choices() -> dict[str, Path]:
    """What the lesson menu offers: the scenario given on the command line, then lessons."""
    out: dict[str, Path] = {}
    given = os.environ.get(SCENARIO_ENV)
    if given:
        out[f"Scenario: {Path(given).name}"] = Path(given)
    for lesson in lessons.lessons():
        out[lesson.title] = lesson.scenario
    return out


def lesson_html(path: Path) -> str:
    """The lesson text for a teaching scenario, escaped ('' for other scenarios)."""
    for lesson in lessons.lessons():
        if lesson.scenario == path:
            rows = [
                ("Do", lesson.do),
                ("Watch", lesson.watch),
                ("Why", lesson.why),
                ("Source", lesson.source),
            ]
            body = "".join(f"<p><b>{k}.</b> {html.escape(v)}</p>" for k, v in rows)
            return f'<div class="studio-lesson"><h3>{html.escape(lesson.title)}</h3>{body}</div>'
    return ""


def draw(world: World) -> list[str]:
    """Every per-world view, in reading order."""
    return [
        satisfaction.svg(world),
        loyalty_curve.svg(world),
        word_of_mouth.nps_svg(world),
        word_of_mouth.wom_svg(world),
        customers.active_svg(world),
        customers.acquisition_svg(world),
        points.svg(world),
        tiers.svg(world),
        network.svg(world, world.piece),
    ]


def persona_html(world: World) -> str:
    """The persona panel: who, how satisfied, and what they did today and why."""
    rows = "".join(
        f"<tr><td><b>{html.escape(p.name)}</b></td><td>{p.satisfaction:.2f}</td>"
        f"<td>{html.escape(p.story)}</td></tr>"
        for p in world.personas
    )
    return (
        '<table class="studio-personas" style="font:12px sans-serif;width:100%">'
        "<tr><th align=left>Customer</th><th align=left>Satisfaction</th>"
        f"<th align=left>Today</th></tr>{rows}</table>"
    )


@solara.component
def Views(session: Session, shown: str, tick: solara.Reactive[int]) -> None:
    """The main area: twins first when forked, then every view of the shown world.

    Reading ``tick`` makes this component (and not the page) redraw after each day.
    """
    _ = tick.value
    started = time.perf_counter()
    world = session.b if shown == "B" and session.b is not None else session.a
    if session.b is not None:
        with solara.Card("Twin worlds: the same customers and luck, one lever apart"):
            changed = ", ".join(f"{k} = {v}" for k, v in session.b.changed.items()) or "nothing"
            solara.Text(f"Changed in B: {changed}", classes=["studio-twin-changes"])
            with solara.Row(style={"flex-wrap": "wrap"}):
                for metric, label in twins.METRICS:
                    solara.HTML(
                        tag="div",
                        unsafe_innerHTML=twins.svg(session.a, session.b, metric, label),
                        style=CARD,
                    )
    with solara.Row(style={"flex-wrap": "wrap"}):
        for svg in draw(world):
            solara.HTML(tag="div", unsafe_innerHTML=svg, style=CARD)
    with solara.Card(f"Personas (world {world.label})"):
        solara.HTML(tag="div", unsafe_innerHTML=persona_html(world))
    ms = (time.perf_counter() - started) * 1000
    solara.Text(
        f"Last day: simulated in {session.step_ms:.1f} ms, drawn in {ms:.1f} ms "
        f"({world.model.pop.n:,} customers)",
        classes=["studio-frame-time"],
    )


@solara.component
def Page() -> None:
    """One trainer page per browser session."""
    options = solara.use_memo(choices, [])
    titles = list(options)
    lesson = solara.use_reactive(titles[0] if titles else "")
    # Per day, only the components that read `tick` redraw; `structure` (reset, fork,
    # a lever) redraws the page around them.
    tick = solara.use_reactive(0)
    structure = solara.use_reactive(0)
    _ = structure.value
    shown = solara.use_reactive("A")
    warmup = os.environ.get(WARMUP_ENV)

    def build() -> Session:
        return Session(options[lesson.value], warmup_days=int(warmup) if warmup else None)

    # Built here, per session and per lesson chosen: never shared between browser tabs.
    session = solara.use_memo(build, [lesson.value])

    solara.Title("loyalty-sim trainer")
    with solara.Sidebar():
        solara.Select("Lesson", value=lesson, values=titles)
        Controls(session, tick, structure)
        if session.b is not None:
            solara.ToggleButtonsSingle(value=shown, values=["A", "B"])
        with solara.Details("Levers", expand=True):
            LeverPanel(session, tick, structure)
        with solara.Details("Competitor offer", expand=False):
            OfferPanel(session, tick, structure)
    text = solara.use_memo(lambda: lesson_html(options[lesson.value]), [lesson.value])
    if text:
        solara.HTML(tag="div", unsafe_innerHTML=text, style="font:13px sans-serif")
    Views(session, shown.value, tick)
