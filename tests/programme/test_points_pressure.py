"""Tier points pressure in a running model (docs/model.md §3.1): the days to the review
come from the review actually booked, and reachability is judged in the tier metric's
own unit."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.config.loading import load_yaml
from simulator.experiment.run import build_model
from simulator.programme import effects

from ..conftest import SCENARIOS

SMALL = {"run.customers": 1500, "run.days": 200, "run.warmup_days": 0}


def _spy(monkeypatch) -> list[tuple[int, np.ndarray, np.ndarray]]:
    seen: list[tuple[int, np.ndarray, np.ndarray]] = []
    real = effects.points_pressure_multiplier

    def spy(qualifying, threshold, expected, days_to_review, strength, *a, **k):
        seen.append((days_to_review, np.array(expected), np.array(threshold)))
        return real(qualifying, threshold, expected, days_to_review, strength, *a, **k)

    monkeypatch.setattr(effects, "points_pressure_multiplier", spy)
    return seen


def test_days_to_review_follow_a_cadence_changed_mid_run(monkeypatch):
    model, _ = build_model(load_yaml(SCENARIOS / "airline_tiers.yaml"), overrides=SMALL)
    seen = _spy(monkeypatch)
    for _ in range(20):
        model.step()
    # Yearly reviews booked from day 1: the first falls after day 365.
    assert [s[0] for s in seen[-3:]] == [365 - 18, 365 - 19, 365 - 20]
    model.apply_changes({"firm.programme.tiers.review_every_days": 90})
    seen.clear()
    model.step()  # day 21: the new cadence counts from today, the review after day 110
    assert seen[0][0] == 110 - 21
    for _ in range(100):
        model.step()
    # Day 121: after the review of day 110 the next is 90 days on, after day 200 (the
    # old cadence would say 365 - 121).
    assert [s[0] for s in seen[88:91]] == [110 - 109, 110 - 110, 200 - 111]
    assert seen[-1][0] == 200 - 121


@pytest.mark.parametrize("metric", ["visits", "points"])
def test_reachability_is_judged_in_the_metric_unit(monkeypatch, metric):
    over = dict(SMALL) | {"firm.programme.tiers.metric": metric}
    model, _ = build_model(load_yaml(SCENARIOS / "airline_tiers.yaml"), overrides=over)
    seen = _spy(monkeypatch)
    while not seen:
        model.step()
    days = seen[-1][0]
    prog = model.ctx.programme
    p = model.ctx.pop
    members, _ = prog.rate_multiplier()
    visits = p.rate[members] * days * p.habit[members, 0]
    if metric == "visits":
        np.testing.assert_allclose(seen[-1][1], visits, rtol=1e-6)
    else:
        # Points: the spend expected before the review times what each unit earns.
        earn = prog.spec.points_per_unit * prog.rules.tier_earn[prog.state.tier[members]]
        ratio = seen[-1][1] / (visits * earn)
        assert np.all(ratio > 0)
        np.testing.assert_allclose(ratio, prog._basket(members), rtol=1e-5)
