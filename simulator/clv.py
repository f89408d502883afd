"""Customer lifetime value: closed forms, and BG/NBD + Gamma-Gamma fitted to a log.

The simulator nests the BG/NBD purchase process (MODEL.md principle 1), so a fit on its
own transaction log should recover the parameters it was run with; the same fit gives
the projected CLV of section 7.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1


def _check(name: str, value, low: float, high: float, *, high_open: bool = False) -> None:
    v = np.asarray(value, dtype=float)
    bad = (v < low) | ((v >= high) if high_open else (v > high))
    if np.any(bad):
        bracket = ")" if high_open else "]"
        raise ValueError(f"{name}(={v[bad].flat[0]:g}) must be in [{low:g}, {high:g}{bracket}")


def clv_closed_form(margin, retention, discount_rate):
    """Infinite-horizon CLV ``m r / (1 + i - r)``, margin booked at each year's end.

    References
    ----------
    Gupta, S., Lehmann, D. R., & Stuart, J. A. (2004). Valuing customers. Journal of
    Marketing Research, 41(1), 7-18.
    """
    _check("retention", retention, 0.0, 1.0, high_open=True)
    _check("discount_rate", discount_rate, 0.0, 10.0)
    m, r, i = (np.asarray(x, dtype=float) for x in (margin, retention, discount_rate))
    return m * r / (1.0 + i - r)


def clv_finite(margins_by_period, retention, discount_rate, acquisition_cost: float = 0.0) -> float:
    """``sum_t m_t r^t / (1 + i)^t`` (t from 1) less the acquisition cost."""
    _check("retention", retention, 0.0, 1.0)
    _check("discount_rate", discount_rate, 0.0, 10.0)
    m = np.asarray(margins_by_period, dtype=float)
    t = np.arange(1, m.size + 1)
    return float(np.sum(m * (retention / (1.0 + discount_rate)) ** t) - acquisition_cost)


def net_customer_value(margin, retention, discount_rate, acquisition_cost=0.0):
    """Closed-form CLV less the cost of acquiring the customer (Reichheld & Sasser 1990)."""
    return clv_closed_form(margin, retention, discount_rate) - np.asarray(acquisition_cost, float)


def discount_factors(days, annual_rate: float) -> np.ndarray:
    """``(1 + i) ** (-days / 365)``."""
    _check("annual_rate", annual_rate, 0.0, 10.0)
    return (1.0 + annual_rate) ** (-np.asarray(days, dtype=float) / 365.0)


def rfm_summary(
    customer_id, day, spend, observation_end: float, time_unit: float = 1.0
) -> pd.DataFrame:
    """Frequency, recency, T and monetary value per customer (lifetimes' convention).

    Several transactions of one customer on the same day count as one purchase
    occasion (their spend is summed). ``frequency`` counts repeat occasions, ``recency``
    is the time between the first and last occasion, ``T`` the time from the first
    occasion to ``observation_end``, ``monetary_value`` the mean spend of repeat
    occasions (0 if none); times are divided by ``time_unit``.
    """
    df = pd.DataFrame({"customer_id": customer_id, "day": day, "spend": spend})
    occ = df.groupby(["customer_id", "day"], as_index=False)["spend"].sum()
    occ = occ.sort_values(["customer_id", "day"])
    g = occ.groupby("customer_id")
    first = g["day"].transform("min")
    repeat = occ[occ["day"] > first]
    out = pd.DataFrame(
        {
            "frequency": g.size() - 1,
            "recency": (g["day"].max() - g["day"].min()) / time_unit,
            "T": (observation_end - g["day"].min()) / time_unit,
        }
    )
    out["monetary_value"] = (
        repeat.groupby("customer_id")["spend"].mean().reindex(out.index).fillna(0.0)
    )
    return out


def _bgnbd_ll(params, x, tx, T):
    r, alpha, a, b = np.exp(params)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-12)) - (r + x) * np.log(alpha + tx),
            -np.inf,
        )
    return a1 + a2 + np.logaddexp(a3, a4)


def fit_bgnbd(frequency, recency, T) -> dict[str, float]:
    """Maximum-likelihood BG/NBD parameters r, alpha, a, b.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
    easy way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.
    """
    x, tx, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    if x.size == 0:
        raise ValueError("fit_bgnbd needs at least one customer")

    def nll(p):
        return -np.sum(_bgnbd_ll(p, x, tx, T))

    start = np.log([0.5, max(T.mean(), 1.0) / 2, 1.0, 1.0])
    res = minimize(
        nll, start, method="Nelder-Mead", options={"maxiter": 20_000, "xatol": 1e-7, "fatol": 1e-9}
    )
    res = minimize(nll, res.x, method="L-BFGS-B")
    if not np.all(np.isfinite(res.x)):
        raise ValueError(f"BG/NBD fit did not converge: {res.message}")
    r, alpha, a, b = np.exp(res.x)
    return {
        "r": float(r),
        "alpha": float(alpha),
        "a": float(a),
        "b": float(b),
        "ll": float(-res.fun),
    }


def bgnbd_expected_purchases(t, r, alpha, a, b):
    """E[X(t)]: expected repeat purchases of a new customer in (0, t]."""
    t = np.asarray(t, dtype=float)
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))


def bgnbd_prob_alive(frequency, recency, T, r, alpha, a, b):
    """P(alive | x, t_x, T)."""
    x, tx, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = a / np.maximum(b + x - 1, 1e-12) * ((alpha + T) / (alpha + tx)) ** (r + x)
    return np.where(x > 0, 1.0 / (1.0 + ratio), 1.0)


def fit_gamma_gamma(frequency, monetary_value) -> dict[str, float]:
    """Maximum-likelihood Gamma-Gamma spend parameters p, q, v (repeat customers only).

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: Using iso-value
    curves for customer base analysis. Journal of Marketing Research, 42(4), 415-430.
    """
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    if x.size == 0:
        raise ValueError("fit_gamma_gamma needs customers with repeat purchases")

    def nll(params):
        p, q, v = np.exp(params)
        px = p * x
        ll = (
            gammaln(px + q)
            - gammaln(px)
            - gammaln(q)
            + q * np.log(v)
            + (px - 1) * np.log(m)
            + px * np.log(x)
            - (px + q) * np.log(x * m + v)
        )
        return -np.sum(ll)

    res = minimize(
        nll,
        np.log([1.0, 1.0, m.mean()]),
        method="Nelder-Mead",
        options={"maxiter": 20_000, "xatol": 1e-8, "fatol": 1e-10},
    )
    p, q, v = np.exp(res.x)
    return {"p": float(p), "q": float(q), "v": float(v)}


def gamma_gamma_expected_spend(frequency, monetary_value, p, q, v):
    """E[spend | x, m] = (p (v + x m)) / (p x + q - 1)."""
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    return p * (v + x * m) / (p * x + q - 1)
