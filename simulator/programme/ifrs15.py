"""Deferred revenue for loyalty points under IFRS 15 (the contract liability).

docs/model.md §4.4: each sale's price is split by relative stand-alone selling price
between the goods and the points it earns, the points' stand-alone price reflecting the
share of points expected to be redeemed; the points' share is deferred as a contract
liability and released as revenue in proportion to redemptions over expected total
redemptions, with a cumulative catch-up (a "true-up") whenever breakage is re-estimated.

The arithmetic lives in three pure functions; :class:`DeferredRevenueLedger` is the
state the model keeps (one pool of points). Money is in the scenario's currency, points
are counts (floats accepted), rates are shares in [0, 1].

References
----------
.. [1] IFRS Foundation. IFRS 15 *Revenue from Contracts with Customers*, paragraphs
   74-80 (allocation on a relative stand-alone selling price basis), B39-B43 (customer
   options for additional goods or services), B46 (breakage) and 88-89 (changes in
   estimates); illustrative Example 52, *Customer loyalty programme*, IE267-IE270.
.. [2] KPMG IFRG (2019). *Revenue - IFRS 15 handbook*, Examples 10A and 10B (customer
   loyalty points programme: increase and decrease in estimated redemptions).
"""

from __future__ import annotations

import math

__all__ = [
    "DeferredRevenueLedger",
    "allocate_to_points",
    "cumulative_revenue_recognised",
    "release_for_period",
]


def _check_amount(name: str, value: float) -> float:
    # ``not value >= 0`` also rejects NaN, which would otherwise slip through every
    # comparison and poison the ledger silently from that day on.
    if not (value >= 0 and math.isfinite(value)):
        raise ValueError(
            f"{name}(={value}) must be finite and >= 0; pass a non-negative amount "
            "(reversals are booked by the ledger's true-up, not by negative inputs)"
        )
    return float(value)


def _check_rate(name: str, value: float) -> float:
    if not 0.0 <= value <= 1.0:  # NaN fails this too
        raise ValueError(
            f"{name}(={value}) must be in [0, 1]; pass a share of points, e.g. "
            "1 - expected breakage (0.97, not 97)"
        )
    return float(value)


# ----------------------------------------------------------------------- pure functions


def allocate_to_points(
    sales: float,
    points_issued: float,
    point_value: float,
    expected_redemption_rate: float,
) -> float:
    """Part of a sale's price allocated to the points it earns.

    The points' stand-alone selling price is what they are expected to be worth when
    used, ``points_issued * point_value * expected_redemption_rate``; the price is split
    between the goods (stand-alone price ``sales``) and the points in proportion to the
    two stand-alone prices.

    Parameters
    ----------
    sales
        Price paid for the goods, which is also their stand-alone selling price
        (the customer would pay it without points).
    points_issued
        Points earned with the sale.
    point_value
        Value of one point when redeemed (currency per point).
    expected_redemption_rate
        Share of the points expected to be redeemed, ``1 - expected breakage``.

    Returns
    -------
    float
        ``sales * sp_points / (sales + sp_points)``; 0 when both stand-alone prices are 0.

    Raises
    ------
    ValueError
        If an amount is negative or not finite, or the rate is outside [0, 1].

    References
    ----------
    IFRS 15 paragraphs 74-80 and B39-B43; Example 52 (IE267-IE268). KPMG handbook,
    Example 10A: 100,000 of sales earning 10,000 points worth 1, 97% expected to be
    redeemed, allocate ``100,000 * 9,700 / 109,700`` (8,842; the handbook rounds the
    ratio to 9% and books 9,000).

    Examples
    --------
    >>> round(allocate_to_points(100_000, 10_000, 1.0, 0.97), 1)
    8842.3
    """
    sales = _check_amount("sales", sales)
    points_issued = _check_amount("points_issued", points_issued)
    point_value = _check_amount("point_value", point_value)
    rate = _check_rate("expected_redemption_rate", expected_redemption_rate)
    sp_points = points_issued * point_value * rate
    total = sales + sp_points
    # Points given away with nothing paid (a sign-up bonus) carry no price to allocate.
    return sales * sp_points / total if total > 0 else 0.0


def cumulative_revenue_recognised(
    total_allocated: float,
    points_redeemed_to_date: float,
    expected_total_redemptions: float,
) -> float:
    """Revenue recognised to date on the points: allocation times the share redeemed.

    Parameters
    ----------
    total_allocated
        Price allocated to the points (the contract liability before any release).
    points_redeemed_to_date
        Points redeemed so far (expired points are not redemptions).
    expected_total_redemptions
        Points expected to be redeemed in total, those already redeemed included,
        on today's estimate.

    Returns
    -------
    float
        ``total_allocated * min(1, redeemed / expected)``. The cap holds when more
        points are redeemed than were expected: recognition can never exceed the
        allocation. When no redemption is expected at all (``expected == 0``), the whole
        allocation is recognised: the customers' remaining rights are then remote, the
        point at which IFRS 15 B46 releases the breakage.

    Raises
    ------
    ValueError
        If an input is negative or not finite.

    References
    ----------
    IFRS 15 paragraph B46; Example 52 (IE269-IE270). KPMG handbook, Example 10A.

    Examples
    --------
    >>> round(cumulative_revenue_recognised(9_000, 4_500, 9_700))
    4175
    """
    total_allocated = _check_amount("total_allocated", total_allocated)
    redeemed = _check_amount("points_redeemed_to_date", points_redeemed_to_date)
    expected = _check_amount("expected_total_redemptions", expected_total_redemptions)
    if expected == 0.0:
        return total_allocated
    # min() keeps the result <= total_allocated exactly in floating point, so the
    # contract liability computed from it is never negative, not even by rounding.
    return total_allocated * min(1.0, redeemed / expected)


def release_for_period(
    total_allocated: float,
    redeemed_to_date: float,
    expected_total_redemptions: float,
    recognised_before: float,
) -> float:
    """Revenue of a period: cumulative recognised now minus recognised before.

    Computing the period's revenue as a difference of cumulative figures is what makes
    a change of estimate a cumulative catch-up: the revision applies to every point
    redeemed so far, and the whole difference lands in the period of the revision.

    Parameters
    ----------
    total_allocated
        Price allocated to the points.
    redeemed_to_date
        Points redeemed so far, this period's included.
    expected_total_redemptions
        Points expected to be redeemed in total, on the estimate at the period's end.
    recognised_before
        Revenue recognised on these points in earlier periods.

    Returns
    -------
    float
        The period's revenue. It is negative (a reversal) when the expected
        redemptions rise enough that less revenue should have been recognised so far.

    Raises
    ------
    ValueError
        If an input is negative or not finite.

    References
    ----------
    IFRS 15 paragraphs 88-89 and B46; Example 52 (IE270). KPMG handbook, Examples 10A
    (expectation raised from 9,700 to 9,900: ``9,000 * 8,500 / 9,900 - 4,175 = 3,552``)
    and 10B (lowered to 9,200: ``9,000 * 8,500 / 9,200 - 4,175 = 4,140``).

    Examples
    --------
    >>> round(release_for_period(9_000, 8_500, 9_900, 4_175))
    3552
    """
    recognised_before = _check_amount("recognised_before", recognised_before)
    cumulative = cumulative_revenue_recognised(
        total_allocated, redeemed_to_date, expected_total_redemptions
    )
    return cumulative - recognised_before


# -------------------------------------------------------------------------- the ledger


class DeferredRevenueLedger:
    """The contract liability of one pool of points, kept day by day.

    All points ever issued form one pool with one expected redemption rate, re-estimated
    by the caller (from observed breakage) and applied to every point issued so far:
    ``expected_total_redemptions = points_issued_to_date * rate``. Each
    :meth:`release` recognises ``cumulative_revenue_recognised(...) -
    recognised_to_date``, so a revised rate trues up all earlier releases at once.

    Parameters
    ----------
    expected_redemption_rate
        Opening estimate of the share of points that will be redeemed. The default, 1
        (no breakage), is the prudent one: it releases revenue no faster than
        redemptions alone justify until breakage has been observed.

    Notes
    -----
    Pooling averages the allocation over all points, as if each redemption drew an
    average point. When later sales carry less price per expected point than earlier
    ones (a price cut, a bonus campaign), the average falls and a release can be
    negative even with an unchanged rate; the liability stays within
    ``[0, allocated_to_date]`` regardless, and the releases always sum to
    ``recognised_to_date``.

    References
    ----------
    IFRS 15 paragraphs 74-80, 88-89, B39-B43 and B46; Example 52 (IE267-IE270).
    KPMG IFRG (2019), *Revenue - IFRS 15 handbook*, Examples 10A and 10B.

    Examples
    --------
    KPMG's Example 10A, from the 9,000 allocated to 10,000 points in year 1:

    >>> ledger = DeferredRevenueLedger(expected_redemption_rate=0.97)
    >>> ledger.record_allocation(9_000, 10_000)
    >>> ledger.record_redemptions(4_500)
    >>> round(ledger.release())
    4175
    >>> ledger.record_redemptions(4_000)
    >>> ledger.update_expected_redemption_rate(0.99)
    >>> round(ledger.release()), round(ledger.contract_liability)
    (3552, 1273)
    """

    __slots__ = ("_allocated", "_issued", "_rate", "_recognised", "_redeemed")

    def __init__(self, *, expected_redemption_rate: float = 1.0) -> None:
        self._rate = _check_rate("expected_redemption_rate", expected_redemption_rate)
        self._allocated = 0.0
        self._issued = 0.0
        self._redeemed = 0.0
        self._recognised = 0.0

    def __repr__(self) -> str:
        return (
            f"DeferredRevenueLedger(allocated_to_date={self._allocated:g}, "
            f"recognised_to_date={self._recognised:g}, points_issued={self._issued:g}, "
            f"points_redeemed={self._redeemed:g}, "
            f"expected_redemption_rate={self._rate:g})"
        )

    def state(self) -> dict[str, float]:
        """The ledger as plain data (snapshots)."""
        return {name: getattr(self, name) for name in self.__slots__}

    @classmethod
    def from_state(cls, state: dict[str, float]) -> DeferredRevenueLedger:
        """The inverse of :meth:`state`."""
        ledger = cls()
        for name, value in state.items():
            setattr(ledger, name, value)
        return ledger

    # ------------------------------------------------------------------ recording

    def record_sales(
        self,
        sales: float,
        points_issued: float,
        point_value: float,
        expected_redemption_rate: float,
    ) -> float:
        """Allocate part of the day's sales to the points they earned.

        Parameters
        ----------
        sales, points_issued, point_value, expected_redemption_rate
            As in :func:`allocate_to_points`. The rate also becomes the pool's current
            estimate: one pool has one rate, and pricing the new points at one rate
            while expecting redemptions at another would be inconsistent.

        Returns
        -------
        float
            The amount allocated to the points (added to the contract liability).
        """
        amount = allocate_to_points(sales, points_issued, point_value, expected_redemption_rate)
        self._rate = float(expected_redemption_rate)
        self.record_allocation(amount, points_issued)
        return amount

    def record_allocation(self, amount: float, points_issued: float) -> None:
        """Book an allocation to points directly, e.g. an opening contract liability.

        Parameters
        ----------
        amount
            Price already allocated to the points.
        points_issued
            The points that allocation belongs to.

        Raises
        ------
        ValueError
            If either is negative or not finite.
        """
        amount = _check_amount("amount", amount)
        points_issued = _check_amount("points_issued", points_issued)
        self._allocated += amount
        self._issued += points_issued

    def record_redemptions(self, points: float) -> None:
        """Add the points redeemed since the last call (expired points do not count).

        Raises
        ------
        ValueError
            If ``points`` is negative or not finite.
        """
        self._redeemed += _check_amount("points", points)

    def update_expected_redemption_rate(self, rate: float) -> None:
        """Re-estimate the share of all points issued that will be redeemed.

        The change takes effect, as a cumulative catch-up, at the next :meth:`release`.

        Raises
        ------
        ValueError
            If ``rate`` is outside [0, 1].
        """
        self._rate = _check_rate("rate", rate)

    def release(self) -> float:
        """Recognise the revenue earned since the last call, true-up included.

        Returns
        -------
        float
            The revenue of the period; negative when a higher redemption estimate
            reverses revenue recognised earlier (IFRS 15 paragraph 88).
        """
        cumulative = cumulative_revenue_recognised(
            self._allocated, self._redeemed, self.expected_total_redemptions
        )
        amount = cumulative - self._recognised
        # Store the cumulative figure, not a running sum of releases: the liability
        # then stays exactly within [0, allocated] with no drift from rounding.
        self._recognised = cumulative
        return amount

    # ------------------------------------------------------------------ reading

    @property
    def allocated_to_date(self) -> float:
        """Price allocated to points since the ledger opened."""
        return self._allocated

    @property
    def recognised_to_date(self) -> float:
        """Revenue recognised on points up to the last :meth:`release`."""
        return self._recognised

    @property
    def contract_liability(self) -> float:
        """Deferred revenue: allocated to date minus recognised to date (never < 0)."""
        return self._allocated - self._recognised

    @property
    def points_issued(self) -> float:
        """Points issued to date (through sales or direct allocations)."""
        return self._issued

    @property
    def points_redeemed(self) -> float:
        """Points redeemed to date."""
        return self._redeemed

    @property
    def expected_redemption_rate(self) -> float:
        """The current estimate of the share of points that will be redeemed."""
        return self._rate

    @property
    def expected_total_redemptions(self) -> float:
        """Points expected to be redeemed in total: issued to date times the rate."""
        return self._issued * self._rate
