"""The open market (docs/model.md §3.7): entry replaces the baseline's exits, grows the
category at a stated rate, or is off; entrants come from their own substream."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.config.loading import load_yaml
from simulator.experiment.run import build_model

from ..conftest import COFFEE, small


def _coffee(**entry) -> dict:
    sc = small(load_yaml(COFFEE), customers=3000, days=365, warmup=200)
    sc["schedule"] = []
    sc["market"] = {**sc["market"], "entry": entry} if entry else sc["market"]
    return sc


def _year(**entry) -> tuple[int, int, dict]:
    """People in the category when the window opens and a year later, and the totals."""
    model, _ = build_model(_coffee(**entry), seed=4)
    start = int(model.pop.alive.sum())
    for _ in range(365):
        model.step()
    t = model.totals
    return start, int(model.pop.alive.sum()), {"entered": t.entered, "exits": t.exits}


def test_entry_keeps_the_baseline_market_about_its_size():
    start, end, t = _year()
    # About 23% a year leave the category (docs/model.md §8): without entry a fifth of
    # the market would be gone by the end of the year.
    assert t["exits"] > 0.15 * start
    assert abs(end / start - 1) < 0.05
    # The window's rate is the warm-up's last 90 days of exits (about 120 of them).
    assert t["entered"] == pytest.approx(t["exits"], rel=0.2)


def test_a_closed_market_shrinks_and_a_growing_one_grows():
    start, end, t = _year(mode="none")
    assert t["entered"] == 0 and end < 0.9 * start
    start, end, _ = _year(growth_rate=0.2)
    # +20% of run.customers a year, on top of replacing the exits.
    assert 1.1 < end / start < 1.3


def test_entrants_are_prospects_who_know_nothing_of_the_focal_firm():
    model, _ = build_model(_coffee(), seed=4)
    p = model.pop
    first = model.ctx.entry_cursor
    for _ in range(30):
        model.step()
    rows = np.arange(first, model.ctx.entry_cursor)
    assert rows.size > 0
    fresh = rows[p.purchases[rows] == 0]
    assert (p.relationship[fresh] == 0).all() and not p.member[fresh].any()


def test_an_exhausted_reserve_stops_entry_with_one_note():
    model, _ = build_model(_coffee(), seed=4)
    last = model.ctx.constants.reserve[1]
    model.ctx.entry_cursor = last - 3  # as if the run had outgrown its plan
    for _ in range(20):
        model.step()
    notes = [label for _, label in model.events_log if "reserve" in label]
    assert notes == ["category entry stops: its reserve is used up"]
    assert model.ctx.entry_cursor == last
