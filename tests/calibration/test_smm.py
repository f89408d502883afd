"""The moment search for reactivation: resumable (Optuna in SQLite), common random
numbers, the maximum-likelihood point as its first trial; entry measured from the log."""

from __future__ import annotations

import numpy as np
import optuna
import pytest

from simulator.calibration import smm
from simulator.calibration.fit import fit_base
from simulator.calibration.moments import calibration_moments
from simulator.calibration.scenario import DEFAULT_BASE, calibrated_mapping
from simulator.calibration.simulate import replay_calibration
from simulator.config.loading import load_yaml
from tests.calibration.conftest import START, synthetic_log

END_DAY = 89


@pytest.fixture(scope="module")
def problem():
    frame = synthetic_log(200, END_DAY + 1, seed=9)
    customer = frame["customer_id"].to_numpy() - 1000
    # Sequential ids by first purchase, as the log reader gives them.
    day = np.array([(np.datetime64(d) - np.datetime64(START)).astype(int) for d in frame["date"]])
    first = np.full(customer.max() + 1, 10**6)
    np.minimum.at(first, customer, day)
    order = np.lexsort((np.arange(first.size), first))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    customer = rank[customer]
    first_day = first[order]
    fit = fit_base(customer, day, None, END_DAY, segments=1, source="<test>")
    mapping = calibrated_mapping(
        load_yaml(DEFAULT_BASE), fit, name="t", customers_file="c.parquet", start=START
    )
    observed = calibration_moments(customer, day, first_day, END_DAY)
    return mapping, observed, first_day


class Counting:
    """The engine's replay, counted; it can be told to interrupt (a Ctrl-C) on call k."""

    def __init__(self, first_day, interrupt_at: int | None = None) -> None:
        self.first_day = first_day
        self.calls = 0
        self.interrupt_at = interrupt_at

    def __call__(self, mapping, seeds):
        self.calls += 1
        if self.calls == self.interrupt_at:
            raise KeyboardInterrupt
        return replay_calibration(mapping, self.first_day, END_DAY, seeds)


def _fit(problem, storage, budget, replay):
    mapping, observed, first_day = problem
    return smm.fit_smm(
        mapping,
        observed,
        first_day,
        END_DAY,
        [1, 2],
        budget=budget,
        storage=storage,
        replay=replay,
    )


def _trials(storage, name):
    study = optuna.load_study(study_name=name, storage=storage)
    return [(t.number, t.params, t.value) for t in study.trials if t.value is not None]


def test_a_second_budget_continues_the_study(tmp_path, problem):
    storage = f"sqlite:///{tmp_path / 'calibration.db'}"
    replay = Counting(problem[2])
    first = _fit(problem, storage, 3, replay)
    # One replay for the weights at the likelihood point (which is trial 0, not replayed
    # again), then one per other trial.
    assert (first.trials, first.new_trials, replay.calls) == (3, 3, 3)
    before = _trials(storage, first.study)
    assert before[0][1] == {"reactivation_hazard": 0.0, "dropout_b_scale": 1.0}
    assert before[0][2] == first.distance_at_mle
    replay.calls = 0
    second = _fit(problem, storage, 5, replay)
    assert (second.trials, second.new_trials, replay.calls) == (5, 2, 3)
    after = _trials(storage, second.study)
    assert after[:3] == before and [t[0] for t in after] == [0, 1, 2, 3, 4]
    assert second.distance == min(t[2] for t in after) <= first.distance
    # The same budget again runs nothing new.
    replay.calls = 0
    assert _fit(problem, storage, 5, replay).new_trials == 0 and replay.calls == 1


def test_an_interrupted_search_resumes_where_it_stopped(tmp_path, problem):
    storage = f"sqlite:///{tmp_path / 'calibration.db'}"
    with pytest.raises(KeyboardInterrupt):
        _fit(problem, storage, 4, Counting(problem[2], interrupt_at=3))  # in trial 2
    name = optuna.get_all_study_summaries(storage)[0].study_name
    done = _trials(storage, name)
    assert [t[0] for t in done] == [0, 1]
    replay = Counting(problem[2])
    resumed = _fit(problem, storage, 4, replay)
    assert (resumed.trials, resumed.new_trials) == (4, 2)
    assert _trials(storage, name)[:2] == done


def test_common_random_numbers_make_a_trial_repeatable(problem):
    mapping, observed, first_day = problem
    m = smm.apply(mapping, 0.003, 0.8)
    a, b = (replay_calibration(m, first_day, END_DAY, [5]) for _ in range(2))
    assert np.array_equal(a[0].customer, b[0].customer) and np.array_equal(a[0].day, b[0].day)
    assert m["market"]["defection"]["reactivation_hazard"] == 0.003
    seg, base_seg = m["market"]["segments"][0], mapping["market"]["segments"][0]
    assert seg["dropout"]["b"] == pytest.approx(0.8 * base_seg["dropout"]["b"], rel=1e-5)
    assert "reactivation_hazard" not in mapping["market"].get("defection", {})


def test_entry_rate_counts_first_purchases_of_the_last_13_weeks():
    first = np.array([0, 3, 10, 200, 250, 299, 300])
    assert smm.entry_rate(first, 299) == pytest.approx(2 / 91)  # days 209-299
    assert smm.entry_rate(np.array([0, 5, 80]), 299) == 0.0  # a closed cohort (CDNOW)


def test_a_large_log_is_searched_on_a_systematic_sample():
    first = np.repeat(np.arange(12_000) // 100, 1)
    customer = np.concatenate([np.arange(12_000), np.arange(0, 12_000, 2)])
    day = np.concatenate([first, first[::2] + 30])
    c, d, f = smm.subsample(customer, day, first, limit=5_000)
    # Every third customer (0, 3, 6...), renumbered 0, 1, 2..., their purchases kept.
    assert f.size == 4_000 and np.array_equal(f, first[::3])
    assert np.bincount(c).tolist() == [2 if k % 2 == 0 else 1 for k in range(0, 12_000, 3)]
    assert np.array_equal(d[c == 1], [3 // 100])
    same = smm.subsample(customer, day, first, limit=20_000)
    assert all(a is b for a, b in zip(same, (customer, day, first), strict=True))
