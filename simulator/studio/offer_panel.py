"""The competitor-offer lever: pick a rival, its depth, reach and duration, launch."""

from __future__ import annotations

import solara

from simulator.studio.offers import launch
from simulator.studio.session import Session


@solara.component
def OfferPanel(
    session: Session, tick: solara.Reactive[int], structure: solara.Reactive[int]
) -> None:
    """Launch a price-cut offer by a competitor on the target world, from tomorrow."""
    _ = structure.value
    config = session.target.model.config
    names = [c.name for c in config.market.competitors]
    competitor = solara.use_reactive(names[0] if names else "")
    depth = solara.use_reactive(0.25)
    reach = solara.use_reactive(0.5)
    days = solara.use_reactive(60)
    if not names:
        solara.Text("No competitor in this scenario.")
        return
    if not config.modules.competition:
        solara.Text("Switch the competition module on to launch an offer.")
        return

    def go() -> None:
        change = launch(
            session.target.model.config,
            competitor=competitor.value,
            depth=depth.value,
            reach=reach.value,
            days=days.value,
            today=session.target.day,
        )
        session.apply(change)
        structure.set(structure.value + 1)
        tick.set(tick.value + 1)

    solara.Select("Competitor", value=competitor, values=names)
    solara.SliderFloat(f"Depth (share off): {depth.value:.2f}", value=depth, min=0.05, max=0.6)
    solara.SliderFloat(f"Reach (share of market): {reach.value:.2f}", value=reach, min=0.05, max=1)
    solara.SliderInt(f"Duration (days): {days.value}", value=days, min=7, max=180, step=7)
    solara.Button("Launch offer", on_click=go, color="error", classes=["studio-launch-offer"])
