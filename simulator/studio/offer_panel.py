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
    # Plain vuetify sliders: fewer elements for reacton to walk each day (lever_panel.py).
    for label, var, lo, hi, step in (
        (f"Depth (share off): {depth.value:.2f}", depth, 0.05, 0.6, 0.01),
        (f"Reach (share of market): {reach.value:.2f}", reach, 0.05, 1.0, 0.05),
        (f"Duration (days): {days.value}", days, 7, 182, 7),
    ):
        solara.v.Slider(
            label=label,
            v_model=var.value,
            min=lo,
            max=hi,
            step=step,
            hide_details=True,
            on_v_model=var.set,
        )
    solara.Button("Launch offer", on_click=go, color="error", classes=["studio-launch-offer"])
