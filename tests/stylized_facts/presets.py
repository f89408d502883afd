"""The presets docs/model.md §8-9 names, as scenario mappings for the fact tests.

Every fact is measured after the warm-up of §10 (the schema's default ``run.warmup_days``)
on the reported window, unless the fact itself is about a cohort from its start.
"""

from __future__ import annotations

import copy
from typing import Any

from simulator.config.loading import load_yaml

from ..conftest import SCENARIOS

# The fierce-market preset (docs/model.md §8, v2: S50 = 8.5).
FIERCE = {"h_max": 0.015, "k_s": 4.0, "s50": 8.5}


def cafe(*, customers: int = 20_000, days: int = 365) -> dict[str, Any]:
    """The cafe preset: the coffee chain's market and firm (weekly visits, ~5 a basket,
    two rivals), with no strategy, no scheduled change and no rival offer."""
    sc = copy.deepcopy(load_yaml(SCENARIOS / "coffee_chain.yaml"))
    sc.pop("strategies", None)
    sc["schedule"] = []
    for comp in sc["market"]["competitors"]:
        comp.pop("offers", None)
    sc["run"] = {"customers": customers, "days": days, "seed": 1}
    return sc


def monthly_retail(**programme: Any) -> dict[str, Any]:
    """The monthly-retail preset (r = 2, alpha = 56 days) with a points programme
    (docs/model.md §8 defaults unless given)."""
    return {
        "name": "monthly_retail",
        "market": {
            "segments": [
                {
                    "name": "shoppers",
                    "share": 1.0,
                    "purchase": {"r": 2.0, "alpha": 56.0},
                    "dropout": {"a": 1.0, "b": 199.0},
                }
            ],
            "competitors": [{"name": "Rival", "market_share": 0.5}],
            "initial": {"active": 0.5, "lapsed": 0.0},
        },
        "firm": {"market_share": 0.5, "programme": {"enrol_all_at_start": True, **programme}},
        "run": {"days": 365, "customers": 20_000},
    }
