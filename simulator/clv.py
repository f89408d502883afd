"""Customer lifetime value: closed forms, and BG/NBD + Gamma-Gamma fitted to a log.

Two routes to the CLV of MODEL.md section 7 live here, as pure functions:

* the retention arithmetic of Gupta & Lehmann (``m r / (1 + i - r)``) and its explicit
  finite sum, which is what stylized fact 7 (section 9) is checked on;
* the projected route: a transaction log is summarised into frequency / recency / T /
  monetary value (the layout lifetimes and pymc-marketing read), then the BG/NBD
  purchase model and the Gamma-Gamma spend model are fitted by maximum likelihood.
  The simulator nests both models (principle 1), so a fit on its own log must recover
  the parameters it was run with (stylized fact 1).

Times in the BG/NBD and Gamma-Gamma functions are in whatever unit the summary was
built in (``rfm_summary(..., time_unit=7)`` gives weeks, the unit of the published
CDNOW estimates); money is the scenario's currency.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import betaln, expit, gammaln, hyp2f1

from simulator.errors import LoyaltySimError

__all__ = [
    "ConvergenceError",
    "bgnbd_expected_purchases",
    "bgnbd_log_likelihood",
    "bgnbd_prob_alive",
    "clv_closed_form",
    "clv_finite",
    "discount_factors",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_expected_spend",
    "gamma_gamma_log_likelihood",
    "net_customer_value",
    "rfm_summary",
]

FloatOrArray = float | NDArray[np.float64]

# A log-parameter beyond this (a parameter outside [6e-6, 1.6e5]) means the likelihood
# has no interior maximum: the optimiser is walking off to a boundary (e.g. b -> inf
# when nobody appears to drop out), and the "estimate" would be meaningless.
_LOG_PARAM_LIMIT = 12.0
_LOG_PARAM_WALL = 20.0


class ConvergenceError(LoyaltySimError, RuntimeError):
    """A maximum-likelihood fit did not converge to an interior optimum."""


# ----------------------------------------------------------------------------- checks


def _as_float(name: str, value: ArrayLike) -> NDArray[np.float64]:
    try:
        v = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {value!r}") from exc
    if not np.all(np.isfinite(v)):
        bad = v[~np.isfinite(v)].flat[0]
        raise ValueError(f"{name}(={bad:g}) must be finite")
    return v


def _where(v: NDArray[np.float64], bad: NDArray[np.bool_]) -> str:
    # For arrays, say which element broke the rule: the first one is enough to find it.
    if v.ndim == 0:
        return f"{v.item():g}"
    idx = tuple(int(k) for k in np.argwhere(bad)[0])
    pos = idx[0] if len(idx) == 1 else idx
    return f"{v[idx]:g} at index {pos}"


def _in_range(
    name: str,
    value: ArrayLike,
    low: float,
    high: float = np.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
    hint: str = "",
) -> NDArray[np.float64]:
    """Return ``value`` as floats, or raise ``name(=v) must be in [low, high)``."""
    v = _as_float(name, value)
    bad = (v <= low if low_open else v < low) | (v >= high if high_open else v > high)
    if np.any(bad):
        if np.isinf(high):
            rule = f"must be {'>' if low_open else '>='} {low:g}"
        else:
            rule = (
                f"must be in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
            )
        raise ValueError(f"{name}(={_where(v, bad)}) {rule}{hint}")
    return v


_RATE_HINT = " (a yearly rate as a fraction: 0.10 for 10%)"


def _scalar_or_array(x: NDArray[np.float64]) -> FloatOrArray:
    return float(x) if x.ndim == 0 else x


# --------------------------------------------------------------- retention arithmetic


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
    m = _as_float("margin", margin)
    r = _in_range("retention", retention, 0.0, 1.0, high_open=True)
    i = _in_range("discount_rate", discount_rate, 0.0, 1.0, hint=_RATE_HINT)
    return _scalar_or_array(m * r / (1.0 + i - r))


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
    m = _as_float("margins_by_period", margins_by_period)
    if m.ndim != 1:
        raise ValueError(
            f"margins_by_period must be one-dimensional (one margin per year), got shape {m.shape}"
        )
    r = _in_range("retention", retention, 0.0, 1.0)
    i = _in_range("discount_rate", discount_rate, 0.0, 1.0, hint=_RATE_HINT)
    c = _in_range("acquisition_cost", acquisition_cost, 0.0)
    q = (r / (1.0 + i))[..., np.newaxis]
    t = np.arange(1, m.size + 1)
    return _scalar_or_array(np.sum(m * q**t, axis=-1) - c)


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
    c = _in_range("acquisition_cost", acquisition_cost, 0.0)
    return _scalar_or_array(np.asarray(clv_closed_form(margin, retention, discount_rate)) - c)


def discount_factors(days: ArrayLike, annual_rate: float) -> NDArray[np.float64]:
    """Present-value factors ``(1 + i)^(-days / 365)`` for cash flows on given days.

    Used for the realised CLV of section 7, where margins arrive on simulated days
    rather than at year ends; compounding is yearly-equivalent, so a flow exactly one
    year out is discounted by ``1 / (1 + i)`` as in :func:`clv_closed_form`.

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
    i = _in_range("annual_rate", annual_rate, 0.0, 1.0, hint=_RATE_HINT)
    d = _as_float("days", days)
    return np.asarray((1.0 + i) ** (-d / 365.0))


# ----------------------------------------------------------------------- RFM summary


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
    d = np.floor(_as_float("day", day))
    s = _as_float("spend", spend)
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
    unit = _in_range("time_unit", time_unit, 0.0, low_open=True)
    end = float(np.floor(_as_float("observation_end", observation_end)))
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


# ----------------------------------------------------------------------- ML helpers


def _maximise(
    neg_mean_ll: Callable[[NDArray[np.float64]], float],
    starts: Sequence[Sequence[float]],
    names: Sequence[str],
    model: str,
    maxiter: int,
) -> NDArray[np.float64]:
    """Minimise a negative mean log-likelihood over log-parameters; return parameters.

    Nelder-Mead from each start (robust to the flat ridges of these likelihoods, and
    needs no gradient), then an L-BFGS-B polish from the best point. A fit counts as
    converged only if Nelder-Mead met its tolerances and the optimum is interior.
    """

    def safe(theta: NDArray[np.float64]) -> float:
        # Walls far beyond the drift limit: out there (p x ~ 1e15 and up) differences of
        # gammaln cancel catastrophically and fake an ever better likelihood.
        if np.any(np.abs(theta) > _LOG_PARAM_WALL):
            return np.inf
        with np.errstate(all="ignore"):
            val = neg_mean_ll(theta)
        # Overflowing trial points must lose against any finite one, not poison the simplex.
        return float(val) if np.isfinite(val) else np.inf

    best = None
    for x0 in starts:
        res = minimize(
            safe,
            np.log(np.asarray(x0, dtype=float)),
            method="Nelder-Mead",
            options={"maxiter": maxiter, "maxfev": 2 * maxiter, "xatol": 1e-7, "fatol": 1e-11},
        )
        if res.success and np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise ConvergenceError(
            f"{model} fit did not converge within maxiter={maxiter} from any of "
            f"{len(starts)} starting points; check the data (enough repeat customers?) "
            "or raise maxiter"
        )
    polish = minimize(safe, best.x, method="L-BFGS-B")
    theta = polish.x if np.isfinite(polish.fun) and polish.fun < best.fun else best.x
    off = np.abs(theta) > _LOG_PARAM_LIMIT
    if np.any(off):
        k = int(np.flatnonzero(off)[0])
        raise ConvergenceError(
            f"{model} fit did not converge: {names[k]} drifted to {np.exp(theta[k]):.3g}, so "
            "the likelihood has no interior maximum for these data"
        )
    return np.exp(theta)


def _check_positive_params(**params: float) -> None:
    for name, value in params.items():
        _in_range(name, value, 0.0, low_open=True)


def _check_rft(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    x = _in_range("frequency", frequency, 0.0)
    tx = _in_range("recency", recency, 0.0)
    t_obs = _in_range("T", T, 0.0)
    x, tx, t_obs = np.broadcast_arrays(x, tx, t_obs)
    if np.any(x != np.round(x)):
        raise ValueError(f"frequency(={_where(x, x != np.round(x))}) must be a whole number")
    if np.any(tx > t_obs):
        bad = tx > t_obs
        raise ValueError(f"recency(={_where(tx, bad)}) must be <= T(={t_obs[bad].flat[0]:g})")
    if np.any((x == 0) & (tx != 0)):
        bad = (x == 0) & (tx != 0)
        raise ValueError(
            f"recency(={_where(tx, bad)}) must be 0 when frequency is 0 (no repeat purchase)"
        )
    return x, tx, t_obs


# --------------------------------------------------------------------------- BG/NBD


def bgnbd_log_likelihood(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    r: float,
    alpha: float,
    a: float,
    b: float,
) -> NDArray[np.float64]:
    """Per-customer BG/NBD log-likelihood ``log L(r, alpha, a, b | x, t_x, T)``.

    Fader, Hardie & Lee (2005)::

        L = B(a, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
            + [x > 0] B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))

    evaluated in log space (``gammaln``, ``betaln``, ``logaddexp``) so that customers
    with many purchases do not overflow.

    Parameters
    ----------
    frequency, recency, T : array_like
        Repeat purchases ``x``, time of the last purchase ``t_x`` and length of the
        observation ``T``, all measured from the first purchase.
    r, alpha : float
        Shape and rate of the Gamma distribution of purchase rates.
    a, b : float
        Parameters of the Beta distribution of the dropout probability.

    Returns
    -------
    numpy.ndarray
        Log-likelihood of each customer.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
    easy way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.
    """
    x, tx, t_obs = _check_rft(frequency, recency, T)
    _check_positive_params(r=r, alpha=alpha, a=a, b=b)
    return _bgnbd_ll(np.log([r, alpha, a, b]), x, tx, t_obs)


def _bgnbd_ll(
    theta: NDArray[np.float64],
    x: NDArray[np.float64],
    tx: NDArray[np.float64],
    t_obs: NDArray[np.float64],
) -> NDArray[np.float64]:
    r, alpha, a, b = np.exp(theta)
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    still_alive = betaln(a, b + x) - (r + x) * np.log(alpha + t_obs)
    repeat = x > 0
    # The second term exists only for x > 0 (death can only follow a purchase); the
    # masked argument keeps betaln away from b + x - 1 <= 0 for x = 0.
    died = np.where(
        repeat,
        betaln(a + 1.0, np.where(repeat, b + x - 1.0, 1.0)) - (r + x) * np.log(alpha + tx),
        -np.inf,
    )
    return common + np.logaddexp(still_alive, died)


def fit_bgnbd(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, *, maxiter: int = 10_000
) -> dict[str, float]:
    """Maximum-likelihood estimates of the BG/NBD parameters r, alpha, a and b.

    Customers with identical ``(x, t_x, T)`` are pooled with a weight first (a
    simulated log with whole-day times has many), then the mean log-likelihood is
    maximised over the log-parameters, which keeps them positive without bounds.

    Parameters
    ----------
    frequency, recency, T : array_like
        Per-customer ``x``, ``t_x`` and ``T`` as returned by :func:`rfm_summary`.
    maxiter : int, default 10000
        Iteration limit of each Nelder-Mead run.

    Returns
    -------
    dict of str to float
        ``{"r": ..., "alpha": ..., "a": ..., "b": ...}``; ``alpha`` is in the time
        unit of ``recency`` and ``T``.

    Raises
    ------
    ValueError
        If the inputs are invalid (see :func:`bgnbd_log_likelihood`), empty, or hold no
        repeat purchase at all (the model is then not identified).
    ConvergenceError
        If no optimisation run converges, or a parameter drifts to a boundary.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
    easy way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.
    """
    x, tx, t_obs = (v.ravel() for v in _check_rft(frequency, recency, T))
    if x.size == 0:
        raise ValueError("fit_bgnbd needs at least one customer, got none")
    if not np.any(x > 0):
        raise ValueError(
            f"fit_bgnbd needs customers with repeat purchases, but all {x.size} have "
            "frequency 0; observe longer or check the transaction log"
        )
    if not np.all(t_obs > 0):
        raise ValueError(f"T(={_where(t_obs, t_obs <= 0)}) must be > 0")
    rows, weight = np.unique(np.column_stack([x, tx, t_obs]), axis=0, return_counts=True)
    ux, utx, uT = rows.T
    w = weight / weight.sum()

    def neg_mean_ll(theta: NDArray[np.float64]) -> float:
        return -float(np.dot(w, _bgnbd_ll(theta, ux, utx, uT)))

    # Starting values: r/alpha is the mean purchase rate, which repeat counts over
    # observed time bound from below (dropouts stop buying); a and b start at an
    # average dropout probability of 1/3, and a second start near lifetimes' default.
    rate = max(x.sum() / t_obs.sum(), 1e-6)
    starts = [(1.0, 1.0 / rate, 1.0, 2.0), (0.5, 0.5 / rate, 0.5, 3.0), (1.0, 1.0, 1.0, 1.0)]
    r, alpha, a, b = _maximise(neg_mean_ll, starts, ("r", "alpha", "a", "b"), "BG/NBD", maxiter)
    return {"r": float(r), "alpha": float(alpha), "a": float(a), "b": float(b)}


def bgnbd_expected_purchases(
    t: ArrayLike, r: float, alpha: float, a: float, b: float
) -> FloatOrArray:
    """Expected repeat purchases ``E[X(t)]`` of a new customer in ``(0, t]``.

    Fader, Hardie & Lee (2005)::

        E[X(t)] = (a+b-1)/(a-1) * [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]

    The expression is 0/0 at ``a = 1`` but continuous there, so at ``a`` within 1e-6
    of 1 it is evaluated as the mean of its values at ``1 +/- 1e-6``.

    Parameters
    ----------
    t : array_like
        Time since the first purchase, >= 0, in the unit of ``alpha``.
    r, alpha, a, b : float
        BG/NBD parameters, > 0.

    Returns
    -------
    float or numpy.ndarray
        ``E[X(t)]`` with the shape of ``t``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
    easy way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.
    """
    tt = _in_range("t", t, 0.0)
    _check_positive_params(r=r, alpha=alpha, a=a, b=b)

    def ex(a_: float) -> NDArray[np.float64]:
        z = tt / (alpha + tt)
        head = (alpha / (alpha + tt)) ** r * hyp2f1(r, b, a_ + b - 1.0, z)
        return (a_ + b - 1.0) / (a_ - 1.0) * (1.0 - head)

    eps = 1e-6
    out = ex(a) if abs(a - 1.0) > eps else 0.5 * (ex(1.0 - eps) + ex(1.0 + eps))
    return _scalar_or_array(np.asarray(out))


def bgnbd_prob_alive(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    r: float,
    alpha: float,
    a: float,
    b: float,
) -> FloatOrArray:
    """Probability that a customer with history ``(x, t_x, T)`` is still active at ``T``.

    Fader, Hardie & Lee (2005; 2008)::

        P(alive) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))

    computed as a logistic function of the log-odds, which does not overflow for long
    silent spells. A customer without repeat purchases is alive for sure, because in
    the BG/NBD a customer can only drop out right after a purchase.

    Parameters
    ----------
    frequency, recency, T : array_like
        Per-customer ``x``, ``t_x`` and ``T``.
    r, alpha, a, b : float
        BG/NBD parameters, > 0.

    Returns
    -------
    float or numpy.ndarray
        Probability alive, in (0, 1].

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
    easy way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.

    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2008). Computing P(alive) using the
    BG/NBD model. http://brucehardie.com/notes/021/
    """
    x, tx, t_obs = _check_rft(frequency, recency, T)
    _check_positive_params(r=r, alpha=alpha, a=a, b=b)
    repeat = x > 0
    log_odds_dead = (
        np.log(a)
        - np.log(np.where(repeat, b + x - 1.0, 1.0))
        + (r + x) * (np.log(alpha + t_obs) - np.log(alpha + tx))
    )
    return _scalar_or_array(np.where(repeat, expit(-log_odds_dead), 1.0))


# ---------------------------------------------------------------------- Gamma-Gamma


def _check_gg(
    frequency: ArrayLike, monetary_value: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x = _in_range("frequency", frequency, 0.0)
    m = _as_float("monetary_value", monetary_value)
    x, m = np.broadcast_arrays(x, m)
    if np.any(x != np.round(x)):
        raise ValueError(f"frequency(={_where(x, x != np.round(x))}) must be a whole number")
    bad = (x > 0) & (m <= 0)
    if np.any(bad):
        raise ValueError(
            f"monetary_value(={_where(m, bad)}) must be > 0 for a customer with repeat "
            "purchases (the Gamma-Gamma model describes positive spend)"
        )
    return x, m


def gamma_gamma_log_likelihood(
    frequency: ArrayLike, monetary_value: ArrayLike, p: float, q: float, v: float
) -> NDArray[np.float64]:
    """Per-customer Gamma-Gamma log-likelihood of the mean spend ``m`` of ``x`` purchases.

    Each spend is Gamma(shape ``p``, rate ``nu``) and ``nu`` is Gamma(shape ``q``,
    rate ``v``) across customers, so the mean of ``x`` spends has density (Fader,
    Hardie & Lee 2005b)::

        f(m | x) = G(px+q) / (G(px) G(q)) * v^q m^(px-1) x^(px) / (v + m x)^(px+q)

    Parameters
    ----------
    frequency : array_like
        Number of repeat purchases ``x`` averaged in ``monetary_value``; must be > 0.
    monetary_value : array_like
        Mean spend of those purchases ``m``, > 0.
    p, q, v : float
        Gamma-Gamma parameters, > 0.

    Returns
    -------
    numpy.ndarray
        Log-likelihood of each customer.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: Using iso-value
    curves for customer base analysis. Journal of Marketing Research, 42(4), 415-430.

    Fader, P. S., & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
    http://brucehardie.com/notes/025/
    """
    x, m = _check_gg(frequency, monetary_value)
    if np.any(x <= 0):
        raise ValueError(f"frequency(={_where(x, x <= 0)}) must be > 0 for a spend likelihood")
    _check_positive_params(p=p, q=q, v=v)
    return _gg_ll(np.log([p, q, v]), x, m)


def _gg_ll(
    theta: NDArray[np.float64], x: NDArray[np.float64], m: NDArray[np.float64]
) -> NDArray[np.float64]:
    p, q, v = np.exp(theta)
    px = p * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(v)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(v + m * x)
    )


def fit_gamma_gamma(
    frequency: ArrayLike, monetary_value: ArrayLike, *, maxiter: int = 10_000
) -> dict[str, float]:
    """Maximum-likelihood estimates of the Gamma-Gamma spend parameters p, q and v.

    Only customers with ``frequency > 0`` enter the fit: in the lifetimes convention
    ``monetary_value`` averages repeat purchases, so it is undefined (reported as 0)
    without one. The model assumes spend is independent of purchase frequency.

    Parameters
    ----------
    frequency : array_like
        Repeat purchases per customer, as returned by :func:`rfm_summary`.
    monetary_value : array_like
        Mean spend of the repeat purchases, > 0 where ``frequency > 0``.
    maxiter : int, default 10000
        Iteration limit of each Nelder-Mead run.

    Returns
    -------
    dict of str to float
        ``{"p": ..., "q": ..., "v": ...}``; the population mean spend is
        ``p v / (q - 1)`` when ``q > 1``.

    Raises
    ------
    ValueError
        If the inputs are invalid or no customer has a repeat purchase.
    ConvergenceError
        If no optimisation run converges, or a parameter drifts to a boundary.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: Using iso-value
    curves for customer base analysis. Journal of Marketing Research, 42(4), 415-430.
    """
    x, m = (v_.ravel() for v_ in _check_gg(frequency, monetary_value))
    keep = x > 0
    x, m = x[keep], m[keep]
    if x.size == 0:
        raise ValueError(
            "fit_gamma_gamma needs customers with repeat purchases (frequency > 0), got none"
        )

    def neg_mean_ll(theta: NDArray[np.float64]) -> float:
        return -float(np.mean(_gg_ll(theta, x, m)))

    # Starts that reproduce the observed mean spend p v / (q - 1) = mean(m), at a
    # moderate and at a high spend-to-spend regularity p.
    mbar = float(m.mean())
    starts = [(1.0, 2.0, mbar), (5.0, 3.0, 2.0 * mbar / 5.0), (1.0, 1.0, 1.0)]
    p, q, v = _maximise(neg_mean_ll, starts, ("p", "q", "v"), "Gamma-Gamma", maxiter)
    return {"p": float(p), "q": float(q), "v": float(v)}


def gamma_gamma_expected_spend(
    frequency: ArrayLike, monetary_value: ArrayLike, p: float, q: float, v: float
) -> FloatOrArray:
    """Expected spend per future transaction given a customer's spend history.

    ``E[Z | x, m] = p (v + x m) / (p x + q - 1)``: a weighted average of the
    population mean ``p v / (q - 1)`` and the customer's own mean ``m``, with weight
    ``p x / (p x + q - 1)`` on the latter. A customer with ``x = 0`` gets the
    population mean (``monetary_value`` is then ignored).

    Parameters
    ----------
    frequency : array_like
        Repeat purchases ``x``, >= 0.
    monetary_value : array_like
        Mean spend of those purchases ``m``, > 0 where ``x > 0``.
    p, v : float
        Gamma-Gamma parameters, > 0.
    q : float
        Gamma-Gamma parameter, > 1 (the population mean spend is infinite otherwise).

    Returns
    -------
    float or numpy.ndarray
        Expected spend per transaction.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: Using iso-value
    curves for customer base analysis. Journal of Marketing Research, 42(4), 415-430.
    """
    x, m = _check_gg(frequency, monetary_value)
    _check_positive_params(p=p, v=v)
    _in_range("q", q, 1.0, low_open=True)
    m = np.where(x > 0, m, 0.0)
    return _scalar_or_array(p * (v + x * m) / (p * x + q - 1.0))
