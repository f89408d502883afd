"""A competitor's offer launched by the trainer: depth, reach and duration.

The offer is added to the competitor's list of offers in the live scenario through
``apply_changes``, like any lever (a competitor's offers can only be added mid-run);
it starts on the next day and reaches its share of the market through its own named
random stream, so twins that both launch it reach the same customers.
"""

from __future__ import annotations

from typing import Any

from simulator.config.schema import Scenario


def launch(
    config: Scenario, *, competitor: str, depth: float, reach: float, days: int, today: int
) -> dict[str, Any]:
    """The change that launches a price-cut offer from tomorrow for ``days`` days.

    Parameters
    ----------
    config
        The live scenario.
    competitor
        The competitor's name.
    depth
        Share off its price (0-0.9).
    reach
        Share of the market who hear of it.
    days
        How long it runs.
    today
        The last reported day simulated.
    """
    comp = next(c for c in config.market.competitors if c.name == competitor)
    offers = [o.model_dump(mode="python", exclude_none=True) for o in comp.offers]
    start = today + 1
    offers.append(
        {
            "name": f"trainer_offer_{len(offers) + 1}",
            "kind": "price_cut",
            "start": start,
            "end": start + max(int(days), 1) - 1,
            "size": float(depth),
            "reach": float(reach),
        }
    )
    return {f"market.competitors.{competitor}.offers": offers}
