"""The Gamma-Gamma spend model: likelihood, fit and expected spend per transaction.

Spend is the simulator's nested Gamma-Gamma (principle 1, docs/model.md §1); money is
the scenario's currency.

References
----------
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: Using iso-value
curves for customer base analysis. Journal of Marketing Research, 42(4), 415-430.

Fader, P. S., & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
http://brucehardie.com/notes/025/
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln

from simulator.clv._checks import (
    FloatOrArray,
    as_float,
    check_positive_params,
    in_range,
    offending,
    scalar_or_array,
)
from simulator.clv._fitting import maximise

__all__ = [
    "fit_gamma_gamma",
    "gamma_gamma_expected_spend",
    "gamma_gamma_log_likelihood",
]


def _check_gg(
    frequency: ArrayLike, monetary_value: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x = in_range("frequency", frequency, 0.0)
    m = as_float("monetary_value", monetary_value)
    x, m = np.broadcast_arrays(x, m)
    if np.any(x != np.round(x)):
        raise ValueError(f"frequency(={offending(x, x != np.round(x))}) must be a whole number")
    bad = (x > 0) & (m <= 0)
    if np.any(bad):
        raise ValueError(
            f"monetary_value(={offending(m, bad)}) must be > 0 for a customer with repeat "
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
        raise ValueError(f"frequency(={offending(x, x <= 0)}) must be > 0 for a spend likelihood")
    check_positive_params(p=p, q=q, v=v)
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
    p, q, v = maximise(neg_mean_ll, starts, ("p", "q", "v"), "Gamma-Gamma", maxiter)
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
    check_positive_params(p=p, v=v)
    in_range("q", q, 1.0, low_open=True)
    m = np.where(x > 0, m, 0.0)
    return scalar_or_array(p * (v + x * m) / (p * x + q - 1.0))
