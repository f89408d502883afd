"""Frequency / recency / T / monetary value per customer, from a transaction log.

The layout lifetimes and pymc-marketing read, and the input of the BG/NBD and
Gamma-Gamma fitters.

References
----------
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: Using iso-value
curves for customer base analysis. Journal of Marketing Research, 42(4), 415-430.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from simulator.clv._checks import as_float, in_range

__all__ = ["rfm_summary"]


def rfm_summary(
    customer_id: ArrayLike,
    day: ArrayLike,
    spend: ArrayLike,
    observation_end: float,
    time_unit: float = 1.0,
) -> pd.DataFrame:
    """Frequency, recency, T and monetary value per customer, from a transaction log.

    Follows lifetimes' ``summary_data_from_transaction_data`` with ``freq="D"`` and
    ``freq_multiplier=time_unit``: a day is the unit of a purchase occasion, so
    several transactions of a customer on the same day are one occasion whose spend
    is their sum, and fractional days are floored to the day they fall on (as is
    ``observation_end``).

    Parameters
    ----------
    customer_id : array_like, shape (n,)
        Customer of each transaction (any hashable, no missing values).
    day : array_like, shape (n,)
        Day of each transaction (int or float, in days).
    spend : array_like, shape (n,)
        Amount of each transaction.
    observation_end : float
        Day the observation window closes; no transaction may fall after it.
    time_unit : float, default 1.0
        Days per output time unit (7 gives weeks, the unit of the CDNOW estimates).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``customer_id`` (sorted), with columns

        * ``frequency``: number of repeat purchase occasions (occasions - 1), int;
        * ``recency``: time from the first to the last occasion;
        * ``T``: time from the first occasion to ``observation_end``;
        * ``monetary_value``: mean spend of the repeat occasions, 0 if there are none.

    Raises
    ------
    ValueError
        If the arrays differ in length or are empty, an id is missing, a value is
        non-finite, ``time_unit <= 0``, or a transaction falls after
        ``observation_end``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: Using iso-value
    curves for customer base analysis. Journal of Marketing Research, 42(4), 415-430.

    Examples
    --------
    Customer 1 buys twice on day 0 (one occasion) and again on day 7:

    >>> out = rfm_summary([1, 1, 1, 2], [0, 0, 7, 3], [5, 5, 8, 4], observation_end=14)
    >>> out.loc[1].to_dict()
    {'frequency': 1.0, 'recency': 7.0, 'T': 14.0, 'monetary_value': 8.0}
    >>> out.loc[2].to_dict()
    {'frequency': 0.0, 'recency': 0.0, 'T': 11.0, 'monetary_value': 0.0}
    """
    ids = pd.Series(np.asarray(customer_id))
    d = np.floor(as_float("day", day))
    s = as_float("spend", spend)
    if not (ids.size == d.size == s.size) or d.ndim != 1 or s.ndim != 1:
        raise ValueError(
            "customer_id, day and spend must be one-dimensional and of equal length, got "
            f"lengths {ids.size}, {d.size}, {s.size}"
        )
    if ids.size == 0:
        raise ValueError("the transaction log is empty: rfm_summary needs at least one row")
    if ids.isna().any():
        raise ValueError(
            f"customer_id has a missing value at row {int(np.flatnonzero(ids.isna())[0])}"
        )
    unit = in_range("time_unit", time_unit, 0.0, low_open=True)
    end = float(np.floor(as_float("observation_end", observation_end)))
    if d.max() > end:
        raise ValueError(
            f"observation_end(={end:g}) must be >= every transaction day, but the log runs "
            f"to day {d.max():g}; drop later transactions or extend the window"
        )

    log = pd.DataFrame({"customer_id": ids.to_numpy(), "day": d, "spend": s})
    # One row per purchase occasion (customer, day), spend summed, as lifetimes does.
    occ = log.groupby(["customer_id", "day"], sort=True, as_index=False)["spend"].sum()
    by_customer = occ.groupby("customer_id", sort=True)["day"]
    first = by_customer.transform("min")
    first_day = by_customer.min()
    out = pd.DataFrame(
        {
            "frequency": by_customer.size() - 1,
            "recency": (by_customer.max() - first_day) / unit,
            "T": (end - first_day) / unit,
        }
    )
    repeat = occ.loc[occ["day"] > first]
    out["monetary_value"] = (
        repeat.groupby("customer_id")["spend"].mean().reindex(out.index, fill_value=0.0)
    )
    out.index.name = "customer_id"
    return out
