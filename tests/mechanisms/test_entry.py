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


# New customers of the firm at a fixed rate (market.entry.mode: new_customers), as
# `loyalty-sim calibrate` writes for a log whose customers keep arriving.
NEW_PER_DAY = 20.0


def _newcomers(warmup: int = 0) -> dict:
    sc = small(load_yaml(COFFEE), customers=2000, days=60, warmup=warmup)
    sc["schedule"] = []
    entry = {"mode": "new_customers", "customers_per_day": NEW_PER_DAY}
    sc["market"] = {**sc["market"], "entry": entry}
    return sc


def _entrants(model) -> np.ndarray:
    return np.arange(model.ctx.constants.reserve[0], model.ctx.entry_cursor)


def test_new_customers_arrive_at_their_rate_and_buy_at_the_firm_on_arrival():
    model, _ = build_model(_newcomers(), seed=4, transactions=True)
    p = model.pop
    for _ in range(60):
        model.step()
    rows = _entrants(model)
    # 60 days at 20 a day: 1,200 expected, sd 35.
    assert model.totals.entered == rows.size
    assert rows.size == pytest.approx(60 * NEW_PER_DAY, rel=0.1)
    days = p.entry_day[rows].astype(np.int64)
    assert np.all(np.diff(days) >= 0) and days.min() >= 1 and days.max() <= 60
    assert (p.first_focal_day[rows] == days).all() and (p.acquired_day[rows] == days).all()
    assert (p.purchases[rows] >= 1).all()
    # Exactly one purchase on the entry day, at the focal firm: the trial, and no other
    # occasion that day.
    tx = model.transactions()
    tx = tx[tx["customer_id"] >= rows[0]]
    on_entry = tx[tx["day"].to_numpy() == p.entry_day[tx["customer_id"].to_numpy()]]
    assert len(on_entry) == rows.size and on_entry["customer_id"].is_unique
    assert (on_entry["firm"] == model.ctx.focal.name).all()
    # Not entered yet: not alive, not in the retention cohort, never a customer.
    waiting = np.arange(model.ctx.entry_cursor, p.n)
    assert not p.alive[waiting].any() and not p.ever_customer[waiting].any()
    assert not model.ctx.log.cohort_start[rows[0] :].any()


def test_new_customers_are_the_same_for_every_strategy_and_every_run():
    sc = _newcomers(warmup=20)
    seen = []
    for strategy in ("status_quo", "premium", "loyalty_card", "status_quo"):
        model, _ = build_model(sc, strategy=strategy, seed=9)
        for _ in range(40):
            model.step()
        rows = _entrants(model)
        p = model.pop
        seen.append(
            (rows, p.entry_day[rows], p.segment[rows], p.rate[rows], p.dropout[rows], p.match[rows])
        )
    for other in seen[1:]:
        for a, b in zip(seen[0], other, strict=True):
            np.testing.assert_array_equal(a, b)


def test_the_reserve_and_the_memory_check_count_the_same_rows():
    from simulator.config.loading import resolve
    from simulator.experiment.memory import people_rows

    sc = _newcomers(warmup=30)
    model, _ = build_model(sc, seed=4)
    # 1.5 x 20 a day x 90 days, plus 50: the memory check sizes what the engine holds.
    assert model.pop.n == 2000 + 2700 + 50
    assert people_rows(resolve(sc, source="<test>")) == model.pop.n
