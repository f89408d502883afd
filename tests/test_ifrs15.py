"""Deferred revenue for points: the IFRS 15 loyalty example (IE267-IE270; KPMG 10A/10B)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.ifrs15 import (
    DeferredRevenueLedger,
    allocate_to_points,
    cumulative_revenue_recognised,
    release_for_period,
)


def test_allocation_by_relative_standalone_selling_price():
    # 100,000 of sales earn 10,000 points worth 1 each, 97% expected to be redeemed.
    assert allocate_to_points(100_000, 10_000, 1.0, 0.97) == pytest.approx(
        100_000 * 9_700 / 109_700
    )
    assert round(allocate_to_points(100_000, 10_000, 1.0, 0.97)) == 8_842


def test_releases_with_redemptions_and_true_ups():
    # From a 9,000 contract liability (the handbook rounds the ratio to 9%).
    year2 = release_for_period(9_000, 4_500, 9_700, 0)
    assert round(year2) == 4_175
    assert round(release_for_period(9_000, 8_500, 9_900, year2)) == 3_552
    assert round(release_for_period(9_000, 8_500, 9_200, year2)) == 4_140
    assert cumulative_revenue_recognised(9_000, 20_000, 9_700) == 9_000


def test_ledger_path_reproduces_the_example():
    led = DeferredRevenueLedger()
    led.record_allocation(9_000, 10_000)
    led.update_expected_redemption_rate(0.97)
    led.record_redemptions(4_500)
    assert round(led.release()) == 4_175
    led.record_redemptions(4_000)
    led.update_expected_redemption_rate(0.99)
    assert round(led.release()) == 3_552
    assert round(led.contract_liability) == 9_000 - 4_175 - 3_552


def test_validation_messages():
    with pytest.raises(ValueError, match=r"expected_redemption_rate\(=1.3\) must be in \[0, 1\]"):
        allocate_to_points(100, 10, 1, 1.3)
    with pytest.raises(ValueError, match=r"points\(=-1\) must be >= 0"):
        DeferredRevenueLedger().record_redemptions(-1)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 1e5), st.integers(0, 5_000), st.integers(0, 5_000), st.floats(0.05, 1.0)
        ),
        max_size=30,
    )
)
def test_ledger_properties(steps):
    led = DeferredRevenueLedger()
    released = 0.0
    for sales, issued, redeemed, rate in steps:
        led.update_expected_redemption_rate(rate)
        led.record_sales(sales, issued, 0.01, rate)
        led.record_redemptions(min(redeemed, led.points_issued - led.points_redeemed))
        released += led.release()
        assert led.recognised_to_date <= led.allocated + 1e-6
        assert led.contract_liability >= -1e-6
    assert released == pytest.approx(led.recognised_to_date, rel=1e-9, abs=1e-9)
