"""Loose ends of issue 17, item 18 (config side), and item 7 as main already has it."""

from __future__ import annotations

import pytest

from simulator.config import loading
from simulator.config.loading import resolve
from simulator.errors import ScenarioError


def test_share_message_shows_enough_digits():
    mapping = {
        "name": "a",
        "market": {"segments": [{"name": "x", "share": 0.5}, {"name": "y", "share": 0.4999989}]},
    }
    with pytest.raises(ScenarioError, match=r"must sum to 1 \(within 1e-06\), got 0\.9999989$"):
        resolve(mapping)


def test_market_share_message_shows_enough_digits():
    mapping = {
        "name": "a",
        "firm": {"market_share": 0.3},
        "market": {"competitors": [{"name": "r", "market_share": 0.6999985}]},
    }
    with pytest.raises(ScenarioError, match=r"got 0\.9999985$"):
        resolve(mapping)


# Item 7 was fixed before issue 17 was written up (commit 58887aa, "cumulative schedule
# check ... linear cost of scheduled changes"): these hold main's behaviour in place.


def test_conflicting_scheduled_changes_fail_validation_not_the_run():
    mapping = {
        "name": "a",
        "market": {"segments": [{"name": "x", "share": 0.5}, {"name": "y", "share": 0.5}]},
        "schedule": [
            {"day": 10, "set": {"market.competitive_intensity": 0.7}},
            {"day": 20, "set": {"market.segments.x.share": 0.6}},
        ],
    }
    with pytest.raises(ScenarioError, match=r"schedule -> 1 -> set"):
        resolve(mapping)


def test_each_scheduled_change_costs_one_validation(monkeypatch):
    calls = []
    real = loading.Scenario.model_validate

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(loading.Scenario, "model_validate", counting)
    n = 300
    schedule = [{"day": 1 + i, "set": {"firm.price": 1.0 + (i % 7) / 100}} for i in range(n)]
    resolve({"name": "a", "schedule": schedule})
    assert len(calls) <= n + 3, "linear in the number of changes"
