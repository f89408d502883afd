"""Market and social dynamics (docs/model.md §3.5-3.7, 5; facts 5, 6 and 10)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.config.loading import load_yaml
from simulator.engine.state import ACTIVE
from simulator.experiment.run import build_model, run
from simulator.mechanisms.acquisition import bass_half_time

from .conftest import SCENARIOS, small

BEHAVIOUR_OFF = {
    "satisfaction": False,
    "defection": False,
    "winback": False,
    "programme": False,
    "competition": False,
    "complaints": False,
}


def _series(res, name):
    return res.metric(name)


@pytest.mark.slow
def test_fact_5_bass_diffusion_half_time():
    """Acquisition only, fully mixed, p = 0.03, q = 0.38 a year: half adopt at 6.55 +- 0.4 years."""
    sc = {
        "name": "diffusion",
        "market": {
            "segments": [{"name": "all", "share": 1.0, "dropout": {"a": 0.01, "b": 1e8}}],
            "initial": {"active": 0.0, "lapsed": 0.0},
            "network": {"kind": "fully_mixed"},
            "acquisition": {"p_ext": 0.03, "q_int": 0.38},
            # Every adopter recommends (satisfaction off); no talk beyond the Bass term.
            "word_of_mouth": {
                "promoter_rate": 0,
                "passive_rate": 0,
                "detractor_rate": 0,
                "referral_rate": 0,
            },
        },
        "modules": BEHAVIOUR_OFF,
        "run": {"customers": 4000, "days": 3000},
    }
    halves = []
    for seed in (1, 2):
        res = run(sc, seed=seed)
        active = _series(res, "customers_active")
        halves.append(active.index[np.argmax(active.to_numpy() >= 2000)] / 365.0)
    assert bass_half_time(0.03, 0.38) == pytest.approx(6.55, abs=0.01)
    assert np.mean(halves) == pytest.approx(6.55, abs=0.4), halves


@pytest.mark.slow
def test_fact_6_word_of_mouth_valence():
    """Cafe preset: positive:negative word-of-mouth between 2 and 4 (East et al. 2007),
    measured in the second year (the first carries the burn-in from the initial S draw);
    per head, detractors talk more than promoters (Anderson 1998)."""
    res = run(load_yaml(SCENARIOS / "coffee_chain.yaml"), seed=3, overrides={"run.days": 730})
    pos = _series(res, "wom_positive").loc[366:].sum()
    neg = _series(res, "wom_negative").loc[366:].sum()
    assert 2.0 <= pos / neg <= 4.0, pos / neg
    assert res.summary["talk_rate_detractor"] > res.summary["talk_rate_promoter"]


@pytest.mark.slow
def test_fact_10_recovery_paradox_raises_satisfaction_not_repurchase():
    """After a recovered first failure mean S is at least its pre-failure level, but
    180-day retention is no higher than for matched customers who never failed
    (de Matos, Henrique & Rossi 2007)."""
    sc = load_yaml(SCENARIOS / "coffee_chain.yaml")
    sc["firm"]["failure_rate"] = 0.15
    sc["firm"]["desk"] = {"staff": 20, "mean_service_days": 0.02, "service_level_days": 3.0}
    sc["schedule"] = []
    sc["modules"] = {"winback": False, "acquisition": False}
    sc["run"] = {"customers": 30_000, "days": 380, "warmup_days": 0}
    model, _ = build_model(sc, seed=4)
    p = model.pop
    active, sat_prev, after, visitors = {}, {}, {}, {}
    prev = p.satisfaction.copy()
    for d in range(1, 381):
        model.step()
        active[d] = p.alive & (p.relationship == ACTIVE)
        if d <= 200:
            sat_prev[d] = prev
            # Visitors today with no failure today or in the memory window before.
            visitors[d] = (p.last_focal_day == d) & (
                (p.last_failure_day < 0) | (p.last_failure_day < d - 180)
            )
            if model.ctx.log.recoveries and model.ctx.log.recoveries[-1][0] == d:
                after[d] = p.satisfaction[model.ctx.log.recoveries[-1][1]].copy()
        prev = p.satisfaction.copy()
    rate_bin = np.digitize(p.rate, np.quantile(p.rate, [0.33, 0.67]))
    before_s, after_s, kept, ctrl = [], [], [], []
    for d, rows, s_before in model.ctx.log.recoveries:
        if d > 200:
            continue
        before_s.append(s_before)
        after_s.append(after[d])
        kept.append(active[d + 180][rows])
        s_bin = np.digitize(sat_prev[d], np.arange(0.5, 10, 0.5))
        b_bin = np.digitize(s_before, np.arange(0.5, 10, 0.5))
        for r, b in zip(rows, b_bin, strict=True):
            m = visitors[d] & (rate_bin == rate_bin[r]) & (s_bin == b)
            if m.any():
                ctrl.append(active[d + 180][m].mean())
    before, after_all = np.concatenate(before_s), np.concatenate(after_s)
    assert before.size > 300
    assert after_all.mean() >= before.mean()
    assert np.concatenate(kept).mean() <= np.mean(ctrl) + 0.02


def _offer_scenario(with_offer: bool) -> dict:
    sc = load_yaml(SCENARIOS / "telecom_competitor_attack.yaml")
    if not with_offer:
        sc["market"]["competitors"][0]["offers"] = []
    sc["run"]["customers"] = 10_000
    return sc


@pytest.mark.slow
def test_competitor_offer_lowers_focal_share_while_it_runs_then_fades():
    a = run(_offer_scenario(False), seed=2).metric("market_share")
    b = run(_offer_scenario(True), seed=2).metric("market_share")
    diff = b - a
    before, during, after = (
        diff.loc[30:89].mean(),
        diff.loc[100:180].mean(),
        diff.loc[280:365].mean(),
    )
    assert abs(before) < 0.005  # common random numbers: identical until the offer
    assert during < -0.02
    assert after > during / 2  # the effect fades once the offer ends


@pytest.mark.slow
def test_fewer_handlers_longer_waits_lower_satisfaction():
    sc = load_yaml(SCENARIOS / "service_recovery.yaml")
    sc["run"] = {"customers": 15_000, "days": 150, "warmup_days": 0}
    waits, sats = [], []
    for staff in (1, 2, 3, 5):  # beyond ~5 handlers there is no queue left to shorten
        res = run(sc, seed=5, overrides={"firm.desk.staff": staff})
        waits.append(res.summary["complaint_wait_mean"])
        c = res.customers
        sats.append(c.loc[c["complaints"] > 0, "satisfaction"].mean())
    assert all(w1 >= w2 for w1, w2 in zip(waits, waits[1:], strict=False)), waits
    assert waits[0] > 2 * waits[-1] + 1e-9
    assert all(s1 <= s2 + 1e-9 for s1, s2 in zip(sats, sats[1:], strict=False)), sats
    assert sats[-1] > sats[0]


def test_word_of_mouth_off_stops_referral_acquisitions(coffee):
    sc = small(coffee, customers=8000, days=365)
    on = run(sc, seed=1)
    sc["modules"] = {"word_of_mouth": False}
    off = run(sc, seed=1)
    assert on.summary["referrals_converted"] > 0 and on.summary["acquired_by_referral"] > 0
    assert off.summary["referrals_made"] == 0 and off.summary["acquired_by_referral"] == 0
    assert off.summary["wom_positive"] == 0 and off.summary["acquired_by_wom"] == 0


def test_prospect_pool_can_be_exhausted(coffee):
    sc = small(coffee, customers=1000, days=400)
    sc["market"]["acquisition"] = {"p_ext": 10.0, "q_int": 0.0, "advertising": 10.0}
    sc["market"]["initial"] = {"active": 0.0, "lapsed": 0.0}
    sc["market"]["entry"] = {"mode": "none"}  # a closed market: no new prospects
    res = run(sc, seed=1)
    c = res.customers
    unaware = c["alive"] & (c["relationship"] == 0) & ~c["aware_OurCafe"]
    assert unaware.sum() == 0
    assert res.summary["acquired_by_advertising"] >= 900


def test_staffing_schedule_changes_the_desk(coffee):
    sc = small(coffee, customers=500, days=10)
    sc["schedule"] = [{"day": 5, "set": {"firm.desk.staff": 7}}]
    model, _ = build_model(sc, seed=1)
    for _ in range(6):
        model.step()
    assert model.desk.staff == 7


def test_offer_targets_tiers_and_satisfaction_band():
    sc = load_yaml(SCENARIOS / "airline_tiers.yaml")
    sc["market"]["competitors"][1]["offers"] = [
        {
            "name": "poach_gold",
            "kind": "conquest",
            "start": 3,
            "end": 9,
            "size": 0.5,
            "reach": 1.0,
            "tiers": ["gold"],
            "max_satisfaction": 9.0,
        }
    ]
    sc["run"] = {"customers": 5000, "days": 5, "warmup_days": 0}
    model, _ = build_model(sc, seed=1)
    for _ in range(2):
        model.step()
    s_at_start = model.pop.satisfaction.copy()  # the offer targets before day 3's visits
    model.step()
    reached = model.offers.offers[0].reached
    assert reached.size > 0
    assert (model.programme.state.tier[reached] == 2).all() and model.pop.member[reached].all()
    assert (s_at_start[reached] <= 9.0).all()
