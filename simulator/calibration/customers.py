"""The firm's real customers as the simulation's starting population.

Each customer in the log becomes one simulated customer whose state at the calibration
end is drawn from the posterior that their history ``(x, t_x, T)`` and spend give. The
BG/NBD likelihood of a history is a sum of two terms, each a Gamma kernel in the
purchase rate times a Beta kernel in the dropout probability (Fader, Hardie & Lee 2005,
equation 3), so the posterior is an exact two-part mixture:

* alive at T (probability P(alive)): ``lambda ~ Gamma(r + x, alpha + T)`` and
  ``p ~ Beta(a, b + x)``;
* dropped out after the last purchase: ``lambda ~ Gamma(r + x, alpha + t_x)`` and
  ``p ~ Beta(a + 1, b + x - 1)`` (the customer never buys again).

With K segments the customer's segment is drawn first from its posterior membership.
Spend follows the Gamma-Gamma posterior ``nu ~ Gamma(q + p x, v + x m)`` (Fader, Hardie
& Lee 2005b). A simulation started from these draws forecasts the same customers one by
one; averaged over replications it reproduces BG/NBD's conditional expectation
(:func:`simulator.clv.bgnbd_conditional_expected_purchases`).

References
----------
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
easy way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.

Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005b). RFM and CLV: Using iso-value
curves for customer base analysis. Journal of Marketing Research, 42(4), 415-430.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.calibration.fit import WEEK, BaseFit
from simulator.clv import bgnbd_prob_alive

__all__ = ["CustomerState", "draw_customers"]


@dataclass(frozen=True)
class CustomerState:
    """One draw of every customer's hidden state at the calibration end.

    ``rate`` is in purchase occasions per day, ``dropout`` the probability of leaving
    after a purchase, ``spend_scale`` the Gamma-Gamma nu (``None`` without amounts),
    ``purchases`` the occasions so far (trial included).
    """

    segment: NDArray[np.int16]
    alive: NDArray[np.bool_]
    rate: NDArray[np.float64]
    dropout: NDArray[np.float64]
    spend_scale: NDArray[np.float64] | None
    purchases: NDArray[np.int32]


def draw_customers(fit: BaseFit, rng: np.random.Generator) -> CustomerState:
    """Draw each customer's segment, activity, rate, dropout and spend scale."""
    rfm = fit.rfm
    x = rfm["frequency"].to_numpy()
    tx = rfm["recency"].to_numpy()
    t = rfm["T"].to_numpy()
    n = x.size
    k = len(fit.segments)
    # Inverse-CDF on one uniform per customer: the draw of one customer does not
    # depend on how many segments the others fall in.
    cum = np.cumsum(fit.membership, axis=1)
    segment = np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), k - 1).astype(np.int16)
    pars = {
        f: np.array([getattr(s, f) for s in fit.segments])[segment]
        for f in ("r", "alpha", "a", "b")
    }
    r, alpha, a, b = pars["r"], pars["alpha"], pars["a"], pars["b"]
    p_alive = np.empty(n)
    for j, seg in enumerate(fit.segments):
        rows = segment == j
        p_alive[rows] = bgnbd_prob_alive(x[rows], tx[rows], t[rows], **seg.params())
    alive = rng.random(n) < p_alive
    horizon = np.where(alive, t, tx)
    rate_weeks = rng.gamma(r + x, 1.0 / (alpha + horizon))
    dropout = np.where(
        alive,
        rng.beta(a, b + x),
        rng.beta(a + 1.0, np.maximum(b + x - 1.0, 1e-9)),
    )
    spend_scale = None
    if fit.spend is not None:
        m = rfm["monetary_value"].to_numpy()
        sp = fit.spend
        spend_scale = rng.gamma(sp["q"] + sp["p"] * x, 1.0 / (sp["v"] + x * m))
    return CustomerState(
        segment=segment,
        alive=alive,
        rate=rate_weeks / WEEK,
        dropout=dropout,
        spend_scale=spend_scale,
        purchases=(x + 1).astype(np.int32),
    )
