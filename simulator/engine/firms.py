"""Firms as Mesa agents: the focal firm and its competitors (docs/model.md §2, §5.1).

Firms are few, so they are ordinary :class:`mesa.Agent` objects; customers are rows
of :class:`~simulator.engine.state.Population` arrays instead.
"""

from __future__ import annotations

import mesa


class Firm(mesa.Agent):
    """A firm in the customers' consideration sets.

    Parameters
    ----------
    model
        The owning model.
    index
        Column of this firm in the per-firm customer arrays (0 = focal).
    """

    def __init__(
        self,
        model: mesa.Model,
        *,
        index: int,
        name: str,
        price: float,
        quality: float,
        reward_rate: float = 0.0,
        failure_rate: float = 0.0,
        failure_size: float = 0.0,
    ) -> None:
        super().__init__(model)
        self.index = index
        self.name = name
        self.price = price
        self.quality = quality
        self.reward_rate = reward_rate
        self.failure_rate = failure_rate
        self.failure_size = failure_size

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.name!r}, price={self.price:g}, quality={self.quality:g})"
        )


class FocalFirm(Firm):
    """The firm whose loyalty strategy is under study."""


class Competitor(Firm):
    """A rival firm; offers and reaction rules act on its attributes."""
