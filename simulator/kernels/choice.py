"""Store choice, compiled (docs/model.md §3.2).

Reference rules: :func:`simulator.mechanisms.choice.firm_utilities`,
:func:`~simulator.mechanisms.choice.choose` and
:func:`~simulator.mechanisms.choice.update_habit`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from simulator.kernels import LAPSED_CODE, jit, tenure_days


class ChoiceWeights(NamedTuple):
    """The scalar weights of the utility (``market.choice``)."""

    habit_weight: float
    satisfaction_weight: float
    wom_weight: float
    procedural: float


@jit
def firm_utilities(
    rows,
    day,
    price_sens,
    quality_weight,
    expectation,
    habit,
    satisfaction,
    wom,
    last_firm,
    active_since,
    switching_by_tenure,
    segment,
    log_price,
    rival_rate,
    psi_by_segment,
    focal_extra,
    price_cut,
    conquest,
    weights,
):
    """(len(rows), J) firm utilities without constants (Guadagni & Little 1983).

    ``switching_by_tenure[t]`` is the procedural + relational switching cost of the
    focal firm at tenure t days. ``focal_extra`` (the programme's reward-rate term and
    utility bonus) is per row,
    or empty when no programme runs; ``price_cut`` and ``conquest`` are (n, J), or
    empty without offers; ``weights`` are the scalar weights (:class:`ChoiceWeights`).
    """
    m = rows.shape[0]
    j = log_price.shape[0]
    out = np.empty((m, j), np.float64)
    has_programme = focal_extra.shape[0] > 0
    has_offers = price_cut.shape[0] > 0
    longest = switching_by_tenure.shape[0] - 1
    for r in range(m):
        i = rows[r]
        beta = np.float64(price_sens[i])
        qw = np.float64(quality_weight[i])
        psi = psi_by_segment[segment[i]]
        for k in range(j):
            v = qw * expectation[i, k] - beta * log_price[k] + weights.habit_weight * habit[i, k]
            if k > 0 and rival_rate[k] != 0.0:
                v -= beta * math.log1p(-psi * rival_rate[k])
            if has_offers:
                v -= beta * math.log1p(-np.float64(price_cut[i, k]))
                v += conquest[i, k]
            out[r, k] = v
        w = weights
        out[r, 0] += w.satisfaction_weight * (satisfaction[i] - 7.0) + w.wom_weight * wom[i]
        if has_programme:
            out[r, 0] += focal_extra[r]
        last = last_firm[i]
        if last == 0:
            out[r, 0] += switching_by_tenure[min(tenure_days(active_since[i], day), longest)]
        elif last > 0:
            out[r, last] += weights.procedural
    return out


@jit
def consider(rows, utility, asc, aware, blocked_until, relationship, day):
    """Add the constants and shut out unconsidered firms (utility -inf), in place.

    A customer considers the firms it knows; a lapsed or blocked customer does not
    consider the focal firm. ``exp`` of the result is each option's logit weight.
    """
    for r in range(rows.shape[0]):
        i = rows[r]
        focal_ok = aware[i, 0] and blocked_until[i] < day and relationship[i] != LAPSED_CODE
        for k in range(asc.shape[0]):
            ok = focal_ok if k == 0 else aware[i, k]
            utility[r, k] = utility[r, k] + asc[k] if ok else -np.inf


@jit
def focal_or_nowhere(rows, aware, blocked_until, relationship, day, options):
    """Without competition every occasion of a customer who considers the focal firm
    is a focal purchase (BG/NBD nested inside); the others buy nowhere (``options``)."""
    chosen = np.empty(rows.shape[0], np.int8)
    for r in range(rows.shape[0]):
        i = rows[r]
        focal_ok = aware[i, 0] and blocked_until[i] < day and relationship[i] != LAPSED_CODE
        chosen[r] = 0 if focal_ok else options
    return chosen


@jit
def choose(uc, weights):
    """Inverse-CDF draw of one option per row from the firms' logit weights plus
    "buy nowhere" (weight 1, utility 0); returns the firm, or J for nowhere."""
    m, j = weights.shape
    chosen = np.empty(m, np.int8)
    for r in range(m):
        total = 1.0
        for k in range(j):
            total += weights[r, k]
        x = uc[r] * total
        pick = j
        acc = 0.0
        for k in range(j):
            acc += weights[r, k]
            if x < acc:
                pick = k
                break
        chosen[r] = pick
    return chosen


@jit
def learn_habit(rows, chosen, habit, smoothing):
    """``L <- s L + (1 - s) 1[chose j]`` in place (Guadagni & Little 1983); "buy
    nowhere" (chosen >= J) only decays."""
    keep = np.float32(smoothing)
    gain = np.float32(1.0 - smoothing)
    j = habit.shape[1]
    for r in range(rows.shape[0]):
        i = rows[r]
        for k in range(j):
            habit[i, k] = habit[i, k] * keep
        if chosen[r] < j:
            habit[i, chosen[r]] += gain
