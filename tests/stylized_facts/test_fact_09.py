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
from simulator.engine.model import LoyaltyModel
from simulator.engine.state import ACTIVE
from simulator.experiment.run import build_model
from simulator.programme.tiers import status_values

from ..conftest import SCENARIOS

DEMOTED_BUY_FAIL = (
    "fails honestly (docs/model.md §9, fact 9): matched on purchase rate and share of "
    "wallet in the year before the review, the demoted make +0.24, -0.01 and -0.09 "
    "focal visits in the next 180 days against the never promoted (seeds 3-5, mean "
    "+0.05). They were promoted a year earlier for buying more, so after a warm-up "
    "they hold a stronger latent preference than never-promoted customers with the "
    "same one-year record (regression to the mean); the causal test (the same market "
    "with the demotion effect off) shows the effect itself, and the demoted are less "
    "loyal than the never promoted."
)
NO_EFFECT = {
    "firm.programme.demotion_penalty": 0.0,
    "firm.programme.demotion_satisfaction_drop": 0.0,
}
SEEDS = (3, 4, 5)


def _demotion_runs(seed: int) -> dict[str, tuple]:
    """The warmed-up airline up to the eve of its next review, then forked: the demotion
    effect on, and switched off from the review on (the same demoted customers)."""
    sc = load_yaml(SCENARIOS / "airline_tiers.yaml")
    sc["run"] = {"customers": 60_000, "days": 365 + 180}
    sc.pop("strategies", None)
    model, _ = build_model(sc, seed=seed)
    p = model.pop
    window_purchases = p.purchases.copy()
    review = model.calendar.find("programme.review")[0].event.time  # the next review
    while model.time < review - 0.5:
        model.step()
    visits = p.focal_visits.copy()
    bought = p.purchases - window_purchases
    before = {
        "rate": p.rate.copy(),
        "sow": np.where(bought > 0, visits / np.maximum(bought, 1), 0.0),
        "promoted": model.programme.state.ever_promoted.copy(),
        "active": p.alive & (p.relationship == ACTIVE) & p.member,
        "tier": model.programme.state.tier.copy(),
    }
    off = model.fork()
    off.apply_changes(NO_EFFECT, label="no demotion effect")
    return {"effect": _after_the_review(model, before), "no_effect": _after_the_review(off, before)}


def _after_the_review(model: LoyaltyModel, before: dict) -> tuple:
    p = model.pop
    visits = p.focal_visits.copy()
    model.step()  # the review runs before the next day's customers
    tier_after = model.programme.state.tier
    demoted = before["active"] & (tier_after < before["tier"])
    never = before["active"] & ~before["promoted"] & (before["tier"] == 0) & (tier_after == 0)
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


@pytest.fixture(scope="module")
def demotions() -> list[dict[str, tuple]]:
    return [_demotion_runs(seed) for seed in SEEDS]


@pytest.mark.slow
def test_switching_the_demotion_effect_off_makes_the_demoted_buy_more(demotions):
    for runs in demotions:
        demoted, _, _, visits_on, _ = runs["effect"]
        demoted_off, _, _, visits_off, _ = runs["no_effect"]
        assert np.array_equal(demoted, demoted_off)  # one market up to the review
        assert demoted.sum() > 200
        on, off = visits_on[demoted].mean(), visits_off[demoted].mean()
        print(f"the demoted: {on:.2f} focal visits in 180 days, {off:.2f} without the effect")
        assert off > on


@pytest.mark.slow
def test_the_demoted_are_less_loyal_than_the_never_promoted(demotions):
    gaps = [
        _matched_gap(*runs["effect"][:3], runs["effect"][4].astype(float)) for runs in demotions
    ]
    print(f"demoted minus never promoted, still active after 180 days: {np.round(gaps, 4)}")
    assert np.mean(gaps) < 0


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=DEMOTED_BUY_FAIL)
def test_the_demoted_buy_less_than_the_never_promoted(demotions):
    gaps = [_matched_gap(*runs["effect"][:4]) for runs in demotions]
    print(f"demoted minus never promoted, focal visits in 180 days: {np.round(gaps, 3)}")
    assert np.mean(gaps) < 0


def test_a_larger_gold_tier_lowers_gold_status_and_a_silver_tier_does_not():
    # Levels: base, (silver,) gold; share of members at or above each level.
    small_gold = status_values(np.array([1.0, 0.05]), np.array([False, True]))
    large_gold = status_values(np.array([1.0, 0.15]), np.array([False, True]))
    assert large_gold[1] < small_gold[1]
    with_silver = status_values(np.array([1.0, 0.20, 0.05]), np.array([False, True, True]))
    assert with_silver[2] >= small_gold[1]
