"""Shared fixtures: paths from this file, small shipped scenarios, tmp output."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.scenario import load_yaml

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shipped_scenarios() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml"))


@pytest.fixture
def coffee() -> dict:
    """The coffee-chain scenario as plain data."""
    return load_yaml(SCENARIOS / "coffee_chain.yaml")


def small(mapping: dict, *, customers: int = 2000, days: int = 60) -> dict:
    """A shrunk copy of a scenario mapping (vivarium's conftest habit)."""
    out = dict(mapping)
    out["run"] = {**mapping.get("run", {}), "customers": customers, "days": days}
    return out
