"""The trainer's levers: which scenario key each moves, its range, and its value now.

A lever is a dotted scenario path; moving it calls
:meth:`~simulator.engine.model.LoyaltyModel.apply_changes`, the one path scheduled
changes and strategies take (docs/model.md §5.3), so the engine validates it and it acts
from the next day. Which levers a scenario offers depends on what it has: programme
levers need a programme, tier levers one entry per tier above the base.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.config.schema import Scenario

MODULES = (
    "satisfaction",
    "defection",
    "winback",
    "programme",
    "competition",
    "word_of_mouth",
    "complaints",
    "acquisition",
)


@dataclass(frozen=True)
class Lever:
    """A slider on one scenario key.

    Parameters
    ----------
    path
        Dotted scenario path, as in a scheduled change.
    label
        What the page calls it.
    lo, hi, step
        The slider's range (inside the schema's bounds).
    integer
        Whether the key takes whole numbers.
    """

    path: str
    label: str
    lo: float
    hi: float
    step: float
    integer: bool = False

    def value(self, config: Scenario) -> float:
        """The key's value in the live scenario."""
        node: Any = config.model_dump(mode="python")
        for part in self.path.split("."):
            if isinstance(node, list):
                # Entries by index, or by name as in scheduled changes (competitors).
                names = [e.get("name") for e in node]
                node = node[int(part)] if part.isdigit() else node[names.index(part)]
            else:
                node = node[part]
        return float(node)

    def change(self, value: float) -> dict[str, Any]:
        """The change that sets this lever to ``value``."""
        return {self.path: int(round(value)) if self.integer else float(value)}


BASE = (
    Lever("firm.quality", "Service quality (0-10)", 5.0, 10.0, 0.1),
    Lever("firm.price", "Price index (1 = today)", 0.6, 1.6, 0.01),
    Lever("firm.failure_rate", "Service failure rate", 0.0, 0.3, 0.005),
    Lever("firm.desk.staff", "Complaint desk staff", 0, 20, 1, integer=True),
    Lever("market.competitive_intensity", "Competitive intensity (0 quiet, 1 fierce)", 0, 1, 0.05),
)


def levers_for(config: Scenario) -> list[Lever]:
    """Every lever the scenario can use, base levers first."""
    out = list(BASE)
    for comp in config.market.competitors:
        out.append(
            Lever(f"market.competitors.{comp.name}.price", f"{comp.name} price", 0.5, 1.6, 0.01)
        )
    prog = config.firm.programme
    if prog is None:
        return out
    out.append(Lever("firm.programme.points_per_unit", "Earn rate (points/unit)", 0.0, 10, 0.1))
    if prog.rewards:
        out.append(
            Lever(
                "firm.programme.rewards.0.points", "Reward threshold (points)", 10, 2000, 10, True
            )
        )
    if prog.expiry.kind == "rolling":
        out.append(Lever("firm.programme.expiry.days", "Points expire after (days)", 30, 1095, 15))
    for i, tier in enumerate(prog.tiers.levels[1:], start=1):
        base = f"firm.programme.tiers.levels.{i}"
        top = max(3.0 * tier.threshold, 10.0)
        out.append(Lever(f"{base}.threshold", f"{tier.name}: threshold", 0.0, top, top / 100))
        out.append(Lever(f"{base}.discount", f"{tier.name}: discount", 0.0, 0.3, 0.01))
    return out
