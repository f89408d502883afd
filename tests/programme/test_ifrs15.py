"""Deferred revenue for points: IFRS 15 Example 52 as worked in KPMG's handbook (10A/10B).

KPMG IFRG (2019), *Revenue - IFRS 15 handbook*, Examples 10A and 10B, after IFRS 15
IE267-IE270: 100,000 of sales earn 10,000 points worth 1 each, 97% expected to be
redeemed; the handbook rounds the allocation ratio to 9% and carries a 9,000 contract
liability into years 2 and 3, so the release figures start from 9,000.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.programme.ifrs15 import (
    DeferredRevenueLedger,
    allocate_to_points,
    cumulative_revenue_recognised,
    release_for_period,
)

# ------------------------------------------------------------------ the worked example


def test_allocation_by_relative_standalone_selling_price():
    allocated = allocate_to_points(100_000, 10_000, 1.0, 0.97)
    assert allocated == pytest.approx(100_000 * 9_700 / 109_700, rel=1e-12)
    assert round(allocated, 1) == 8_842.3
    # The handbook's 9% ratio is this one, rounded.
    assert round(allocated / 100_000, 2) == 0.09


def test_allocation_edge_cases():
    # Points given with nothing paid (sign-up bonus), and no points: nothing to allocate.
    assert allocate_to_points(0, 500, 1.0, 0.9) == 0.0
    assert allocate_to_points(100, 0, 1.0, 0.9) == 0.0
    assert allocate_to_points(0, 0, 1.0, 0.9) == 0.0
    # No redemption expected: the points have no stand-alone selling price.
    assert allocate_to_points(100, 50, 1.0, 0.0) == 0.0


def test_year_2_release():
    year2 = release_for_period(9_000, 4_500, 9_700, 0)
    assert year2 == pytest.approx(9_000 * 4_500 / 9_700, rel=1e-12)
    assert round(year2) == 4_175
    assert cumulative_revenue_recognised(9_000, 4_500, 9_700) == year2


@pytest.mark.parametrize(
    ("revised_expectation", "year3_revenue"),
    [
        (9_900, 3_552),  # Example 10A: more redemptions expected, slower release
        (9_200, 4_140),  # Example 10B: fewer redemptions expected, faster release
    ],
)
def test_year_3_true_up(revised_expectation, year3_revenue):
    # The handbook subtracts the year-2 revenue rounded to the unit.
    assert round(release_for_period(9_000, 8_500, revised_expectation, 4_175)) == year3_revenue
    year2 = release_for_period(9_000, 4_500, 9_700, 0)
    assert round(release_for_period(9_000, 8_500, revised_expectation, year2)) == year3_revenue


def test_recognition_is_capped_at_the_allocation():
    assert cumulative_revenue_recognised(9_000, 20_000, 9_700) == 9_000
    assert cumulative_revenue_recognised(9_000, 0, 9_700) == 0.0
    # Nothing expected to be redeemed: the rights are remote, breakage is all released.
    assert cumulative_revenue_recognised(9_000, 0, 0) == 9_000


def test_a_higher_estimate_reverses_revenue():
    year2 = release_for_period(9_000, 4_500, 9_700, 0)
    assert release_for_period(9_000, 4_500, 10_000, year2) < 0


# ------------------------------------------------------------------------- the ledger


@pytest.mark.parametrize(
    ("rate_year3", "year3_revenue", "liability_end"),
    [
        (0.99, 3_552, 9_000 - 4_175 - 3_552),  # Example 10A: 9,900 expected
        (0.92, 4_140, 9_000 - 4_175 - 4_140),  # Example 10B: 9,200 expected
    ],
)
def test_ledger_reproduces_the_example(rate_year3, year3_revenue, liability_end):
    ledger = DeferredRevenueLedger(expected_redemption_rate=0.97)
    ledger.record_allocation(9_000, 10_000)  # the year-1 contract liability
    assert ledger.expected_total_redemptions == pytest.approx(9_700)
    assert ledger.contract_liability == 9_000

    ledger.record_redemptions(4_500)
    assert round(ledger.release()) == 4_175
    assert round(ledger.contract_liability) == 9_000 - 4_175

    ledger.record_redemptions(4_000)
    ledger.update_expected_redemption_rate(rate_year3)
    assert round(ledger.release()) == year3_revenue
    assert round(ledger.recognised_to_date) == 4_175 + year3_revenue
    assert round(ledger.contract_liability) == liability_end
    # Nothing new happened: nothing more to release.
    assert ledger.release() == 0.0


def test_ledger_from_sales():
    ledger = DeferredRevenueLedger()
    allocated = ledger.record_sales(100_000, 10_000, 1.0, 0.97)
    assert allocated == pytest.approx(100_000 * 9_700 / 109_700, rel=1e-12)
    assert ledger.expected_redemption_rate == 0.97
    assert ledger.contract_liability == allocated
    assert ledger.release() == 0.0  # no redemptions yet
    ledger.record_redemptions(4_500)
    assert ledger.release() == pytest.approx(allocated * 4_500 / 9_700, rel=1e-12)


def test_validation_messages():
    with pytest.raises(ValueError, match=r"expected_redemption_rate\(=1\.3\) must be in \[0, 1\]"):
        allocate_to_points(100, 10, 1, 1.3)
    with pytest.raises(ValueError, match=r"sales\(=-5\) must be finite and >= 0"):
        allocate_to_points(-5, 10, 1, 0.9)
    with pytest.raises(ValueError, match=r"point_value\(=nan\) must be finite"):
        allocate_to_points(5, 10, math.nan, 0.9)
    with pytest.raises(ValueError, match=r"expected_total_redemptions\(=-1\)"):
        cumulative_revenue_recognised(9_000, 4_500, -1)
    with pytest.raises(ValueError, match=r"recognised_before\(=-1\)"):
        release_for_period(9_000, 4_500, 9_700, -1)
    with pytest.raises(ValueError, match=r"points\(=-1\) must be finite and >= 0"):
        DeferredRevenueLedger().record_redemptions(-1)
    with pytest.raises(ValueError, match=r"rate\(=-0\.1\) must be in \[0, 1\]"):
        DeferredRevenueLedger().update_expected_redemption_rate(-0.1)
    with pytest.raises(ValueError, match=r"rate\(=nan\) must be in \[0, 1\]"):
        DeferredRevenueLedger(expected_redemption_rate=math.nan)
    with pytest.raises(ValueError, match=r"amount\(=inf\) must be finite"):
        DeferredRevenueLedger().record_allocation(math.inf, 10)


def test_a_rejected_input_leaves_the_ledger_unchanged():
    ledger = DeferredRevenueLedger(expected_redemption_rate=0.9)
    ledger.record_sales(1_000, 100, 1.0, 0.9)
    before = repr(ledger)
    with pytest.raises(ValueError):
        ledger.record_sales(1_000, 100, 1.0, 1.5)
    with pytest.raises(ValueError):
        ledger.record_allocation(10, -1)
    assert repr(ledger) == before


# ----------------------------------------------------------- accounting identities


_sale = st.tuples(
    st.just("sale"),
    st.floats(0, 1e6),  # sales
    st.integers(0, 50_000),  # points issued
    st.sampled_from([0.01, 0.1, 1.0]),  # point value
    st.floats(0, 1),  # redemption rate
)
_redeem = st.tuples(st.just("redeem"), st.integers(0, 50_000))
_rate = st.tuples(st.just("rate"), st.floats(0, 1))
_release = st.tuples(st.just("release"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_sale, _redeem, _rate, _release), max_size=60))
def test_ledger_identities(events):
    ledger = DeferredRevenueLedger()
    releases = []
    for kind, *args in events:
        if kind == "sale":
            ledger.record_sales(*args)
        elif kind == "redeem":
            # Redemptions may outrun expectations, never the points issued.
            ledger.record_redemptions(min(args[0], ledger.points_issued - ledger.points_redeemed))
        elif kind == "rate":
            ledger.update_expected_redemption_rate(args[0])
        else:
            releases.append(ledger.release())
        assert 0.0 <= ledger.recognised_to_date <= ledger.allocated_to_date
        assert ledger.contract_liability >= 0.0
    releases.append(ledger.release())
    # The releases telescope to the cumulative figure; rounding can only bite relative
    # to the largest amounts that passed through, hence the allocation-scaled floor.
    assert math.fsum(releases) == pytest.approx(
        ledger.recognised_to_date, rel=1e-9, abs=1e-9 * ledger.allocated_to_date
    )
    # Once every expected redemption has happened, the liability is fully released.
    if ledger.points_redeemed >= ledger.expected_total_redemptions:
        assert ledger.contract_liability == 0.0
