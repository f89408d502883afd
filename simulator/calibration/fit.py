"""The base purchase process fitted to a log: BG/NBD (one segment or a finite mixture)
and Gamma-Gamma spend.

K > 1 segments are a finite mixture of BG/NBD models fitted by EM (Dempster, Laird &
Rubin 1977), not segments cut from RFM: a BG/NBD fitted to customers selected on their
own frequency or recency is biased (the selection conditions on the outcome), whereas
the mixture keeps one coherent likelihood, and each customer's membership is a
posterior probability that the starting population draws from. Spend is one
Gamma-Gamma for the whole base: the model assumes spend independent of the purchase
process (Fader, Hardie & Lee 2005b), so purchase segments do not identify spend
segments.

References
----------
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
easy way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.

Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005b). RFM and CLV: Using iso-value
curves for customer base analysis. Journal of Marketing Research, 42(4), 415-430.

Dempster, A. P., Laird, N. M., & Rubin, D. B. (1977). Maximum likelihood from
incomplete data via the EM algorithm. JRSS B, 39(1), 1-38.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import logsumexp

from simulator.clv import bgnbd_log_likelihood, fit_bgnbd, fit_gamma_gamma, rfm_summary
from simulator.clv._fitting import ConvergenceError
from simulator.errors import LogError

__all__ = ["WEEK", "BaseFit", "Segment", "fit_base", "history"]

WEEK = 7.0  # days per time unit of the fits (the unit of the published CDNOW estimates)
_EM_ITERATIONS = 100
_EM_TOL = 1e-6
_BOUND = 12.0  # log-parameter bound of the mixture's M-steps (as in simulator.clv)


@dataclass(frozen=True)
class Segment:
    """One component of the purchase process: share and BG/NBD parameters (weeks)."""

    share: float
    r: float
    alpha: float
    a: float
    b: float

    def params(self) -> dict[str, float]:
        """``r, alpha, a, b`` as keyword arguments of the :mod:`simulator.clv` functions."""
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class BaseFit:
    """The fitted base process and what each customer's history says.

    ``rfm`` has one row per customer (sequential id) with ``frequency``, ``recency``,
    ``T`` (weeks) and ``monetary_value``; ``membership`` is the (n, K) posterior
    probability of each segment; ``spend`` the Gamma-Gamma ``p, q, v`` (``None``
    without an amount column).
    """

    segments: tuple[Segment, ...]
    membership: NDArray[np.float64]
    rfm: pd.DataFrame
    spend: dict[str, float] | None
    log_likelihood: float

    @property
    def parameters(self) -> int:
        """Free parameters of the purchase model: four per segment and K - 1 shares."""
        return 5 * len(self.segments) - 1

    @property
    def aic(self) -> float:
        """Akaike's criterion of the purchase model (Akaike 1974)."""
        return 2.0 * self.parameters - 2.0 * self.log_likelihood

    @property
    def bic(self) -> float:
        """Schwarz's criterion of the purchase model (Schwarz 1978): compare K with it."""
        return self.parameters * float(np.log(self.membership.shape[0])) - 2.0 * self.log_likelihood


def history(customer: NDArray[np.int64], day: NDArray[np.int64], amount, end_day: int):
    """Frequency, recency, T (weeks) and mean repeat spend per customer, in id order."""
    spend = np.zeros(day.size) if amount is None else amount
    return rfm_summary(customer, day, spend, observation_end=end_day, time_unit=WEEK)


def _component_ll(rfm: pd.DataFrame, seg: Segment) -> NDArray[np.float64]:
    x, tx, t = (rfm[c].to_numpy() for c in ("frequency", "recency", "T"))
    return np.asarray(bgnbd_log_likelihood(x, tx, t, **seg.params()))


def _fit(rfm: pd.DataFrame, weights: NDArray[np.float64] | None) -> dict[str, float]:
    x, tx, t = (rfm[c].to_numpy() for c in ("frequency", "recency", "T"))
    # A customer whose first purchase is on the calibration end day (T = 0: common in a
    # log whose customers keep arriving) has likelihood 1 under every parameter: no
    # information, and fit_bgnbd asks for T > 0.
    seen = t > 0
    w = None if weights is None else weights[seen]
    return fit_bgnbd(x[seen], tx[seen], t[seen], weights=w)


def _m_step(
    rows: NDArray[np.float64], weight: NDArray[np.float64], start: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Weighted maximum likelihood of one component, warm-started, over bounded
    log-parameters: inside EM a component may pass near a boundary on its way (a
    segment that nobody seems to leave), which must not stop the iteration."""
    w = weight / weight.sum()
    x, tx, t = rows.T

    def neg(theta: NDArray[np.float64]) -> float:
        with np.errstate(all="ignore"):
            v = -float(np.dot(w, bgnbd_log_likelihood(x, tx, t, *np.exp(theta))))
        return v if np.isfinite(v) else 1e10

    res = minimize(neg, np.log(start), method="L-BFGS-B", bounds=[(-_BOUND, _BOUND)] * 4)
    return np.exp(res.x)


def _mixture(rfm: pd.DataFrame, k: int, source: str) -> tuple[list[Segment], NDArray, float]:
    x, t = rfm["frequency"].to_numpy(), rfm["T"].to_numpy()
    # Identical histories pooled: the M-steps run on the distinct (x, t_x, T) rows.
    hist = rfm[["frequency", "recency", "T"]].to_numpy()
    rows, inverse = np.unique(hist, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    # Start from K groups of equal size ordered by the observed rate: deterministic, and
    # each component starts where a different part of the base buys.
    order = np.argsort(x / np.maximum(t, 1e-9), kind="stable")
    resp = np.full((x.size, k), 1e-3)
    for j, idx in enumerate(np.array_split(order, k)):
        resp[idx, j] = 1.0
    resp /= resp.sum(axis=1, keepdims=True)
    last = -np.inf
    one = _fit(rfm, None)
    theta = [
        np.array([one["r"], one["alpha"] * (j + 1) / k * 2, one["a"], one["b"]]) for j in range(k)
    ]
    segs: list[Segment] = []
    ll = -np.inf
    for _ in range(_EM_ITERATIONS):
        share = resp.mean(axis=0)
        theta = [
            _m_step(rows, np.bincount(inverse, resp[:, j], rows.shape[0]), theta[j])
            for j in range(k)
        ]
        segs = [Segment(float(share[j]), *map(float, theta[j])) for j in range(k)]
        comp = np.column_stack([np.log(s.share) + _component_ll(rfm, s) for s in segs])
        total = logsumexp(comp, axis=1)
        resp = np.exp(comp - total[:, None])
        ll = float(total.sum())
        if ll - last < _EM_TOL * abs(ll):
            break
        last = ll
    if min(s.share for s in segs) < 0.5 / x.size:
        raise LogError(
            f"a {k}-segment mixture leaves a segment empty on this log; use fewer --segments",
            source=source,
        )
    for s in segs:
        if np.any(np.abs(np.log([s.r, s.alpha, s.a, s.b])) > _BOUND - 0.5):
            raise LogError(
                f"a {k}-segment mixture has no interior maximum on this log (a segment's "
                "parameter runs to a bound); use fewer --segments",
                source=source,
            )
    # Segments in order of purchase rate, so that segment 0 is the slowest.
    rank = np.argsort([s.r / s.alpha for s in segs], kind="stable")
    return [segs[j] for j in rank], resp[:, rank], ll


def fit_base(
    customer: NDArray[np.int64],
    day: NDArray[np.int64],
    amount: NDArray[np.float64] | None,
    end_day: int,
    *,
    segments: int = 1,
    source: str = "<log>",
) -> BaseFit:
    """Fit BG/NBD (a K-segment mixture if ``segments > 1``) and Gamma-Gamma.

    Parameters
    ----------
    customer, day, amount
        The calibration period's purchases (sequential customer ids, days since the
        log's first date, spend or ``None``).
    end_day
        The calibration end, in days since the log's first date.
    segments
        Number of mixture components K.
    source
        The log file, for messages.

    Raises
    ------
    LogError
        If the log cannot identify the model (no repeat purchase, no convergence, an
        empty segment).
    """
    rfm = history(customer, day, amount, end_day)
    x = rfm["frequency"].to_numpy()
    try:
        if segments == 1:
            seg = Segment(1.0, **_fit(rfm, None))
            segs, resp = [seg], np.ones((x.size, 1))
            ll = float(_component_ll(rfm, seg).sum())
        else:
            segs, resp, ll = _mixture(rfm, segments, source)
        spend = None
        if amount is not None:
            repeat = x > 0
            spend = fit_gamma_gamma(x[repeat], rfm["monetary_value"].to_numpy()[repeat])
    except (ValueError, ConvergenceError) as exc:
        hint = f"; try fewer --segments than {segments}" if segments > 1 else ""
        raise LogError(f"cannot fit the purchase model: {exc}{hint}", source=source) from None
    return BaseFit(tuple(segs), resp, rfm, spend, ll)
