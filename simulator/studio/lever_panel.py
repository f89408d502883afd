"""Sliders for the levers and switches for the modules, acting on the target world."""

from __future__ import annotations

import solara

from simulator.studio import levers
from simulator.studio.session import Session


@solara.component
def LeverPanel(
    session: Session, tick: solara.Reactive[int], structure: solara.Reactive[int]
) -> None:
    """Every lever the scenario offers; changes go through ``apply_changes``.

    The panel reads ``structure`` (bumped by levers, reset and fork), not ``tick``:
    re-rendering twenty sliders every day of Play would cost more than the day itself.
    """
    _ = structure.value
    world = session.target
    config = world.model.config
    if session.b is not None:
        solara.Info("Levers act on twin B; A is the control.", dense=True)
    if session.error:
        solara.Error(session.error, dense=True, classes=["studio-error"])

    def setter(lever: levers.Lever):
        def on_value(value: float) -> None:
            session.apply(lever.change(value))
            structure.set(structure.value + 1)
            tick.set(tick.value + 1)

        return on_value

    for lever in levers.levers_for(config):
        value = lever.value(config)
        # Plain vuetify sliders and switches, not Solara's slider components: reacton
        # walks the whole page every day of Play, and each Solara slider is several
        # elements (twenty of them doubled the frame time). A class per lever lets tests
        # (and a trainer's notes) point at it; the value is in the label, as thumb labels
        # shown always overlap the slider above.
        solara.v.Slider(
            label=f"{lever.label}: {value:g}",
            v_model=value,
            min=lever.lo,
            max=lever.hi,
            step=lever.step,
            thumb_label=True,
            hide_details=True,
            on_v_model=setter(lever),
            class_=f"lever-{lever.path.replace('.', '-')}",
        )
    solara.Text("Modules")
    for name in levers.MODULES:

        def toggle(on: bool, name: str = name) -> None:
            session.apply({f"modules.{name}": bool(on)})
            structure.set(structure.value + 1)
            tick.set(tick.value + 1)

        solara.v.Switch(
            label=name.replace("_", " "),
            v_model=bool(getattr(config.modules, name)),
            on_v_model=toggle,
            hide_details=True,
            dense=True,
            class_=f"module-{name}",
        )
