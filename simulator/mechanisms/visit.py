"""Stage "visits": what a purchase does, at the focal firm and at competitors
(docs/model.md §3.3), and the day's purchase bookkeeping (§3.1-3.2).

Satisfaction is a stock fed by disconfirmation of expectations: transaction
satisfaction combines experienced quality with quality and price disconfirmation passed
through the prospect-theory value function, so losses weigh about twice gains and
sensitivity diminishes; cumulative satisfaction, expectations and the reference price
adapt. A prospect's first focal purchase makes it an active customer.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from simulator.engine.state import ACTIVE, PROSPECT, SOURCE_NAMES
from simulator.kernels import visit as kernel
from simulator.mechanisms import complaints
from simulator.mechanisms.rows import per_row

if TYPE_CHECKING:
    from simulator.config.schema import Scenario
    from simulator.engine.context import DayContext


def value_function(
    x: np.ndarray, loss_aversion: float = 2.25, curvature: float = 0.88
) -> np.ndarray:
    """Prospect-theory value: ``x**c`` for gains, ``-lambda * (-x)**c`` for losses.

    References
    ----------
    Tversky, A., & Kahneman, D. (1992). Advances in prospect theory: Cumulative
    representation of uncertainty. Journal of Risk and Uncertainty, 5(4), 297-323.
    """
    x = np.asarray(x, dtype=np.float64)
    mag = np.abs(x) ** curvature
    return np.where(x >= 0, mag, -loss_aversion * mag)


def experienced_quality(
    base: float | np.ndarray,
    match: np.ndarray | float,
    uplift: np.ndarray | float,
    noise: np.ndarray,
    failed: np.ndarray,
    failure_size: float,
) -> np.ndarray:
    """``q = Q_f + match + uplift + noise - failure_size * failed``.

    The persistent ``match`` keeps customers apart: without it the stock S would
    average the noise away and no one would sit in the defection or affection zones.
    """
    return base + match + uplift + noise - failure_size * failed


def transaction_satisfaction(
    quality: np.ndarray,
    expectation: np.ndarray,
    ref_price: np.ndarray,
    price_paid: np.ndarray,
    *,
    b_quality: float = 0.5,
    b_price: float = 0.3,
    loss_aversion: float = 2.25,
    curvature: float = 0.88,
) -> np.ndarray:
    """``s = clip(q + b_Q v(q - E) + b_P v(10 (ref - p)/ref), 0, 10)``.

    References
    ----------
    Oliver, R. L. (1980). A cognitive model of the antecedents and consequences of
    satisfaction decisions. Journal of Marketing Research, 17(4), 460-469.
    Anderson, E. W., & Sullivan, M. W. (1993). The antecedents and consequences of
    customer satisfaction for firms. Marketing Science, 12(2), 125-143.
    Mittal, V., Ross, W. T., & Baldasare, P. M. (1998). The asymmetric impact of negative
    and positive attribute-level performance. Journal of Marketing, 62(1), 33-47.
    """
    d_q = quality - expectation
    d_p = (ref_price - price_paid) / np.maximum(ref_price, 1e-9)
    s = (
        quality
        + b_quality * value_function(d_q, loss_aversion, curvature)
        + b_price * value_function(10.0 * d_p, loss_aversion, curvature)
    )
    return np.clip(s, 0.0, 10.0)


def smooth(stock: np.ndarray, target: np.ndarray, weight: float) -> np.ndarray:
    """Exponential smoothing ``stock + weight * (target - stock)``.

    Used for cumulative satisfaction (weight omega), adaptive expectations (eta) and the
    reference price (eta_P); Johnson, Anderson & Fornell (1995).
    """
    return stock + weight * (target - stock)


# ------------------------------------------------------------------- the stage


def run(ctx: DayContext) -> None:
    """The day's purchases: focal visits, competitor visits, then the books."""
    p = ctx.pop
    d = ctx.day
    j = p.n_firms
    grouped, starts = kernel.group_by_option(ctx.occasion_rows, ctx.chosen, j + 1)
    focal_purchase(ctx, grouped[starts[0] : starts[1]])
    for k in range(1, j):
        competitor_visit(ctx, grouped[starts[k] : starts[k + 1]], k)
    buyers = grouped[: starts[j]]
    firms = np.repeat(np.arange(j, dtype=np.int8), np.diff(starts[: j + 1]))
    u = ctx.streams.uniforms("dropout", d, buyers)
    # After the visits, so a prospect's first focal purchase counts as active.
    active_purchases, lost, exits = kernel.record_purchases(
        buyers, firms, u, p.last_firm, p.purchases, p.relationship, p.dropout, p.alive
    )
    ctx.flows.exits += exits
    ctx.flows.category_purchases += buyers.size
    ctx.flows.category_purchases_active += active_purchases
    ctx.flows.left_category += lost


def focal_purchase(ctx: DayContext, rows: np.ndarray, *, trial_purchase: bool = False) -> None:
    """A visit to the focal firm (docs/model.md §3.3)."""
    if rows.size == 0:
        return
    p = ctx.pop
    c = ctx.config
    d = ctx.day
    sat = c.market.satisfaction
    f = ctx.focal
    prog = ctx.programme
    rng = ctx.streams.get("visit", d)
    segs = c.market.segments
    shape = np.array([s.spend.p for s in segs])[p.segment[rows]]
    basket = rng.gamma(shape, 1.0 / p.spend_scale[rows]) * f.price
    discount = prog.discount(rows)
    gross = basket * (1.0 - discount)
    # Rewards redeemed on this visit pay for part of it; revenue is booked at list
    # price and discounts and rewards are programme costs (no double counting).
    reward_value, prog_cost, price_cut = prog.visit(d, rows, basket, gross)
    # A reward that is a discount on the basket is a lower price the customer sees;
    # a free item is not (docs/model.md §4.4).
    seen_discount = np.minimum(discount + price_cut / np.maximum(basket, 1e-9), 0.95)

    failed = rng.random(rows.size) < f.failure_rate
    noise = c.firm.quality_sd * rng.standard_normal(rows.size)
    s, s_before = kernel.focal_experience(
        rows=rows,
        noise=noise,
        failed=failed,
        uplift=per_row(prog.quality_uplift(rows), rows.size),
        discount=per_row(seen_discount, rows.size),
        match=p.match,
        expectation=p.expectation,
        ref_price=p.ref_price,
        satisfaction=p.satisfaction,
        params=kernel.Experience(
            quality=float(f.quality),
            failure_size=float(f.failure_size),
            price=float(f.price),
            b_quality=float(sat.quality_disconfirmation),
            b_price=float(sat.price_disconfirmation),
            loss_aversion=float(sat.loss_aversion),
            curvature=float(sat.curvature),
            omega=float(sat.carryover),
            eta=float(sat.expectation_learning),
            eta_price=float(sat.reference_price_learning),
            learn=bool(c.modules.satisfaction),
        ),
    )
    if c.modules.complaints:
        complaints.file(ctx, rows, s, s_before, failed, rng)
    p.last_failure_day[rows[failed]] = d
    _acquire(ctx, rows, trial_purchase)
    ctx.members.on_visit(rows, s, basket)
    # Cost of goods per basket does not scale with price: a price rise raises the
    # margin per basket (docs/model.md §4.4, v2). Quality above the reference level
    # costs money per visit.
    cost_of_goods = (1.0 - c.firm.margin_rate) * basket / f.price
    quality_cost = c.firm.quality_unit_cost * max(0.0, f.quality - reference_quality(ctx))
    visit_margin = basket - cost_of_goods - quality_cost
    margin = visit_margin - prog_cost
    kernel.book_focal_visits(
        rows,
        basket,
        margin,
        ctx.discount(d),
        d,
        p.revenue,
        p.value,
        p.focal_visits,
        p.first_focal_day,
        p.last_focal_day,
    )
    ctx.flows.revenue += float(basket.sum())
    ctx.flows.cost_of_goods += float(cost_of_goods.sum())
    ctx.flows.quality_cost += quality_cost * rows.size
    ctx.flows.gross_margin += float(visit_margin.sum())
    ctx.flows.focal_visits += rows.size
    if ctx.log.transactions is not None:
        ctx.log.transactions.append(
            (
                rows.astype(np.int64),
                np.full(rows.size, d, np.int32),
                np.zeros(rows.size, np.int8),
                basket.astype(np.float64),
            )
        )


def reference_quality(ctx: DayContext) -> float:
    """The quality the cost of goods pays for: the scenario's, or the baseline's."""
    ref = ctx.config.firm.reference_quality
    return ctx.constants.reference_quality if ref is None else ref


def _acquire(ctx: DayContext, rows: np.ndarray, trial_purchase: bool) -> None:
    """A prospect's first focal purchase makes it an active customer (docs/model.md §3.7);
    entrants' trial purchases are acquisitions of the cohort, not of the firm's spend."""
    p = ctx.pop
    d = ctx.day
    new = rows[p.relationship[rows] != ACTIVE] if not trial_purchase else rows
    new = new[p.relationship[new] == PROSPECT] if not trial_purchase else new
    if new.size == 0:
        return
    p.relationship[new] = ACTIVE
    p.active_since[new] = d
    p.acquired_day[new] = d
    p.ever_customer[new] = True
    if trial_purchase:
        return
    cost = ctx.config.firm.acquisition_cost
    p.value[new] -= cost * ctx.discount(d)
    ctx.flows.acquisition_cost += cost * new.size
    ctx.flows.acquired += new.size
    src = p.acquisition_source[new]
    t = ctx.totals
    for code, name in SOURCE_NAMES.items():
        attr = f"acquired_by_{name}"
        setattr(t, attr, getattr(t, attr) + int((src == code).sum()))
    ctx.programme.on_acquired(d, new)


def competitor_visit(ctx: DayContext, rows: np.ndarray, k: int) -> None:
    """A visit to competitor ``k`` updates the expectation of that firm."""
    if rows.size == 0:
        return
    p = ctx.pop
    c = ctx.config
    d = ctx.day
    rng = ctx.streams.get(f"competitor_visit_{k}", d)
    noise = c.firm.quality_sd * rng.standard_normal(rows.size)
    if c.modules.satisfaction:
        kernel.rival_experience(
            rows,
            k,
            ctx.firms[k].quality,
            noise,
            p.match,
            p.expectation,
            c.market.satisfaction.expectation_learning,
        )
    if ctx.log.transactions is not None:
        shape = np.array([s.spend.p for s in c.market.segments])[p.segment[rows]]
        spend = rng.gamma(shape, 1.0 / p.spend_scale[rows]) * ctx.firms[k].price
        ctx.log.transactions.append(
            (
                rows.astype(np.int64),
                np.full(rows.size, d, np.int32),
                np.full(rows.size, k, np.int8),
                spend,
            )
        )


# ------------------------------------------------------------- the steady state


def settled_satisfaction(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Where cumulative S settles for each mean experienced quality (docs/model.md §2).

    Runs the update rules above (experienced quality with noise and failures,
    transaction satisfaction, adaptive expectation, S as a stock) for ``visits`` visits
    on ``paths`` customers at each grid point of mean experienced quality from 0 to 12
    and returns the grid and S averaged after ``burn_in`` visits. The noise is fixed
    (seed 0), so the curve depends on the parameters only.
    """
    f = scenario.firm
    sat = scenario.market.satisfaction
    return _settled(
        f.quality_sd,
        f.failure_rate,
        f.failure_size,
        sat.quality_disconfirmation,
        sat.price_disconfirmation,
        sat.loss_aversion,
        sat.curvature,
        sat.carryover,
        sat.expectation_learning,
    )


# numpy computes x ** c with these exponents by other means (sqrt, square, ...), which
# the C library's pow in the compiled pass may not match to the last bit.
_NUMPY_SPECIAL_POWERS = (-1.0, 0.0, 0.5, 1.0, 2.0)


@lru_cache(maxsize=16)
def _settled(
    quality_sd: float,
    failure_rate: float,
    failure_size: float,
    b_quality: float,
    b_price: float,
    loss_aversion: float,
    curvature: float,
    omega: float,
    eta: float,
    visits: int = 300,
    burn_in: int = 100,
    paths: int = 32,
) -> tuple[np.ndarray, np.ndarray]:
    if float(curvature) in _NUMPY_SPECIAL_POWERS:
        return _settled_reference(
            quality_sd, failure_rate, failure_size, b_quality, b_price,
            loss_aversion, curvature, omega, eta, visits, burn_in, paths,
        )  # fmt: skip
    # The rules of _settled_reference, one compiled pass a visit (tests hold them equal);
    # the draws stay numpy's, in the same order.
    grid, rng, mu, e, s_stock, total = _settle_start(paths)
    for t in range(visits):
        uniform = rng.random(mu.size)
        noise = quality_sd * rng.standard_normal(mu.size)
        kernel.settle_step(
            mu, e, s_stock, total, uniform, noise, float(failure_rate), float(failure_size),
            float(b_quality), float(loss_aversion), float(curvature), float(omega), float(eta),
            t >= burn_in,
        )  # fmt: skip
    return _settle_end(grid, total, visits - burn_in, paths)


def _settled_reference(
    quality_sd: float,
    failure_rate: float,
    failure_size: float,
    b_quality: float,
    b_price: float,
    loss_aversion: float,
    curvature: float,
    omega: float,
    eta: float,
    visits: int = 300,
    burn_in: int = 100,
    paths: int = 32,
) -> tuple[np.ndarray, np.ndarray]:
    grid, rng, mu, e, s_stock, total = _settle_start(paths)
    for t in range(visits):
        failed = rng.random(mu.size) < failure_rate
        noise = quality_sd * rng.standard_normal(mu.size)
        q = experienced_quality(mu, 0.0, 0.0, noise, failed, failure_size)
        s = transaction_satisfaction(
            q,
            e,
            np.ones_like(mu),
            np.ones_like(mu),
            b_quality=b_quality,
            b_price=b_price,
            loss_aversion=loss_aversion,
            curvature=curvature,
        )
        s_stock = smooth(s_stock, s, omega)
        e = np.clip(smooth(e, q, eta), 0.0, 10.0)
        if t >= burn_in:
            total += s_stock
    return _settle_end(grid, total, visits - burn_in, paths)


def _settle_start(
    paths: int,
) -> tuple[np.ndarray, np.random.Generator, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The quality grid, the fixed noise (seed 0) and the paths' starting state."""
    grid = np.round(np.arange(0.0, 12.0001, 0.05), 2)
    mu = np.repeat(grid, paths)
    return grid, np.random.default_rng(0), mu, mu.copy(), np.clip(mu, 0.0, 10.0), np.zeros_like(mu)


def _settle_end(
    grid: np.ndarray, total: np.ndarray, kept: int, paths: int
) -> tuple[np.ndarray, np.ndarray]:
    """S averaged over the kept visits and over each grid point's paths."""
    settled = (total / kept).reshape(grid.size, paths).mean(axis=1)
    grid.flags.writeable = settled.flags.writeable = False  # cached: shared
    return grid, settled
