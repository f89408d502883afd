"""What a customer's history says about their hidden state: segment membership, and a
draw of activity, purchase rate, dropout probability and spend scale.

The BG/NBD likelihood of a history is a sum of two terms, each a Gamma kernel in the
purchase rate times a Beta kernel in the dropout probability (Fader, Hardie & Lee 2005,
equation 3), so the posterior is an exact two-part mixture:

* active at T (probability P(alive)): ``lambda ~ Gamma(r + x, alpha + T)`` and
  ``p ~ Beta(a, b + x)``;
* dropped out after the last purchase: ``lambda ~ Gamma(r + x, alpha + t_x)`` and
  ``p ~ Beta(a + 1, b + x - 1)``; such a customer never buys again.

With K segments (a finite mixture) the segment is drawn first, with probability
proportional to ``share_k L_k(history)``. Spend follows the Gamma-Gamma posterior
``nu ~ Gamma(q + p x, v + x m)`` (Fader, Hardie & Lee 2005b). A population drawn this
way and run forward reproduces, on average, BG/NBD's conditional expectation
(:func:`simulator.clv.bgnbd_conditional_expected_purchases`).

References
----------
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
easy way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.

Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005b). RFM and CLV: Using iso-value
curves for customer base analysis. Journal of Marketing Research, 42(4), 415-430.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.special import logsumexp

from simulator.clv.bgnbd import bgnbd_log_likelihood, bgnbd_prob_alive

__all__ = ["draw_posterior", "segment_membership"]

Params = dict[str, float]


def segment_membership(
    x: NDArray[np.float64],
    tx: NDArray[np.float64],
    t: NDArray[np.float64],
    shares: Sequence[float],
    params: Sequence[Params],
) -> NDArray[np.float64]:
    """Posterior probability of each segment, shape (n, K), rows summing to 1."""
    comp = np.column_stack(
        [
            np.log(share) + np.asarray(bgnbd_log_likelihood(x, tx, t, **p))
            for share, p in zip(shares, params, strict=True)
        ]
    )
    return np.exp(comp - logsumexp(comp, axis=1)[:, None])


def draw_posterior(
    x: NDArray[np.float64],
    tx: NDArray[np.float64],
    t: NDArray[np.float64],
    membership: NDArray[np.float64],
    params: Sequence[Params],
    rng: np.random.Generator,
    *,
    spend: Sequence[Params] | None = None,
    mean_spend: NDArray[np.float64] | None = None,
) -> dict[str, NDArray]:
    """One draw of every customer's segment, activity, rate, dropout and spend scale.

    Parameters
    ----------
    x, tx, t
        Repeat purchases, time of the last one and of the observation end, measured
        from the first purchase, in the unit of ``alpha``.
    membership
        (n, K) segment probabilities (:func:`segment_membership`).
    params
        BG/NBD ``r, alpha, a, b`` of each segment.
    rng
        The generator to draw from.
    spend, mean_spend
        Gamma-Gamma ``p, q, v`` of each segment and each customer's mean repeat spend
        (in the money unit of ``v``); without them no spend scale is drawn.

    Returns
    -------
    dict
        ``segment`` (int16), ``alive`` (bool), ``rate`` (per unit of ``alpha``),
        ``dropout`` and, with spend, ``spend_scale`` (nu).
    """
    n, k = membership.shape
    # Inverse CDF on one uniform per customer, drawn first whatever K is.
    u = np.asarray(rng.random(n))
    segment = np.minimum((u[:, None] > np.cumsum(membership, axis=1)).sum(axis=1), k - 1)
    seg = segment.astype(np.int16)

    def per(name: str, table: Sequence[Params]) -> NDArray[np.float64]:
        return np.array([p[name] for p in table], dtype=float)[segment]

    r, alpha, a, b = (per(f, params) for f in ("r", "alpha", "a", "b"))
    p_alive = np.empty(n)
    for j, p in enumerate(params):
        rows = segment == j
        p_alive[rows] = bgnbd_prob_alive(x[rows], tx[rows], t[rows], **p)
    alive = rng.random(n) < p_alive
    rate = rng.gamma(r + x, 1.0 / (alpha + np.where(alive, t, tx)))
    # Customers who dropped out have x >= 1 (BG/NBD: dropout follows a purchase).
    dropout = np.where(alive, rng.beta(a, b + x), rng.beta(a + 1.0, np.maximum(b + x - 1.0, 1e-9)))
    out: dict[str, NDArray] = {"segment": seg, "alive": alive, "rate": rate, "dropout": dropout}
    if spend is not None and mean_spend is not None:
        sp, sq, sv = (per(f, spend) for f in ("p", "q", "v"))
        out["spend_scale"] = rng.gamma(sq + sp * x, 1.0 / (sv + x * mean_spend))
    return out
