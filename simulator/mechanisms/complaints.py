"""Stage "complaint desk": complaints and service recovery (docs/model.md §3.3, §5.2).

Complaints are filed during the visit (:func:`file`); the desk (a SimPy model, see
:mod:`simulator.market.desk`) is advanced to the model's clock at the end of the day and
its outcomes applied (:func:`run`). The recovery paradox raises satisfaction but not
repurchase (de Matos, Henrique & Rossi 2007); a failed recovery is a double deviation
(Bitner, Booms & Tetreault 1990).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.kernels import complaints as kernel

if TYPE_CHECKING:
    from simulator.engine.context import DayContext


def complaint_probability(
    s: np.ndarray, failed: np.ndarray, *, threshold: float, rate: float, rate_after_failure: float
) -> np.ndarray:
    """Chance to complain after a visit: only below the threshold, higher after a failure."""
    p = np.where(failed, rate_after_failure, rate)
    return np.where(s < threshold, p, 0.0)


def recovered_satisfaction(
    s_now: np.ndarray, s_transaction: np.ndarray, s_before: np.ndarray, *, omega: float, lift: float
) -> np.ndarray:
    """Cumulative S after a timely recovery of a first failure.

    The transaction's contribution ``omega * s`` is replaced by
    ``omega * max(s, S_before + lift)``: the satisfaction side of the recovery paradox.

    References
    ----------
    de Matos, C. A., Henrique, J. L., & Rossi, C. A. V. (2007). Service recovery paradox:
    A meta-analysis. Journal of Service Research, 10(1), 60-77.
    """
    target = np.maximum(s_transaction, s_before + lift)
    return np.clip(s_now + omega * (target - s_transaction), 0.0, 10.0)


# ------------------------------------------------------------------- the stage


def file(
    ctx: DayContext,
    rows: np.ndarray,
    s: np.ndarray,
    s_before: np.ndarray,
    failed: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Focal visitors with a bad experience complain; complaints join the desk's queue.

    :func:`file_reference` is the same rule in numpy; the compiled pass runs here (tests
    hold them equal).
    """
    p = ctx.pop
    d = ctx.day
    cp = ctx.config.market.complaints
    who = kernel.file_complaints(
        rows,
        s,
        s_before,
        failed,
        rng.random(rows.size),
        cp.threshold,
        cp.rate,
        cp.rate_after_failure,
        d,
        cp.memory_days,
        p.last_failure_day,
        p.complaint_s,
        p.complaint_s_before,
        p.complaint_first,
        p.complaints,
    )
    if who.size == 0:
        return
    arrivals = (d - 1) + np.sort(rng.random(who.size))
    ctx.desk.submit(who, arrivals, ctx.streams.get("desk_service", d))
    ctx.flows.complaints += who.size
    ctx.members.on_complaint(who)


def file_reference(
    ctx: DayContext,
    rows: np.ndarray,
    s: np.ndarray,
    s_before: np.ndarray,
    failed: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    """Who complains, with the complaint's state booked: the numpy reference of the
    compiled pass in :func:`file` (``u``: each visitor's uniform)."""
    p = ctx.pop
    d = ctx.day
    cp = ctx.config.market.complaints
    prob = complaint_probability(
        s,
        failed,
        threshold=cp.threshold,
        rate=cp.rate,
        rate_after_failure=cp.rate_after_failure,
    )
    complain = u < prob
    who = rows[complain]
    first_failure = failed[complain] & (
        (d - p.last_failure_day[who].astype(np.int32)) > cp.memory_days
    )
    p.complaint_s[who] = s[complain]
    p.complaint_s_before[who] = s_before[complain]
    p.complaint_first[who] = first_failure
    p.complaints[who] += 1
    return who


def run(ctx: DayContext) -> None:
    """Advance the SimPy desk to the model's clock and apply the outcomes
    (docs/model.md §3.3, §5.2): the recovery paradox and double deviations."""
    d = ctx.day
    desk = ctx.desk
    flows = ctx.flows
    res = desk.advance(float(d), ctx.streams.get("desk_resolution", d))
    flows.service_cost += desk.staff * ctx.config.firm.desk.cost_per_handler_day
    waits = desk.drain_waits()
    if waits.size:
        ctx.log.waits.append(waits.astype(np.float32))
        flows.wait_sum = float(waits.sum())
        flows.waited = float(waits.size)
    if res.customer.size == 0:
        return
    p = ctx.pop
    cp = ctx.config.market.complaints
    sat = ctx.config.market.satisfaction
    flows.closed = float(res.customer.size)
    flows.resolved = float(res.resolved.sum())
    ctx.totals.complaints_closed += res.customer.size
    ctx.totals.complaints_resolved += int(res.resolved.sum())
    ctx.members.on_resolved(res.customer, res.waited, res.resolved)
    ok = res.customer[res.resolved]
    paradox = ok[p.complaint_first[ok]]
    if paradox.size and ctx.config.modules.satisfaction:
        p.satisfaction[paradox] = recovered_satisfaction(
            p.satisfaction[paradox],
            p.complaint_s[paradox],
            p.complaint_s_before[paradox],
            omega=sat.carryover,
            lift=cp.paradox_lift,
        )
    # The paradox raises satisfaction, not repurchase (de Matos et al. 2007).
    p.hazard_boost_until[paradox] = d + cp.paradox_days
    if paradox.size:
        ctx.log.recoveries.append((d, paradox.copy(), p.complaint_s_before[paradox].copy()))
    bad = res.customer[~res.resolved]
    if bad.size:
        if ctx.config.modules.satisfaction:
            p.satisfaction[bad] = np.maximum(p.satisfaction[bad] - cp.double_deviation, 0.0)
        p.negative_talk_until[bad] = d + cp.negative_talk_days
