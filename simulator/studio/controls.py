"""Step, play with a speed control, pause, reset with a seed, and fork twins."""

from __future__ import annotations

import time

import solara

from simulator.studio.session import Session

SPEEDS = (1, 2, 5, 10, 20, 50)  # days per second
# Draw after every n days of Play (Mesa's render interval): a redraw of the page costs
# more than a day of the model, so fast play draws less often.
DRAW_EVERY = (1, 2, 5, 10)


@solara.component
def Controls(session: Session, tick: solara.Reactive[int], structure: solara.Reactive[int]) -> None:
    """The clock's buttons.

    ``tick`` is bumped after every day; ``structure`` when the worlds are replaced
    (reset, fork). Only components that read a reactive re-render when it changes, so a
    day redraws the clock and the views, not the whole page.
    """
    _ = tick.value
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(10)
    every = solara.use_reactive(1)
    seed = solara.use_reactive(session.seed or 1)

    def bump() -> None:
        tick.set(tick.value + 1)

    def rebuilt() -> None:
        structure.set(structure.value + 1)
        bump()

    def play_loop() -> None:
        # Runs in a thread while playing; each batch of days is drawn before the next.
        while playing.value:
            started = time.perf_counter()
            days = int(every.value)
            session.step(days)
            bump()
            pause = days / speed.value - (time.perf_counter() - started)
            time.sleep(max(0.0, pause))

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    def step() -> None:
        session.step(1)
        bump()

    def week() -> None:
        session.step(7)
        bump()

    def reset() -> None:
        playing.set(False)
        session.reset(int(seed.value))
        rebuilt()

    def fork() -> None:
        session.fork()
        rebuilt()

    def unfork() -> None:
        session.unfork()
        rebuilt()

    solara.Text(f"Day {session.a.day}", classes=["studio-day"], style={"font-size": "20px"})
    with solara.Row():
        solara.Button("Step", on_click=step, disabled=playing.value, color="primary")
        solara.Button("+7 days", on_click=week, disabled=playing.value)
        if playing.value:
            solara.Button("Pause", on_click=lambda: playing.set(False), color="warning")
        else:
            solara.Button("Play", on_click=lambda: playing.set(True), color="success")
    with solara.Row():
        solara.Select("Days per second", value=speed, values=list(SPEEDS))
        solara.Select("Draw every (days)", value=every, values=list(DRAW_EVERY))
    with solara.Row():
        solara.InputInt("Seed", value=seed)
        solara.Button("Reset", on_click=reset)
    with solara.Row():
        if session.b is None:
            solara.Button("Fork twins", on_click=fork, color="secondary")
        else:
            solara.Button("Drop twin", on_click=unfork)
