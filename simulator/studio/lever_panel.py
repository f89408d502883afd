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
        # A class per lever, so that tests (and a trainer's notes) can point at it. The
        # value is in the label: thumb labels shown always overlap the slider above.
        with solara.Column(classes=[f"lever-{lever.path.replace('.', '-')}"], gap="0px"):
            if lever.integer:
                solara.SliderInt(
                    f"{lever.label}: {value:g}",
                    value=int(value),
                    min=int(lever.lo),
                    max=int(lever.hi),
                    step=int(lever.step),
                    on_value=setter(lever),
                    thumb_label=True,
                )
            else:
                solara.SliderFloat(
                    f"{lever.label}: {value:g}",
                    value=value,
                    min=lever.lo,
                    max=lever.hi,
                    step=lever.step,
                    on_value=setter(lever),
                    thumb_label=True,
                )
    solara.Text("Modules")
    for name in levers.MODULES:

        def toggle(on: bool, name: str = name) -> None:
            session.apply({f"modules.{name}": bool(on)})
            structure.set(structure.value + 1)
            tick.set(tick.value + 1)

        solara.Switch(
            label=name.replace("_", " "),
            value=bool(getattr(config.modules, name)),
            on_value=toggle,
            classes=[f"module-{name}"],
        )
