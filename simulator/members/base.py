"""What the membership systems' parts see of the component (a protocol, so the parts do
not import :mod:`simulator.members.system`, which imports them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from simulator.engine.context import DayContext
    from simulator.members.state import MemberColumns
    from simulator.members.surveys import Wave
    from simulator.members.warning import Scorecard


class Systems(Protocol):
    """The component's state as its parts read and write it."""

    ctx: DayContext
    cols: MemberColumns | None
    waves: dict[str, Wave]
    results: list[dict[str, Any]]
    scorecard: Scorecard
    quarter_stage: np.ndarray | None
    transitions: list[dict[str, Any]]
    totals: dict[str, float]
    today: dict[str, float]
    lead_times: list[np.ndarray]
    members_start: int
    period: dict[str, float]
    periods: list[dict[str, Any]]

    @property
    def cost_today(self) -> float: ...
    def records(self) -> MemberColumns: ...
    def book(self, key: str, amount: float) -> None: ...
