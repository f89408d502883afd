"""The SimPy complaint desk, advanced in lock-step with the model's clock (docs/model.md §5.2)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.market.desk import ComplaintDesk


def _desk(staff=1, level=10.0):
    return ComplaintDesk(staff=staff, mean_service_days=0.1, service_level_days=level)


def test_waits_add_up_with_one_handler():
    desk = _desk()
    rng = np.random.default_rng(0)
    desk.submit(np.array([1, 2, 3]), np.zeros(3), rng, service_times=np.array([0.2, 0.3, 0.1]))
    desk.advance(1.0, rng)
    waits = desk.drain_waits()
    assert waits.tolist() == pytest.approx([0.0, 0.2, 0.5])


def test_complaints_carry_over_days_in_continuous_time():
    desk = _desk()
    rng = np.random.default_rng(0)
    desk.submit(np.array([7]), np.array([0.9]), rng, service_times=np.array([0.5]))
    assert desk.advance(1.0, rng).customer.size == 0
    assert desk.in_service == 1
    res = desk.advance(2.0, rng)
    assert res.customer.tolist() == [7] and res.waited.tolist() == [0.0]


def test_lapsed_complaints_fail_at_the_service_level():
    desk = ComplaintDesk(staff=0, mean_service_days=0.1, service_level_days=1.0)
    rng = np.random.default_rng(0)
    desk.submit(np.array([1, 2]), np.array([0.0, 0.5]), rng)
    res = desk.advance(3.0, rng)
    assert res.customer.tolist() == [1, 2] and not res.resolved.any()
    assert desk.queue_length == 2  # still waiting: no handler


def test_more_staff_shorter_waits_more_resolutions():
    waits, resolved = [], []
    for staff in (1, 2, 3, 4, 5):
        desk = ComplaintDesk(staff=staff, mean_service_days=0.1, service_level_days=1.0)
        arrivals = np.random.default_rng(1)
        n_res = n_all = 0
        all_waits = []
        for day in range(1, 31):
            t = (day - 1) + np.sort(arrivals.random(25))
            desk.submit(np.arange(25) + 100 * day, t, np.random.default_rng(day))
            res = desk.advance(float(day), np.random.default_rng(1000 + day))
            n_res += int(res.resolved.sum())
            n_all += res.customer.size
            all_waits.append(desk.drain_waits())
        waits.append(np.concatenate(all_waits).mean())
        resolved.append(n_res / n_all)
    assert all(a > b for a, b in zip(waits, waits[1:], strict=False)), waits
    assert all(a <= b + 0.02 for a, b in zip(resolved, resolved[1:], strict=False)), resolved
    assert resolved[-1] > resolved[0]


def test_staffing_changes_take_effect():
    desk = _desk(staff=1)
    rng = np.random.default_rng(0)
    desk.set_staff(3)
    desk.submit(np.arange(3), np.zeros(3), rng, service_times=np.full(3, 0.5))
    desk.advance(0.1, rng)
    assert desk.in_service == 3
    desk.set_staff(1)  # retire two handlers as they finish
    desk.submit(np.arange(3, 6), np.full(3, 0.2), rng, service_times=np.full(3, 0.5))
    desk.advance(0.6, rng)
    assert desk.in_service == 1 and desk.queue_length == 2


def test_deterministic_and_monotone_clock():
    def once():
        desk = _desk(staff=2, level=0.5)
        desk.submit(
            np.arange(50), np.sort(np.random.default_rng(3).random(50)), np.random.default_rng(4)
        )
        r = desk.advance(1.0, np.random.default_rng(5))
        return r.customer, r.waited, r.resolved

    for a, b in zip(once(), once(), strict=True):
        assert np.array_equal(a, b)
    desk = _desk()
    desk.advance(2.0, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"until\(=1\) must not be before the desk's clock"):
        desk.advance(1.0, np.random.default_rng(0))
