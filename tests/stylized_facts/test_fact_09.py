"""Stylized fact 9: tiers (docs/model.md §9; Wagner, Hennig-Thurau & Rudolph 2009;
Dreze & Nunes 2009).

Demotion hurts: among customers matched on purchase rate and share of wallet before a
review, those demoted buy less and are less loyal afterwards than those never promoted;
the same population run with the demotion effect switched off shows the demoted buying
more than with it on. Enlarging the gold tier lowers gold status; adding a silver tier
does not. Measured on the airline's ladder after the warm-up: the review at the end of
the reported window's first year, and the 180 days after it.
"""

from __future__ import annotations

import numpy as np
import pytest

from simulator.config.loading import load_yaml
from simulator.engine.state import ACTIVE
from simulator.experiment.run import build_model
from simulator.programme.tiers import status_values

from ..conftest import SCENARIOS


def _demotion_run(effect: bool, seed: int = 3):
    sc = load_yaml(SCENARIOS / "airline_tiers.yaml")
    sc["run"] = {"customers": 60_000, "days": 365 + 180}
    sc.pop("strategies", None)
    if not effect:
        sc["firm"]["programme"]["demotion_penalty"] = 0.0
        sc["firm"]["programme"]["demotion_satisfaction_drop"] = 0.0
    model, _ = build_model(sc, seed=seed)
    p = model.pop
    window_purchases = p.purchases.copy()
    review = model.calendar.find("programme.review")[0].event.time  # the next review
    while model.time < review - 0.5:
        model.step()
    tier_before = model.programme.state.tier.copy()
    visits = p.focal_visits.copy()
    bought = p.purchases - window_purchases
    before = {
        "rate": p.rate.copy(),
        "sow": np.where(bought > 0, visits / np.maximum(bought, 1), 0.0),
        "promoted": model.programme.state.ever_promoted.copy(),
        "active": p.alive & (p.relationship == ACTIVE) & p.member,
    }
    model.step()  # the review runs before the next day's customers
    tier_after = model.programme.state.tier
    demoted = before["active"] & (tier_after < tier_before)
    never = before["active"] & ~before["promoted"] & (tier_before == 0) & (tier_after == 0)
    for _ in range(179):
        model.step()
    after_visits = p.focal_visits - visits
    still = p.alive & (p.relationship == ACTIVE)
    return demoted, never, before, after_visits, still


def _matched_gap(demoted, never, before, outcome):
    """Demoted minus never-promoted outcome within purchase-rate x share-of-wallet cells."""
    rq = np.digitize(before["rate"], np.quantile(before["rate"][demoted], [0.25, 0.5, 0.75]))
    sq = np.digitize(before["sow"], np.quantile(before["sow"][demoted], [0.25, 0.5, 0.75]))
    cell = rq * 4 + sq
    gaps, weights = [], []
    for c in np.unique(cell[demoted]):
        d_m, n_m = demoted & (cell == c), never & (cell == c)
        if n_m.sum() >= 5:
            gaps.append(outcome[d_m].mean() - outcome[n_m].mean())
            weights.append(d_m.sum())
    return float(np.average(gaps, weights=weights))


@pytest.mark.slow
def test_demotion_hurts_more_than_never_being_promoted():
    demoted, never, before, visits_on, still_on = _demotion_run(effect=True)
    assert demoted.sum() > 200
    gap_visits = _matched_gap(demoted, never, before, visits_on.astype(float))
    gap_loyal = _matched_gap(demoted, never, before, still_on.astype(float))
    print(f"demoted minus never promoted: visits {gap_visits:+.2f}, still active {gap_loyal:+.3f}")
    assert gap_visits < 0
    assert gap_loyal < 0
    demoted_off, _, _, visits_off, _ = _demotion_run(effect=False)
    assert np.array_equal(demoted, demoted_off)  # common random numbers up to the review
    assert visits_off[demoted].mean() > visits_on[demoted].mean()


def test_a_larger_gold_tier_lowers_gold_status_and_a_silver_tier_does_not():
    # Levels: base, (silver,) gold; share of members at or above each level.
    small_gold = status_values(np.array([1.0, 0.05]), np.array([False, True]))
    large_gold = status_values(np.array([1.0, 0.15]), np.array([False, True]))
    assert large_gold[1] < small_gold[1]
    with_silver = status_values(np.array([1.0, 0.20, 0.05]), np.array([False, True, True]))
    assert with_silver[2] >= small_gold[1]
