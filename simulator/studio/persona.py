"""A few named customers, followed day by day: what each did today, and why.

Each persona is a Mesa ``Agent`` view onto a row of the population arrays
(:meth:`~simulator.engine.model.LoyaltyModel.customer`); comparing the view before and
after a day tells the story: an occasion (a category purchase), where it was bought
(the choice), the satisfaction change, a service failure and a complaint, word-of-mouth
heard, points earned or spent, a defection or a win-back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.engine.state import ACTIVE

NAMES = ("Ana", "Ben", "Chloe", "Dev")
FIELDS = (
    "relationship",
    "satisfaction",
    "purchases",
    "focal_visits",
    "last_firm",
    "last_failure_day",
    "complaints",
    "wom",
    "points_balance",
    "tier",
    "member",
)


@dataclass
class Persona:
    """A named customer and today's story."""

    name: str
    row: int
    story: str = "Not simulated yet."
    satisfaction: float = float("nan")


def choose(model: Any, k: int = len(NAMES)) -> list[Persona]:
    """Active customers spread over the satisfaction range, drawn the same for a seed."""
    pop = model.pop
    rows = np.flatnonzero((pop.relationship == ACTIVE) & pop.alive)
    if rows.size == 0:
        rows = np.arange(pop.n)
    order = rows[np.argsort(pop.satisfaction[rows], kind="stable")]
    # Quantiles 10%, 40%, 70%, 95% of satisfaction: an unhappy, two middling, a fan.
    picks = [int(order[int(q * (order.size - 1))]) for q in (0.1, 0.4, 0.7, 0.95)][:k]
    return [
        Persona(NAMES[i], r, satisfaction=float(pop.satisfaction[r])) for i, r in enumerate(picks)
    ]


def observe(model: Any, persona: Persona) -> dict[str, Any]:
    """The persona's state now (through the Mesa agent view)."""
    view = model.customer(persona.row)
    cols = model.customer_columns()
    state = {f: getattr(view, f) for f in FIELDS if f in cols}
    state["relationship"] = view.relationship_name
    return state


def explain(model: Any, before: dict[str, Any], after: dict[str, Any]) -> str:
    """Why the persona did what it did today, in a sentence or a few."""
    day = int(model.day)
    names = [f.name for f in model.firms]
    parts = []
    bought = after["purchases"] > before["purchases"]
    if not bought:
        parts.append("No purchase occasion today.")
    else:
        firm = names[after["last_firm"]] if after["last_firm"] >= 0 else "someone"
        focal = after["focal_visits"] > before["focal_visits"]
        why = "us" if focal else f"{firm}, a rival"
        parts.append(f"Had an occasion and bought from {why}.")
    if after.get("last_failure_day") == day:
        parts.append("Suffered a service failure.")
    if after.get("complaints", 0) > before.get("complaints", 0):
        parts.append("Complained to the desk.")
    ds = after["satisfaction"] - before["satisfaction"]
    if abs(ds) >= 0.01:
        parts.append(f"Satisfaction {before['satisfaction']:.2f} → {after['satisfaction']:.2f}.")
    dw = after["wom"] - before["wom"]
    if abs(dw) >= 0.01:
        parts.append("Heard " + ("good" if dw > 0 else "bad") + " word-of-mouth.")
    if "points_balance" in after:
        dp = after["points_balance"] - before["points_balance"]
        if dp > 0:
            parts.append(f"Earned {dp} points (now {after['points_balance']}).")
        elif dp < 0:
            parts.append(f"Redeemed or lost {-dp} points (now {after['points_balance']}).")
    if after["relationship"] != before["relationship"]:
        parts.append(f"Became {after['relationship']} (was {before['relationship']}).")
    return " ".join(parts)
