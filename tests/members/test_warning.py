"""The churn early warning's scoring (docs/model.md §11.3)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.members import reasons as rs
from simulator.members import warning as wr


def _hist(scores: np.ndarray) -> np.ndarray:
    return np.bincount(wr._bin(scores), minlength=wr.BINS).astype(float)


def test_auc_is_one_for_perfect_separation_and_half_for_none():
    assert wr.auc(_hist(np.full(10, 5.0)), _hist(np.full(10, 1.0))) == 1.0
    assert wr.auc(_hist(np.full(10, 1.0)), _hist(np.full(10, 5.0))) == 0.0
    same = np.linspace(0, 5, 50)
    assert wr.auc(_hist(same), _hist(same)) == pytest.approx(0.5)


def test_auc_matches_the_mann_whitney_statistic():
    rng = np.random.default_rng(0)
    pos, neg = rng.normal(3, 1, 400).clip(0, 10), rng.normal(2.5, 1, 600).clip(0, 10)
    pos, neg = np.round(pos, 2), np.round(neg, 2)
    pairs = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
    assert wr.auc(_hist(pos), _hist(neg)) == pytest.approx(pairs, abs=1e-9)


def test_precision_and_recall_at_a_threshold():
    pos = _hist(np.array([1.0, 3.0, 3.0, 4.0]))
    neg = _hist(np.array([0.5, 1.0, 3.5, 0.2, 0.1, 0.0]))
    precision, recall = wr.precision_recall(pos, neg)
    b = int(wr._bin(np.array([3.0]))[0])
    assert recall[b] == pytest.approx(3 / 4)
    assert precision[b] == pytest.approx(3 / 4)
    assert recall[0] == 1.0


def test_scorecard_counts_defections_within_the_horizon_only():
    card = wr.Scorecard()
    rows = np.arange(4, dtype=np.int32)
    card.open(10, rows, np.array([3.0, 3.0, 0.0, 0.0]), np.zeros(4))
    lost = np.array([20, 200, 15, -32000], dtype=np.int16)  # in, after, in, never
    card.close_due(50, 90, lost)
    assert card.pending  # not due yet
    card.close_due(100, 90, lost)
    assert card.pos.sum() == 2 and card.neg.sum() == 2
    assert wr.auc(card.pos, card.neg) == pytest.approx(0.5)


def test_scores_rise_with_each_observable_signal():
    assert wr.recency_score(np.array([30.0]), np.array([0.1]))[0] == pytest.approx(3.0)
    drop = wr.frequency_drop_score(np.array([0.05, 0.2]), np.array([0.1, 0.1]))
    assert list(drop) == [0.5, 0.0]
    assert wr.complaint_score(np.array([True]), np.array([True]))[0] == 3.0
    survey = wr.survey_score(np.array([2, 9, -1]), np.array([True, True, True]))
    assert survey[0] > survey[1] > 0 and survey[2] == 0.0


def test_reasons_are_drawn_in_proportion_to_the_hazard_parts():
    n = 200_000
    u = np.random.default_rng(0).random(n)
    floor, sat, offer = np.full(n, 1.0), np.full(n, 2.0), np.full(n, 1.0)
    got = rs.draw_reasons(floor, sat, offer, np.zeros(n, bool), u)
    shares = np.bincount(got, minlength=5) / n
    assert shares[rs.MOVED_AWAY] == pytest.approx(0.25, abs=0.01)
    assert shares[rs.DISSATISFACTION] == pytest.approx(0.5, abs=0.01)
    assert shares[rs.COMPETITOR] == pytest.approx(0.25, abs=0.01)
    failed = rs.draw_reasons(floor, sat, 0 * offer, np.ones(n, bool), u)
    assert not (failed == rs.DISSATISFACTION).any()
    assert not (failed == rs.COMPETITOR).any()


def test_the_registry_declares_every_curve_threshold():
    from simulator.metrics.registry import METRICS

    for x in wr.CURVE:
        assert f"warning_precision_at_{wr.curve_key(x)}" in METRICS
        assert f"warning_recall_at_{wr.curve_key(x)}" in METRICS
