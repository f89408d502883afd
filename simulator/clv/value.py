"""Customer lifetime value by retention arithmetic (docs/model.md §7).

The closed form of Gupta & Lehmann (``m r / (1 + i - r)``), its explicit finite sum,
which is what stylized fact 7 (docs/model.md §9) is checked on, the net value after
the acquisition cost, and the discount factors of the realised CLV.

References
----------
Gupta, S., & Lehmann, D. R. (2003). Customers as assets. Journal of Interactive
Marketing, 17(1), 9-24.

Reichheld, F. F., & Sasser, W. E. (1990). Zero defections: Quality comes to
services. Harvard Business Review, 68(5), 105-111.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from simulator.clv._checks import (
    RATE_HINT,
    FloatOrArray,
    as_float,
    in_range,
    scalar_or_array,
)

__all__ = ["clv_closed_form", "clv_finite", "discount_factors", "net_customer_value"]


def clv_closed_form(
    margin: ArrayLike, retention: ArrayLike, discount_rate: ArrayLike
) -> FloatOrArray:
    """Infinite-horizon customer lifetime value ``m r / (1 + i - r)``.

    The customer is acquired at time 0, survives each year with probability ``r``, and
    the margin ``m`` of a year is booked at the year's end, so the first margin is
    earned with probability ``r`` and discounted once. Summing the geometric series
    ``sum_{t>=1} m (r / (1 + i))^t`` gives the closed form.

    Parameters
    ----------
    margin : array_like
        Yearly margin per retained customer ``m`` (any sign, finite).
    retention : array_like
        Yearly retention probability ``r``, in [0, 1).
    discount_rate : array_like
        Yearly discount rate ``i`` as a fraction, in [0, 1].

    Returns
    -------
    float or numpy.ndarray
        The CLV, broadcast over the inputs (a float if all inputs are scalars).

    Raises
    ------
    ValueError
        If an input is non-finite or out of its range; the message states the value
        and the rule.

    References
    ----------
    Gupta, S., & Lehmann, D. R. (2003). Customers as assets. Journal of Interactive
    Marketing, 17(1), 9-24.

    Gupta, S., Lehmann, D. R., & Stuart, J. A. (2004). Valuing customers. Journal of
    Marketing Research, 41(1), 7-18.

    Examples
    --------
    >>> round(clv_closed_form(100.0, 0.8, 0.10), 4)
    266.6667
    """
    m = as_float("margin", margin)
    r = in_range("retention", retention, 0.0, 1.0, high_open=True)
    i = in_range("discount_rate", discount_rate, 0.0, 1.0, hint=RATE_HINT)
    return scalar_or_array(m * r / (1.0 + i - r))


def clv_finite(
    margins_by_period: ArrayLike,
    retention: ArrayLike,
    discount_rate: ArrayLike,
    acquisition_cost: ArrayLike = 0.0,
) -> FloatOrArray:
    """Finite-horizon CLV ``sum_{t=1}^{n} m_t r^t / (1 + i)^t`` less the acquisition cost.

    The explicit sum behind :func:`clv_closed_form`: with constant margins it converges
    to ``m r / (1 + i - r) - acquisition_cost`` as the horizon ``n`` grows (the
    remainder is ``m q^(n+1) / (1 - q)`` with ``q = r / (1 + i)``). Unlike the closed
    form it accepts margins that change from year to year and ``r = 1``.

    Parameters
    ----------
    margins_by_period : array_like, shape (n,)
        Margin of years 1..n, each booked at the year's end.
    retention : array_like
        Yearly retention probability, in [0, 1]; broadcast against the other scalars.
    discount_rate : array_like
        Yearly discount rate as a fraction, in [0, 1].
    acquisition_cost : array_like, default 0.0
        Cost of acquiring the customer, paid at time 0 (so not discounted), >= 0.

    Returns
    -------
    float or numpy.ndarray
        Net customer value, with the broadcast shape of ``retention``,
        ``discount_rate`` and ``acquisition_cost`` (a float if all are scalars).

    Raises
    ------
    ValueError
        If ``margins_by_period`` is not one-dimensional, or an input is non-finite or
        out of its range.

    References
    ----------
    Gupta, S., & Lehmann, D. R. (2003). Customers as assets. Journal of Interactive
    Marketing, 17(1), 9-24.

    Reichheld, F. F., & Sasser, W. E. (1990). Zero defections: Quality comes to
    services. Harvard Business Review, 68(5), 105-111.
    """
    m = as_float("margins_by_period", margins_by_period)
    if m.ndim != 1:
        raise ValueError(
            f"margins_by_period must be one-dimensional (one margin per year), got shape {m.shape}"
        )
    r = in_range("retention", retention, 0.0, 1.0)
    i = in_range("discount_rate", discount_rate, 0.0, 1.0, hint=RATE_HINT)
    c = in_range("acquisition_cost", acquisition_cost, 0.0)
    q = (r / (1.0 + i))[..., np.newaxis]
    t = np.arange(1, m.size + 1)
    return scalar_or_array(np.sum(m * q**t, axis=-1) - c)


def net_customer_value(
    margin: ArrayLike,
    retention: ArrayLike,
    discount_rate: ArrayLike,
    acquisition_cost: ArrayLike,
) -> FloatOrArray:
    """Closed-form CLV less the cost of acquiring the customer.

    This is the quantity behind the "five points of retention" argument: because the
    acquisition cost is sunk before the first margin arrives, a small rise in
    retention raises the *net* value of a customer far more than proportionally.

    Parameters
    ----------
    margin, retention, discount_rate : array_like
        As in :func:`clv_closed_form`.
    acquisition_cost : array_like
        Cost of acquiring the customer, paid at time 0, >= 0.

    Returns
    -------
    float or numpy.ndarray
        ``m r / (1 + i - r) - acquisition_cost``, broadcast over the inputs.

    References
    ----------
    Reichheld, F. F., & Sasser, W. E. (1990). Zero defections: Quality comes to
    services. Harvard Business Review, 68(5), 105-111.

    Reichheld, F. F., & Schefter, P. (2000). E-loyalty: Your secret weapon on the web.
    Harvard Business Review, 78(4), 105-113.
    """
    c = in_range("acquisition_cost", acquisition_cost, 0.0)
    return scalar_or_array(np.asarray(clv_closed_form(margin, retention, discount_rate)) - c)


def discount_factors(days: ArrayLike, annual_rate: float) -> NDArray[np.float64]:
    """Present-value factors ``(1 + i)^(-days / 365)`` for cash flows on given days.

    Used for the realised CLV of docs/model.md §7, where margins arrive on simulated
    days rather than at year ends; compounding is yearly-equivalent, so a flow exactly
    one year out is discounted by ``1 / (1 + i)`` as in :func:`clv_closed_form`.

    Parameters
    ----------
    days : array_like
        Days from the valuation date (finite; negative days compound forward).
    annual_rate : float
        Yearly discount rate as a fraction, in [0, 1].

    Returns
    -------
    numpy.ndarray
        Discount factors with the shape of ``days``.

    References
    ----------
    Gupta, S., Lehmann, D. R., & Stuart, J. A. (2004). Valuing customers. Journal of
    Marketing Research, 41(1), 7-18.
    """
    i = in_range("annual_rate", annual_rate, 0.0, 1.0, hint=RATE_HINT)
    d = as_float("days", days)
    return np.asarray((1.0 + i) ** (-d / 365.0))
