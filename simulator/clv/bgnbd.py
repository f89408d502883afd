"""The BG/NBD purchase model: likelihood, fit, expected purchases and P(alive).

The simulator nests it (principle 1, docs/model.md §1), so a fit on its own log must
recover the parameters it was run with (stylized fact 1, docs/model.md §9). Times are
in whatever unit the RFM summary was built in (weeks for the CDNOW estimates).

References
----------
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
easy way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import betaln, expit, gammaln, hyp2f1

from simulator.clv._checks import (
    FloatOrArray,
    check_positive_params,
    in_range,
    offending,
    scalar_or_array,
)
from simulator.clv._fitting import maximise

__all__ = [
    "bgnbd_conditional_expected_purchases",
    "bgnbd_expected_purchases",
    "bgnbd_log_likelihood",
    "bgnbd_prob_alive",
    "fit_bgnbd",
]


def _check_rft(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    x = in_range("frequency", frequency, 0.0)
    tx = in_range("recency", recency, 0.0)
    t_obs = in_range("T", T, 0.0)
    x, tx, t_obs = np.broadcast_arrays(x, tx, t_obs)
    if np.any(x != np.round(x)):
        raise ValueError(f"frequency(={offending(x, x != np.round(x))}) must be a whole number")
    if np.any(tx > t_obs):
        bad = tx > t_obs
        raise ValueError(f"recency(={offending(tx, bad)}) must be <= T(={t_obs[bad].flat[0]:g})")
    if np.any((x == 0) & (tx != 0)):
        bad = (x == 0) & (tx != 0)
        raise ValueError(
            f"recency(={offending(tx, bad)}) must be 0 when frequency is 0 (no repeat purchase)"
        )
    return x, tx, t_obs


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
    check_positive_params(r=r, alpha=alpha, a=a, b=b)
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
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    maxiter: int = 10_000,
    weights: ArrayLike | None = None,
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
    weights : array_like, optional
        A non-negative weight per customer (a finite mixture's EM step fits each
        segment with the customers' posterior membership as weights); 1 by default.

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
        raise ValueError(f"T(={offending(t_obs, t_obs <= 0)}) must be > 0")
    each = np.ones(x.size) if weights is None else in_range("weights", weights, 0.0).ravel()
    if each.size != x.size or not each.sum() > 0:
        raise ValueError(f"weights must be {x.size} non-negative numbers, not all 0")
    rows, inverse = np.unique(np.column_stack([x, tx, t_obs]), axis=0, return_inverse=True)
    weight = np.bincount(inverse.ravel(), weights=each, minlength=rows.shape[0])
    ux, utx, uT = rows.T
    w = weight / weight.sum()

    def neg_mean_ll(theta: NDArray[np.float64]) -> float:
        return -float(np.dot(w, _bgnbd_ll(theta, ux, utx, uT)))

    # Starting values: r/alpha is the mean purchase rate, which repeat counts over
    # observed time bound from below (dropouts stop buying); a and b start at an
    # average dropout probability of 1/3, and a second start near lifetimes' default.
    rate = max(float(np.dot(each, x) / np.dot(each, t_obs)), 1e-6)
    starts = [(1.0, 1.0 / rate, 1.0, 2.0), (0.5, 0.5 / rate, 0.5, 3.0), (1.0, 1.0, 1.0, 1.0)]
    r, alpha, a, b = maximise(neg_mean_ll, starts, ("r", "alpha", "a", "b"), "BG/NBD", maxiter)
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
    tt = in_range("t", t, 0.0)
    check_positive_params(r=r, alpha=alpha, a=a, b=b)

    def ex(a_: float) -> NDArray[np.float64]:
        z = tt / (alpha + tt)
        head = (alpha / (alpha + tt)) ** r * hyp2f1(r, b, a_ + b - 1.0, z)
        return (a_ + b - 1.0) / (a_ - 1.0) * (1.0 - head)

    eps = 1e-6
    out = ex(a) if abs(a - 1.0) > eps else 0.5 * (ex(1.0 - eps) + ex(1.0 + eps))
    return scalar_or_array(np.asarray(out))


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
    check_positive_params(r=r, alpha=alpha, a=a, b=b)
    repeat = x > 0
    log_odds_dead = (
        np.log(a)
        - np.log(np.where(repeat, b + x - 1.0, 1.0))
        + (r + x) * (np.log(alpha + t_obs) - np.log(alpha + tx))
    )
    return scalar_or_array(np.where(repeat, expit(-log_odds_dead), 1.0))


def bgnbd_conditional_expected_purchases(
    t: ArrayLike,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    r: float,
    alpha: float,
    a: float,
    b: float,
) -> FloatOrArray:
    """Expected purchases in ``(T, T + t]`` of a customer with history ``(x, t_x, T)``.

    Fader, Hardie & Lee (2005), equation (10)::

        E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1)
            * [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
            / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))

    which is P(alive) times the expected purchases of an active customer whose rate and
    dropout follow their posteriors. As in :func:`bgnbd_expected_purchases`, ``a``
    within 1e-6 of 1 is evaluated as the mean of its values at ``1 +/- 1e-6``.

    Parameters
    ----------
    t : array_like
        Length of the forecast period, >= 0, broadcast against the histories.
    frequency, recency, T : array_like
        Per-customer ``x``, ``t_x`` and ``T``.
    r, alpha, a, b : float
        BG/NBD parameters, > 0.

    Returns
    -------
    float or numpy.ndarray
        The conditional expectation, broadcast over ``t`` and the histories.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
    easy way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.
    """
    tt = in_range("t", t, 0.0)
    x, tx, t_obs = _check_rft(frequency, recency, T)
    check_positive_params(r=r, alpha=alpha, a=a, b=b)
    alive = np.asarray(bgnbd_prob_alive(x, tx, t_obs, r, alpha, a, b))

    def active(a_: float) -> NDArray[np.float64]:
        z = tt / (alpha + t_obs + tt)
        head = ((alpha + t_obs) / (alpha + t_obs + tt)) ** (r + x) * hyp2f1(
            r + x, b + x, a_ + b + x - 1.0, z
        )
        return (a_ + b + x - 1.0) / (a_ - 1.0) * (1.0 - head)

    eps = 1e-6
    out = active(a) if abs(a - 1.0) > eps else 0.5 * (active(1.0 - eps) + active(1.0 + eps))
    return scalar_or_array(np.asarray(alive * out))
