"""Target names of campaigns and offers must name real segments and tiers.

A campaign aimed at a segment nobody belongs to would reach no one and report nothing;
a typo there must fail validation, not silently shrink a strategy to nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from simulator.config.firm import BASE_TIER
from simulator.config.schema import Scenario


def _targets(scenario: Scenario) -> Iterator[tuple[str, list[str] | None, list[str] | None]]:
    """(key path, segments, tiers) of every campaign and competitor offer."""
    programme = scenario.firm.programme
    if programme is not None:
        for i, campaign in enumerate(programme.campaigns):
            yield f"firm -> programme -> campaigns -> {i}", campaign.segments, campaign.tiers
    for k, rival in enumerate(scenario.market.competitors):
        for i, offer in enumerate(rival.offers):
            yield f"market -> competitors -> {k} -> offers -> {i}", offer.segments, offer.tiers


def _unknown(names: list[str] | None, known: list[str], what: str) -> str | None:
    for name in names or []:
        if name not in known:
            hint = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            text = f"unknown {what} {name!r}"
            text += f"; did you mean {hint[0]!r}?" if hint else f"; expected one of {known}"
            return text
    return None


def unknown_target(scenario: Scenario) -> tuple[str, str] | None:
    """The first campaign or offer target naming no segment or tier: (key path, message)."""
    segments = [s.name for s in scenario.market.segments]
    programme = scenario.firm.programme
    tiers = [BASE_TIER, *[t.name for t in programme.tiers.levels]] if programme else [BASE_TIER]
    for path, seg, tier in _targets(scenario):
        for key, names, known, what in (
            ("segments", seg, segments, "segment"),
            ("tiers", tier, tiers, "tier"),
        ):
            problem = _unknown(names, known, what)
            if problem:
                return f"{path} -> {key}", problem
    return None
