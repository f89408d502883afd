"""Market and social dynamics in whole runs (docs/model.md §3.5-3.7, §5); the stylized
facts 5, 6 and 10 are in tests/stylized_facts/."""

from __future__ import annotations

import pytest

from simulator.config.loading import load_yaml
from simulator.experiment.run import build_model, run

from ..conftest import SCENARIOS, small

BEHAVIOUR_OFF = {
    "satisfaction": False,
    "defection": False,
    "winback": False,
    "programme": False,
    "competition": False,
    "complaints": False,
}


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
    before, during = diff.loc[30:89].mean(), diff.loc[100:180].mean()
    soon_after, later = diff.loc[181:240].mean(), diff.loc[300:365].mean()
    print(f"focal share vs no offer: {during:+.4f} during, {soon_after:+.4f}, {later:+.4f} after")
    assert abs(before) < 0.005  # common random numbers: identical until the offer
    assert during < -0.02
    # The effect fades once the offer ends, slowly: those who defected during the
    # attack stay with the rival until a win-back or word of mouth brings them back.
    assert during < soon_after < later < 0


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
    unaware = c["alive"] & (c["relationship"] == "prospect") & ~c["aware_OurCafe"]
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
