"""What a visit does to a customer: experience, satisfaction and the books, compiled
(docs/model.md §3.3), and the bookkeeping of the day's purchases (§3.1-3.2).

Reference rules: :func:`simulator.mechanisms.visit.experienced_quality`,
:func:`~simulator.mechanisms.visit.transaction_satisfaction` and
:func:`~simulator.mechanisms.visit.smooth`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from simulator.kernels import ACTIVE_CODE, NEVER_DAY, jit


class Experience(NamedTuple):
    """The scalar parameters of a focal visit (firm, ``market.satisfaction``)."""

    quality: float
    failure_size: float
    price: float
    b_quality: float
    b_price: float
    loss_aversion: float
    curvature: float
    omega: float
    eta: float
    eta_price: float
    learn: bool


@jit
def _value(x, loss_aversion, curvature):
    # Tversky & Kahneman (1992): x**c for gains, -lambda (-x)**c for losses.
    if x >= 0.0:
        return x**curvature
    return -loss_aversion * (-x) ** curvature


@jit
def focal_experience(
    rows,
    noise,
    failed,
    uplift,
    discount,
    match,
    expectation,
    ref_price,
    satisfaction,
    params,
):
    """Transaction satisfaction of focal visits; updates S, E and the reference price.

    ``uplift`` and ``discount`` are per row (tier benefits). With ``learn`` False (the
    satisfaction module off) the stocks are left as they are. Returns the transaction
    satisfaction s and the S held before the visit. ``params`` holds the scalars
    (:class:`Experience`).
    """
    quality, failure_size, price = params.quality, params.failure_size, params.price
    b_quality, b_price = params.b_quality, params.b_price
    loss_aversion, curvature = params.loss_aversion, params.curvature
    omega, eta, eta_price, learn = params.omega, params.eta, params.eta_price, params.learn
    m = rows.shape[0]
    s_out = np.empty(m, np.float64)
    before = np.empty(m, np.float32)
    for r in range(m):
        i = rows[r]
        q = quality + match[i, 0] + uplift[r] + noise[r]
        if failed[r]:
            q -= failure_size
        paid = price * (1.0 - discount[r])
        ref = np.float64(ref_price[i])
        e = np.float64(expectation[i, 0])
        d_p = (ref - paid) / max(ref, 1e-9)
        s = (
            q
            + b_quality * _value(q - e, loss_aversion, curvature)
            + b_price * _value(10.0 * d_p, loss_aversion, curvature)
        )
        s = min(max(s, 0.0), 10.0)
        s_out[r] = s
        before[r] = satisfaction[i]
        if learn:
            satisfaction[i] = satisfaction[i] + omega * (s - satisfaction[i])
            expectation[i, 0] = min(max(e + eta * (q - e), 0.0), 10.0)
            ref_price[i] = ref + eta_price * (paid - ref)
    return s_out, before


@jit
def rival_experience(rows, firm, quality, noise, match, expectation, eta):
    """Competitor visits update the expectation of that firm (adaptive expectations)."""
    for r in range(rows.shape[0]):
        i = rows[r]
        q = quality + match[i, firm] + noise[r]
        e = np.float64(expectation[i, firm])
        expectation[i, firm] = min(max(e + eta * (q - e), 0.0), 10.0)


@jit
def book_focal_visits(
    rows, basket, margin, discount_factor, day, revenue, value, visits, first_day, last_day
):
    """Revenue, discounted value, visit counts and visit days of focal visits."""
    for r in range(rows.shape[0]):
        i = rows[r]
        revenue[i] += np.float32(basket[r])
        value[i] += margin[r] * discount_factor
        visits[i] += 1
        if first_day[i] == NEVER_DAY:
            first_day[i] = day
        last_day[i] = day


@jit
def group_by_option(rows, chosen, options):
    """Rows grouped by chosen option, stable within each (a counting sort).

    Returns the grouped rows and ``starts`` (``options + 1`` entries): option k's rows
    are ``grouped[starts[k]:starts[k + 1]]``.
    """
    starts = np.zeros(options + 1, np.int64)
    for r in range(chosen.shape[0]):
        starts[chosen[r] + 1] += 1
    for k in range(options):
        starts[k + 1] += starts[k]
    fill = starts[:-1].copy()
    grouped = np.empty(rows.shape[0], np.int64)
    for r in range(rows.shape[0]):
        k = chosen[r]
        grouped[fill[k]] = rows[r]
        fill[k] += 1
    return grouped, starts


@jit
def record_purchases(buyers, firms, u, last_firm, purchases, relationship, dropout, alive):
    """Category purchases: last firm, purchase count and the BG/NBD dropout draw.

    After each repeat purchase (at any firm) a customer leaves the category with
    probability p (Fader, Hardie & Lee 2005); ``u`` holds one uniform per buyer.
    Returns (purchases by active customers, active customers who left the category,
    everyone who left it).
    """
    active_purchases = 0
    lost = 0
    exits = 0
    for r in range(buyers.shape[0]):
        i = buyers[r]
        is_active = relationship[i] == ACTIVE_CODE
        active_purchases += is_active
        last_firm[i] = firms[r]
        if purchases[i] >= 1 and u[r] < dropout[i]:
            alive[i] = False
            lost += is_active
            exits += 1
        purchases[i] += 1
    return active_purchases, lost, exits


@jit
def settle_step(
    mu,
    e,
    s_stock,
    total,
    uniform,
    noise,
    failure_rate,
    failure_size,
    b_quality,
    loss_aversion,
    curvature,
    omega,
    eta,
    accumulate,
):
    """One visit of every path of the settled-satisfaction curve, in place: experienced
    quality, transaction satisfaction (price at the reference: no price term), S as a
    stock and the adaptive expectation, with the operations of
    :func:`simulator.mechanisms.visit.settled_satisfaction`'s numpy reference in order."""
    for k in range(mu.shape[0]):
        failed = 1.0 if uniform[k] < failure_rate else 0.0
        q = mu[k] + 0.0 + 0.0 + noise[k] - failure_size * failed
        d = q - e[k]
        mag = abs(d) ** curvature
        v = mag if d >= 0 else -loss_aversion * mag
        s = min(max(q + b_quality * v + 0.0, 0.0), 10.0)
        s_stock[k] = s_stock[k] + omega * (s - s_stock[k])
        e[k] = min(max(e[k] + eta * (q - e[k]), 0.0), 10.0)
        if accumulate:
            total[k] += s_stock[k]
