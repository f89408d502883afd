"""One browser session's state: its world, its twin, its seed, the last error.

A session is created inside the page component (``solara.use_memo``), so every browser
tab gets its own models; nothing is shared at module level (a module-level model would
be shared by every session: issue 15).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.config.loading import load_yaml
from simulator.errors import LoyaltySimError
from simulator.studio.world import World


@dataclass
class Session:
    """The worlds of one browser session.

    Parameters
    ----------
    scenario
        The scenario file the worlds are built from.
    seed
        The run seed; ``None`` takes the scenario's.
    warmup_days
        Override the scenario's warm-up (tests use fewer days).
    """

    scenario: Path
    seed: int | None = None
    warmup_days: int | None = None
    a: World = field(init=False)
    b: World | None = field(init=False, default=None)
    error: str = ""
    step_ms: float = float("nan")

    def __post_init__(self) -> None:
        self.reset(self.seed)

    def reset(self, seed: int | None = None) -> None:
        """Rebuild the world from the scenario (with ``seed`` if given); drop the twin."""
        mapping = load_yaml(self.scenario)
        if seed is None:
            seed = int(mapping.get("run", {}).get("seed", 1))
        self.seed = seed
        self.a = World.open(
            mapping, seed=seed, source=str(self.scenario), warmup_days=self.warmup_days
        )
        self.b = None
        self.error = ""

    @property
    def worlds(self) -> list[World]:
        """A, and B if there is a twin."""
        return [self.a] if self.b is None else [self.a, self.b]

    @property
    def target(self) -> World:
        """The world levers act on: the twin B once forked, so A stays the control."""
        return self.a if self.b is None else self.b

    def step(self, days: int = 1) -> None:
        """Advance every world by ``days``."""
        started = time.perf_counter()
        for world in self.worlds:
            world.step(days)
        self.step_ms = (time.perf_counter() - started) * 1000 / days

    def apply(self, changes: dict[str, Any]) -> bool:
        """Apply lever changes to :attr:`target`; a refused change sets :attr:`error`."""
        try:
            self.target.apply(changes)
        except LoyaltySimError as exc:
            self.error = str(exc)
            return False
        self.error = ""
        return True

    def fork(self) -> None:
        """Fork A into twins (B replaces any earlier twin)."""
        self.b = self.a.fork("B")

    def unfork(self) -> None:
        """Drop the twin."""
        self.b = None
