"""Deferred revenue for loyalty points under IFRS 15 (contract liability).

A sale's price is split by relative stand-alone selling price between the goods and the
points; the points' share is released as revenue as points are redeemed, in proportion
to redemptions over expected total redemptions, trued up when the estimate changes.

References
----------
IFRS 15 Revenue from Contracts with Customers, paragraphs B39-B43 and illustrative
example 52 (IE267-IE270); KPMG, Revenue: IFRS 15 handbook, examples 10A and 10B.
"""

from __future__ import annotations


def _check_rate(rate: float) -> None:
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"expected_redemption_rate(={rate}) must be in [0, 1]")


def allocate_to_points(
    sales: float, points_issued: float, point_value: float, expected_redemption_rate: float
) -> float:
    """Part of ``sales`` allocated to the points by relative stand-alone selling price."""
    _check_rate(expected_redemption_rate)
    if sales < 0 or points_issued < 0 or point_value < 0:
        raise ValueError("sales, points_issued and point_value must be >= 0")
    sp_points = points_issued * point_value * expected_redemption_rate
    total = sales + sp_points
    return sales * sp_points / total if total > 0 else 0.0


def cumulative_revenue_recognised(
    total_allocated: float, redeemed_to_date: float, expected_total_redemptions: float
) -> float:
    """Revenue recognised to date: allocation x min(1, redeemed / expected)."""
    if expected_total_redemptions <= 0:
        return total_allocated if redeemed_to_date > 0 else 0.0
    return total_allocated * min(1.0, redeemed_to_date / expected_total_redemptions)


def release_for_period(
    total_allocated: float,
    redeemed_to_date: float,
    expected_total_redemptions: float,
    recognised_before: float,
) -> float:
    """Revenue of a period: cumulative recognised now minus recognised before (true-up)."""
    return (
        cumulative_revenue_recognised(total_allocated, redeemed_to_date, expected_total_redemptions)
        - recognised_before
    )


class DeferredRevenueLedger:
    """One pool of points: allocations, redemptions and the releases they earn."""

    def __init__(self) -> None:
        self.allocated = 0.0
        self.points_issued = 0.0
        self.points_redeemed = 0.0
        self.expected_redemption_rate = 1.0
        self.recognised_to_date = 0.0

    def record_sales(
        self,
        sales: float,
        points_issued: float,
        point_value: float,
        expected_redemption_rate: float,
    ) -> float:
        """Allocate part of a sale to the points it earned; returns the allocation."""
        amount = allocate_to_points(sales, points_issued, point_value, expected_redemption_rate)
        self.record_allocation(amount, points_issued)
        return amount

    def record_allocation(self, amount: float, points_issued: float) -> None:
        """Book an allocation directly (e.g. an opening contract liability)."""
        if amount < 0 or points_issued < 0:
            raise ValueError("amount and points_issued must be >= 0")
        self.allocated += amount
        self.points_issued += points_issued

    def record_redemptions(self, points: float) -> None:
        if points < 0:
            raise ValueError(f"points(={points}) must be >= 0")
        self.points_redeemed += points

    def update_expected_redemption_rate(self, rate: float) -> None:
        _check_rate(rate)
        self.expected_redemption_rate = rate

    @property
    def expected_total_redemptions(self) -> float:
        return self.points_issued * self.expected_redemption_rate

    def release(self) -> float:
        """Revenue recognised since the last call, with the true-up."""
        cumulative = min(
            self.allocated,
            cumulative_revenue_recognised(
                self.allocated, self.points_redeemed, self.expected_total_redemptions
            ),
        )
        amount = cumulative - self.recognised_to_date
        self.recognised_to_date = cumulative
        return amount

    @property
    def contract_liability(self) -> float:
        return self.allocated - self.recognised_to_date
