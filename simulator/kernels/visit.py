"""What a visit does to a customer: experience, satisfaction and the books, fused.

Reference rules: :func:`simulator.mechanisms.satisfaction.experienced_quality`,
:func:`~simulator.mechanisms.satisfaction.transaction_satisfaction` and
:func:`~simulator.mechanisms.satisfaction.smooth` (MODEL.md 3.3).
"""

from __future__ import annotations

import numpy as np

from simulator.kernels import NEVER_DAY, jit


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
    quality,
    failure_size,
    price,
    match,
    expectation,
    ref_price,
    satisfaction,
    b_quality,
    b_price,
    loss_aversion,
    curvature,
    omega,
    eta,
    eta_price,
    learn,
):
    """Transaction satisfaction of focal visits; updates S, E and the reference price.

    ``uplift`` and ``discount`` are per row (tier benefits). With ``learn`` False (the
    satisfaction module off) the stocks are left as they are. Returns the transaction
    satisfaction s and the S held before the visit.
    """
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
