"""Worlds, twins, levers and views without a browser (small, fast)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from simulator.config.loading import load_yaml
from simulator.errors import ScenarioError
from simulator.studio import levers
from simulator.studio.app import draw, persona_html
from simulator.studio.lessons import lessons
from simulator.studio.session import Session
from simulator.studio.views import twins
from simulator.studio.world import World

TEACHING = Path(__file__).resolve().parents[2] / "scenarios" / "teaching"


@pytest.fixture(scope="module")
def world() -> World:
    mapping = load_yaml(TEACHING / "3_demotion_shock.yaml")
    mapping["run"]["customers"] = 1500
    w = World.open(mapping, seed=3, source="lesson", warmup_days=5)
    w.step(4)
    return w


def test_a_twin_after_the_warm_up_keeps_counting_reported_days(world):
    twin = world.fork()
    assert twin.model.ctx.report_start == world.model.ctx.report_start
    world.step(2)
    twin.step(2)
    assert twin.history.days == world.history.days == list(range(7))


def test_twins_share_every_random_number_until_a_lever_moves(world):
    a = world.fork("A")
    b = world.fork("B")
    a.step(5)
    b.step(5)
    assert np.array_equal(a.model.pop.satisfaction, b.model.pop.satisfaction)
    np.testing.assert_equal(a.history.series, b.history.series)
    b.apply({"firm.quality": 5.0})
    a.step(10)
    b.step(10)
    assert b.history.series["satisfaction_mean"][-1] < a.history.series["satisfaction_mean"][-1]
    assert b.changed == {"firm.quality": 5.0} and a.changed == {}


def test_every_lever_acts_through_apply_changes(world):
    twin = world.fork()
    for lever in levers.levers_for(twin.model.config):
        value = lever.value(twin.model.config)
        # One notch: a tier threshold must stay between its neighbours.
        target = value + lever.step if value + lever.step <= lever.hi else value - lever.step
        twin.apply(lever.change(target))
        assert lever.value(twin.model.config) == pytest.approx(target), lever.path
    for name in levers.MODULES:
        twin.apply({f"modules.{name}": False})
        assert getattr(twin.model.config.modules, name) is False
    twin.step(2)


def test_a_refused_lever_is_an_error_on_the_page_not_a_crash():
    session = Session(TEACHING / "1_satisfied_defect.yaml", warmup_days=2)
    assert not session.apply({"run.days": 3})
    assert "run.days" in session.error
    assert session.apply({"firm.quality": 8.0}) and session.error == ""
    with pytest.raises(ScenarioError):
        session.target.apply({"run.days": 3})


def test_views_draw_every_chart_with_its_data(world):
    svgs = draw(world)
    names = [re.search(r'data-chart="([^"]+)"', s).group(1) for s in svgs]
    assert names == [
        "satisfaction",
        "loyalty-curve",
        "nps",
        "wom",
        "active",
        "acquisition",
        "points",
        "tiers",
        "network",
    ]
    assert 'data-value-gold="' in svgs[7]
    assert "Ana" in persona_html(world) and "Dev" in persona_html(world)
    both = twins.svg(world, world.fork(), "nps", "NPS")
    assert 'data-last-b-a="0"' in both


def test_every_lesson_opens_and_runs_a_day():
    found = lessons()
    assert len(found) == 6
    for lesson in found:
        assert lesson.do and lesson.watch and lesson.why and lesson.source
        session = Session(lesson.scenario, warmup_days=2)
        session.step(1)
        assert session.a.day == 1 and len(draw(session.a)) == 9


def test_a_competitor_offer_launched_mid_run_starts_tomorrow_and_survives_a_fork(world):
    from simulator.studio.offers import launch

    a = world.fork("A")
    b = world.fork("B")
    change = launch(b.model.config, competitor="BeanCo", depth=0.4, reach=0.8, days=20, today=b.day)
    b.apply(change)
    twin = b.fork("C")
    a.step(10)
    b.step(10)
    twin.step(10)
    started = [label for _, label in b.model.events_log if "trainer_offer_1 starts" in label]
    assert started, b.model.events_log
    # Customers it reaches buy from BeanCo instead: our revenue falls.
    assert sum(b.history.series["revenue"][-10:]) < sum(a.history.series["revenue"][-10:])
    np.testing.assert_equal(b.history.series, twin.history.series)


def test_reset_with_a_seed_reproduces_and_another_seed_differs():
    session = Session(TEACHING / "1_satisfied_defect.yaml", warmup_days=2)
    session.step(3)
    first = list(session.a.history.series["nps"])
    session.fork()
    session.reset(session.seed)
    assert session.b is None and session.a.day == 0
    session.step(3)
    assert session.a.history.series["nps"] == first
    session.reset(7)
    session.step(3)
    assert session.seed == 7 and session.a.history.series["nps"] != first
