"""A world: one running model and what the studio remembers of it; twins are forks.

A world is built the way ``loyalty-sim run`` builds a run (warm-up under the baseline,
then the scenario's first strategy from day 1: docs/model.md §10), so day 0 on the page
is a market in its steady state, not the initial draw.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulator.config import loading
from simulator.engine.model import LoyaltyModel
from simulator.experiment import protocol
from simulator.studio import history, persona, sample


@dataclass
class World:
    """A model, its history and the levers changed in it since it was opened or forked.

    Parameters
    ----------
    model
        The running model.
    label
        How the page names it ("A", or "B" for a twin).
    """

    model: LoyaltyModel
    label: str = "A"
    history: history.History = field(default_factory=history.History)
    changed: dict[str, Any] = field(default_factory=dict)
    personas: list[persona.Persona] = field(default_factory=list)
    piece: sample.Sample | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(
        cls, mapping: Mapping[str, Any], *, seed: int, source: str, warmup_days: int | None = None
    ) -> World:
        """Warm up the scenario's market and open its reported window.

        Parameters
        ----------
        mapping
            The scenario as plain data (``load_yaml``).
        seed
            The run seed.
        source
            The file, for error messages.
        warmup_days
            Override ``run.warmup_days`` (tests use fewer).
        """
        overrides = {} if warmup_days is None else {"run.warmup_days": warmup_days}
        names = loading.strategy_names(mapping)
        experiment = protocol.prepare(mapping, [names[0]], overrides, source=source)
        model = experiment.warm_up(seed)
        experiment.start(model, names[0])
        world = cls(model, personas=persona.choose(model))
        history.record(world.history, model, None)
        world.piece = sample.sample(model, world.personas[0].row)
        return world

    @property
    def day(self) -> int:
        """The last reported day simulated (0 right after opening)."""
        return self.history.days[-1]

    def step(self, days: int = 1) -> None:
        """Simulate ``days`` days and remember them."""
        with self.lock:
            for _ in range(days):
                prior = history.before(self.model)
                seen = [persona.observe(self.model, p) for p in self.personas]
                self.model.step()
                history.record(self.history, self.model, prior)
                for p, old in zip(self.personas, seen, strict=True):
                    new = persona.observe(self.model, p)
                    p.story = persona.explain(self.model, old, new)
                    p.satisfaction = float(new["satisfaction"])

    def apply(self, changes: dict[str, Any]) -> None:
        """Apply lever changes from the next day, through the engine's one path."""
        with self.lock:
            self.model.apply_changes(changes, label="trainer: " + ", ".join(changes))
            self.changed.update(changes)

    def fork(self, label: str = "B") -> World:
        """A twin: the same customers and the same random numbers from here on."""
        with self.lock:
            twin = World(self.model.fork(), label, self.history.copy(), {})
            twin.personas = copy.deepcopy(self.personas)
            twin.piece = self.piece  # the same customers and the same network
            return twin
