"""Shared fixtures: paths from this file, small shipped scenarios, tmp output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulator.config.loading import load_yaml

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
COFFEE = SCENARIOS / "coffee_chain.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shipped_scenarios() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml"))


@pytest.fixture
def coffee() -> dict:
    """The coffee-chain scenario as plain data."""
    return load_yaml(SCENARIOS / "coffee_chain.yaml")


def small(mapping: dict, *, customers: int = 2000, days: int = 60, warmup: int = 0) -> dict:
    """A shrunk copy of a scenario mapping (vivarium's conftest habit); no warm-up unless
    asked for (the stylized facts use the warm-up of docs/model.md §10)."""
    out = dict(mapping)
    run = {**mapping.get("run", {}), "customers": customers, "days": days}
    out["run"] = {**run, "warmup_days": warmup}
    return out


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's headless Chromium (``.ci/run`` installs it). Missing in CI, the test
    fails; missing on a developer's machine, it is skipped with the install command."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("/usr/bin/chromium is missing: .ci/run installs it with apt-get")
        pytest.skip("/usr/bin/chromium not installed (apt-get install -y chromium)")
    return CHROMIUM


def stepped(name: str, days: int, *, strategy: str | None = None, edit=None, seed: int = 11):
    """A 4,000-customer model of a shipped scenario, stepped ``days`` days."""
    import copy

    from simulator.experiment.run import build_model

    mapping = small(load_yaml(SCENARIOS / f"{name}.yaml"), customers=4000, days=days + 5)
    if edit is not None:
        mapping = copy.deepcopy(mapping)
        edit(mapping)
    model, _ = build_model(mapping, strategy=strategy, seed=seed)
    for _ in range(days):
        model.step()
    return model
