"""The membership systems in the running model (docs/model.md §11): off costs nothing,
on they measure, stage, warn, target and police, and they survive a fork."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import simulator
from simulator.config.loading import load_yaml, resolve
from simulator.engine.model import LoyaltyModel
from simulator.errors import ScenarioError
from simulator.experiment.customers import customers_frame

from ..conftest import SCENARIOS, small

SCENARIO = SCENARIOS / "member_programme.yaml"


@pytest.fixture(scope="module")
def member() -> dict:
    return small(load_yaml(SCENARIO), customers=2000, days=200, warmup=120)


def _run(mapping: dict, strategy: str = "status_quo", **overrides) -> simulator.RunResult:
    return simulator.run(mapping, strategy=strategy, seed=5, overrides=overrides)


@pytest.fixture(scope="module")
def member0() -> dict:
    """No warm-up: a model stepped by hand reports from its first day."""
    return small(load_yaml(SCENARIO), customers=2000, days=200, warmup=0)


@pytest.fixture(scope="module")
def base(member) -> simulator.RunResult:
    return _run(member)


def test_off_nothing_is_allocated_recorded_or_reported():
    mapping = small(load_yaml(SCENARIOS / "coffee_chain.yaml"), customers=500, days=20)
    model = LoyaltyModel(resolve(mapping, strategy="loyalty_card"), seed=1)
    for _ in range(20):
        model.step()
    assert model.ctx.members.cols is None
    assert model.ctx.members.summary() == {}
    assert model.ctx.members.columns() == {}
    assert model.ctx.members.snapshot() is None
    names = set(model.metrics.frame()["metric"])
    assert not {n for n in names if n.startswith(("survey_", "stage_", "warning_"))}
    assert "membership_cost" not in names


def test_every_system_reports(base):
    s = base.summary
    for key in ("survey_nps_measured", "survey_csat_true", "survey_ces_ci", "warning_auc"):
        assert s[key] is not None, key
    stages = sum(s[f"stage_{k}"] for k in ("new", "growing", "mature", "declining", "dormant"))
    assert stages > 0
    assert s["survey_cost"] > 0 and s["membership_cost"] >= s["survey_cost"]
    lost = sum(
        s[f"churn_{r}"]
        for r in (
            "dissatisfaction",
            "competitor_offer",
            "service_failure",
            "left_category",
            "moved_away",
        )
    )
    assert lost == s["customers_defected"] + s["customers_left_category"]
    assert s["churn_competitor_offer"] > 0  # the rival's conquest offer runs on days 120-210
    assert 0 <= s["member_revenue_share"] <= 1
    waves = [w for w in s["survey_waves"] if w["kind"] == "nps"]
    assert len(waves) == 6  # monthly in 200 days
    assert all(w["invited"] <= 150 for w in waves)


def test_net_margin_bears_the_systems_costs(base):
    s = base.summary
    gross = s["gross_margin"] - s["programme_cost"] - s["service_cost"] - s["acquisition_cost"]
    assert s["net_margin"] == pytest.approx(gross - s["membership_cost"])


def test_stage_and_flag_reach_customers_parquet(member0):
    model = LoyaltyModel(resolve(member0), seed=5)
    for _ in range(150):
        model.step()
    frame = customers_frame(model)
    assert set(frame["lifecycle_stage"].dropna().unique()) <= {
        "new",
        "growing",
        "mature",
        "declining",
        "dormant",
    }
    assert frame["lifecycle_stage"].notna().sum() > 0
    assert frame["warning_flag"].dtype == bool
    assert frame["warning_flag"].sum() == model.ctx.members.cols.flagged.sum()


def test_a_larger_sample_narrows_the_measured_nps_interval(member):
    small_, big = (_run(member, **{"firm.surveys.0.sample_size": n}) for n in (40, 320))
    assert big.summary["survey_nps_responses"] > 4 * small_.summary["survey_nps_responses"]
    # Eight times the sample: the interval about sqrt(8) = 2.8 times narrower.
    assert big.summary["survey_nps_ci"] < 0.6 * small_.summary["survey_nps_ci"]


def test_incentives_buy_responses_at_a_cost(member, base):
    paid = _run(
        member,
        **{"firm.surveys.0.response.incentive": 3.0, "firm.surveys.0.response.reminder": True},
    )
    assert paid.summary["survey_nps_response_rate"] > base.summary["survey_nps_response_rate"]
    assert paid.summary["survey_cost"] > base.summary["survey_cost"]


def test_warning_targeting_reaches_flagged_customers_and_the_oracle_the_same_number(member0):
    campaigns = [
        {"name": "save", "kind": "retention_offer", "start": 100, "end": 120, "value": 3.0}
    ]
    reached = {}
    for target in ("everyone", "warning", "oracle"):
        mapping = dict(member0)
        # Without a warm-up the purchase histories are short: a low threshold flags some.
        overrides = {
            "firm.programme.campaigns": [{**campaigns[0], "target": target}],
            "firm.warning.threshold": 0.15,
        }
        model = LoyaltyModel(resolve(mapping, overrides=overrides), seed=5)
        for _ in range(100):  # flags last refreshed on day 98
            model.step()
        camp = model.programme.campaigns[0]
        reached[target] = camp.reached.size + camp.holdout.size
        if target == "warning":
            assert model.ctx.members.cols.flagged[camp.reached].all()
    assert reached["warning"] == reached["oracle"] > 0
    assert reached["everyone"] > reached["warning"]


def test_more_points_on_offer_raise_cheating_in_the_running_model(member):
    def cheating(points: int) -> float:
        result = _run(
            member,
            **{
                "firm.programme.behaviour.reviews.points": points,
                "firm.programme.behaviour.detection.enabled": False,
            },
        )
        return result.summary["cheating_points"] / points

    assert cheating(60) > 1.3 * cheating(15) > 0


def test_policing_claws_back_points_and_wrongs_a_few_honest_members(member):
    result = _run(
        member,
        **{
            "firm.programme.behaviour.reviews.points": 60,
            "firm.programme.behaviour.detection.false_positive_rate": 0.05,
        },
    )
    s = result.summary
    assert 0 < s["points_clawed_back"] <= s["cheating_points"] + s["behaviour_points_reviews"]
    assert s["false_positives"] > 0
    assert s["policing_cost"] > 0


def test_the_systems_survive_a_fork(member0):
    model = LoyaltyModel(resolve(member0), seed=5)
    for _ in range(40):
        model.step()
    twin = model.fork()
    for _ in range(20):
        model.step()
        twin.step()
    a, b = model.ctx.members, twin.ctx.members
    assert np.array_equal(a.cols.stage, b.cols.stage)
    assert np.array_equal(a.cols.flagged, b.cols.flagged)
    assert pd.DataFrame(a.results).equals(pd.DataFrame(b.results))  # NaN-aware


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"firm.programme.campaigns": [{"name": "x", "kind": "retention_offer", "start": 1,
                                           "end": 2, "target": "warning"}],
             "firm.warning": None},
            "add a firm.warning section",
        ),
        ({"firm.surveys.1.schedule": "quarterly"}, "a csat survey runs after_visit"),
        ({"firm.surveys.2.kind": "nps", "firm.surveys.2.schedule": "monthly"},
         "one survey of each kind"),
        ({"firm.warning.rule": "gut_feeling"}, "firm -> warning -> rule"),
    ],
)  # fmt: skip
def test_bad_membership_input_is_one_clear_error(member, overrides, message):
    with pytest.raises(ScenarioError, match=message):
        resolve(member, overrides=overrides)


@pytest.mark.slow
def test_the_warning_rule_beats_chance_and_falls_short_of_the_oracle():
    # The shipped scenario at 6,000 people and a year: about 700 defections within the
    # checkpoints' horizons, so the AUC's standard error is near 0.01.
    result = simulator.run(
        load_yaml(SCENARIO), seed=3, overrides={"run.customers": 6000, "run.warmup_days": 390}
    )
    s = result.summary
    assert s["warning_scored"] > 10_000
    assert 0.53 < s["warning_auc"] < s["warning_auc_oracle"]
    # Flagged customers defect more often than the base rate: the flag carries news.
    assert s["warning_precision"] > 1.2 * s["warning_base_rate"]


def test_member_growth_by_period_segment_and_tier(base):
    s = base.summary
    periods = s["member_growth_by_period"]
    assert [x["day"] for x in periods] == list(range(30, 201, 30))
    assert sum(x["members_new"] for x in periods) <= s["members_new"]
    by_segment = s["member_growth_by_segment"]
    assert sum(x["members"] for x in by_segment) == s["members"]
    assert sum(x["members"] for x in s["member_growth_by_tier"]) == s["members"]
    daily = base.metric("members_new")
    assert daily.sum() == s["members_new"]
