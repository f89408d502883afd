"""Stage "store choice": a multinomial logit over the firms a customer knows and "buy
nowhere" (Guadagni & Little 1983; docs/model.md §3.2).

Options are the firms (column 0 the focal firm) plus a last column for "buy nowhere",
whose utility is 0. Unconsidered options get probability 0. The utility is written once
here (:func:`firm_utilities`, the readable reference) and compiled once
(:func:`simulator.kernels.choice.firm_utilities`); the terms that the programme and
competitors' offers add are gathered once, by :func:`utility_terms`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from simulator.engine.state import NEVER
from simulator.kernels import choice as kernel
from simulator.kernels import programme as kernel_programme
from simulator.kernels.uniforms import uniforms_at
from simulator.mechanisms.defection import switching_cost, tenure_table

if TYPE_CHECKING:
    from simulator.engine.context import DayContext

_EMPTY = np.zeros(0, dtype=np.float64)
_NO_ROWS = np.zeros(0, dtype=np.int64)


def choice_probabilities(utility: np.ndarray, considered: np.ndarray) -> np.ndarray:
    """Logit probabilities over the considered options of each row.

    Parameters
    ----------
    utility
        (n, K) utilities; the last column is "buy nowhere".
    considered
        (n, K) boolean mask; the last column should be True.

    References
    ----------
    Guadagni, P. M., & Little, J. D. C. (1983). A logit model of brand choice calibrated
    on scanner data. Marketing Science, 2(3), 203-238.
    """
    u = np.where(considered, utility, -np.inf)
    u = u - u.max(axis=1, keepdims=True)
    e = np.exp(u)
    return e / e.sum(axis=1, keepdims=True)


def sample_choice(probabilities: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Inverse-CDF draw of one option per row from one uniform per row."""
    cdf = np.cumsum(probabilities, axis=1)
    # Guard against cdf[-1] = 1 - eps: a uniform above it must still pick the last option.
    idx = (uniform[:, None] >= cdf).sum(axis=1)
    return np.minimum(idx, probabilities.shape[1] - 1).astype(np.int8)


def choose(utility: np.ndarray, considered: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Draw one option per row from firm utilities plus "buy nowhere" (utility 0).

    Equivalent to :func:`sample_choice` on :func:`choice_probabilities` with a last
    column of zeros, without forming the normalised matrix: the inverse CDF is read
    off the cumulative unnormalised weights (utilities are small, so ``exp`` cannot
    overflow). Returns the firm index, or ``J`` for "nowhere".
    """
    weights = np.exp(utility) * considered
    cdf = np.cumsum(weights, axis=1)
    total = cdf[:, -1] + 1.0  # exp(0) for buying nowhere
    idx = ((uniform * total)[:, None] >= cdf).sum(axis=1)
    return idx.astype(np.int8)


def update_habit(habit: np.ndarray, chosen: np.ndarray, smoothing: float) -> np.ndarray:
    """Exponentially smoothed choice history ``L <- s*L + (1-s)*1[chose j]``.

    Rows that chose "buy nowhere" (``chosen >= habit.shape[1]``) only decay.
    Guadagni & Little (1983) estimate s = 0.875.
    """
    out = habit * np.float32(smoothing)
    rows = np.flatnonzero(chosen < habit.shape[1])
    out[rows, chosen[rows]] += np.float32(1.0 - smoothing)
    return out


def calibrate_constants(
    base_utility: np.ndarray,
    considered: np.ndarray,
    target_shares: np.ndarray,
    skip_share: float,
    iterations: int = 200,
    tol: float = 1e-7,
) -> np.ndarray:
    """Alternative-specific constants that reproduce baseline shares (Berry's contraction).

    Parameters
    ----------
    base_utility
        (n, J) utilities of the firms without constants, for a sample of customers who
        know every firm.
    considered
        (n, J) mask (normally all True for the calibration sample).
    target_shares
        (J,) shares of purchases among firms; they sum to 1.
    skip_share
        Share of occasions spent nowhere; its utility is 0.

    Returns
    -------
    (J,) constants such that the sample's mean choice probabilities equal
    ``(1 - skip_share) * target_shares`` for the firms and ``skip_share`` for nowhere.

    References
    ----------
    Berry, S. (1994). Estimating discrete-choice models of product differentiation.
    RAND Journal of Economics, 25(2), 242-262.
    """
    n, j = base_utility.shape
    target = np.append((1.0 - skip_share) * np.asarray(target_shares, float), skip_share)
    asc = np.log(np.maximum(target[:j], 1e-12) / skip_share) - base_utility.mean(axis=0)
    cons = np.concatenate([considered, np.ones((n, 1), bool)], axis=1)
    for _ in range(iterations):
        u = np.concatenate([base_utility + asc, np.zeros((n, 1))], axis=1)
        achieved = choice_probabilities(u, cons).mean(axis=0)
        # Shares relative to "nowhere" fix the level as well as the split among firms.
        step = np.log(target[:j] / target[j]) - np.log(achieved[:j] / achieved[j])
        asc = asc + step
        if np.max(np.abs(step)) < tol:
            break
    return asc


# ------------------------------------------------------------------- the utility


class UtilityTerms(NamedTuple):
    """What the programme and competitors' offers add to the firms' utilities.

    ``focal_extra`` (the programme as a price cut, status, demotion penalty, rewarded
    behaviour, retention offers) is per row, or empty without a programme; ``price_cut``
    and ``conquest`` are (n, J), or empty without running offers. What a leaver would
    lose (points at risk, tier benefits) is not here: it acts on defection only (§3.4).
    """

    focal_extra: np.ndarray
    price_cut: np.ndarray
    conquest: np.ndarray


def reward_sensitivity(ctx: DayContext) -> np.ndarray:
    """psi of each segment: points valued at ``points_value_ratio`` x its sensitivity."""
    sens = np.array([s.reward_sensitivity for s in ctx.config.market.segments])
    return ctx.config.market.choice.points_value_ratio * sens


def utility_terms(ctx: DayContext, rows: np.ndarray) -> UtilityTerms:
    """The programme's and the offers' terms for customers ``rows``."""
    p = ctx.pop
    prog = ctx.programme
    extra = _EMPTY
    if prog.active:
        # The programme as a price cut, plus status and rewarded-behaviour bonuses.
        extra = prog.focal_terms(rows, reward_sensitivity(ctx))
    offers = ctx.offers
    empty = np.zeros((0, p.n_firms), dtype=np.float32)
    cut = conquest = empty
    if offers.price_cut is not None and offers.conquest is not None:
        cut, conquest = offers.price_cut, offers.conquest
    return UtilityTerms(extra, cut, conquest)


def firm_utilities(ctx: DayContext, rows: np.ndarray, *, with_state: bool = True) -> np.ndarray:
    """(len(rows), J) utilities of the firms, without constants (docs/model.md §3.2).

    ``U_j = beta_Q E_j - beta_P ln(price_j (1 - offer_j)(1 - psi reward_rate_j))
    + beta_L L_j + [focal: beta_S (S - 7) + beta_W W + programme terms]
    + switching cost 1[j used last]``. With ``with_state`` False, the terms of a
    customer with no history (offers, word-of-mouth, programme bonuses, switching
    costs) are left out: the base utilities the constants are calibrated on.
    """
    p = ctx.pop
    ch = ctx.config.market.choice
    beta_p = p.price_sens[rows]
    # The price term ln(price (1 - offer) (1 - psi reward_rate)) splits into a
    # firm-level ln(price) and corrections that are zero for most customers.
    log_price = np.log([f.price for f in ctx.firms]).astype(np.float32)
    u = p.quality_weight[rows, None] * p.expectation[rows]
    u -= beta_p[:, None] * log_price[None, :]
    u += np.float32(ch.habit_weight) * p.habit[rows]
    psi = reward_sensitivity(ctx)[p.segment[rows]]
    rival_rates = np.array([f.reward_rate for f in ctx.competitors])
    if rival_rates.any():
        u[:, 1:] -= beta_p[:, None] * np.log1p(-psi[:, None] * rival_rates[None, :])
    focal_rate = ctx.programme.reward_rate(rows)
    mem = np.flatnonzero(focal_rate)
    if mem.size:
        u[mem, 0] -= beta_p[mem] * np.log1p(-psi[mem] * focal_rate[mem])
    u[:, 0] += ch.satisfaction_weight * (p.satisfaction[rows] - 7.0)
    if not with_state:
        return u
    cut, conquest = ctx.offers.offer_terms(rows)
    if not np.isscalar(cut):
        u -= beta_p[:, None] * np.log1p(-cut)
        u += conquest
    u[:, 0] += ch.wom_weight * p.wom[rows]
    u[:, 0] += ctx.programme.utility_bonus(rows)
    last = p.last_firm[rows]
    has = np.flatnonzero(last >= 0)
    sc = np.full(len(has), ch.procedural_switching_cost, dtype=np.float32)
    focal_last = last[has] == 0
    sc[focal_last] = focal_switching_cost(ctx, rows[has][focal_last])
    u[has, last[has]] += sc
    return u


def focal_switching_cost(
    ctx: DayContext, rows: np.ndarray, *, financial: bool = False
) -> np.ndarray:
    """Procedural + relational switching cost of the focal firm (the utility's, §3.2);
    with ``financial``, plus what a leaver would lose (the defection hazard's, §3.4)."""
    ch = ctx.config.market.choice
    since = ctx.pop.active_since[rows]
    tenure = np.where(since == NEVER, 0, ctx.day - since.astype(np.float32))
    return switching_cost(
        tenure,
        ctx.programme.financial_switching_cost(rows) if financial else 0.0,
        procedural=ch.procedural_switching_cost,
        relational_max=ch.relational_switching_cost,
    )


def compiled_utilities(ctx: DayContext, rows: np.ndarray) -> np.ndarray:
    """:func:`firm_utilities` through the compiled kernel (tests hold them equal)."""
    p = ctx.pop
    ch = ctx.config.market.choice
    terms = utility_terms(ctx, rows)
    return kernel.firm_utilities(
        rows=rows,
        day=ctx.day,
        price_sens=p.price_sens,
        quality_weight=p.quality_weight,
        expectation=p.expectation,
        habit=p.habit,
        satisfaction=p.satisfaction,
        wom=p.wom,
        last_firm=p.last_firm,
        active_since=p.active_since,
        switching_by_tenure=tenure_table(ctx),
        segment=p.segment,
        log_price=np.log([f.price for f in ctx.firms]),
        rival_rate=np.array([0.0] + [f.reward_rate for f in ctx.competitors]),
        psi_by_segment=reward_sensitivity(ctx),
        focal_extra=terms.focal_extra,
        price_cut=terms.price_cut,
        conquest=terms.conquest,
        weights=kernel.ChoiceWeights(
            float(ch.habit_weight),
            float(ch.satisfaction_weight),
            float(ch.wom_weight),
            float(ch.procedural_switching_cost),
        ),
    )


# ------------------------------------------------------------------- the stage


def run(ctx: DayContext) -> None:
    """Each customer with an occasion picks a store, or nowhere; a programme re-times
    its members' focal visits; habits learn."""
    p = ctx.pop
    rows = ctx.occasion_rows
    boosted = ctx.programme.rate_multiplier()
    extra = _NO_ROWS
    if boosted is not None:
        # Compiled twin of extra_occasions (tests hold them equal).
        key = ctx.streams.key("goal_gradient", ctx.day)
        extra = kernel_programme.extra_occasions(rows, *boosted, key, p.rate, p.n)
    chosen, focal_p = _choose(ctx, rows, extra)
    if boosted is not None:
        # Compiled twin of skip_slowed, on the same stream.
        chosen = kernel_programme.skip_slowed(rows, chosen, *boosted, key, np.int8(p.n_firms))
    if extra.size:
        # The extra occasion ends at the focal firm with the member's probability of
        # choosing it, else is skipped: choices at competitors are never touched.
        focal = uniforms_at(ctx.streams.key("goal_gradient_choice", ctx.day), extra)
        pick = np.where(focal < focal_p, np.int8(0), np.int8(p.n_firms)).astype(np.int8)
        rows, chosen = np.concatenate([rows, extra]), np.concatenate([chosen, pick])
    if rows.size:
        kernel.learn_habit(rows, chosen, p.habit, ctx.config.market.choice.habit_smoothing)
    ctx.occasion_rows, ctx.chosen = rows, chosen


def _choose(ctx: DayContext, rows: np.ndarray, extra: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The store picked on each occasion of ``rows``, and the logit probability of the
    focal firm for each of ``extra``: one utility pass for both, since each row's
    utilities are its own."""
    p = ctx.pop
    d = ctx.day
    n = rows.size
    if not ctx.config.modules.competition:
        chosen = kernel.focal_or_nowhere(
            rows, p.aware, p.blocked_until, p.relationship, d, p.n_firms
        )
        focal = kernel.focal_or_nowhere(
            extra, p.aware, p.blocked_until, p.relationship, d, p.n_firms
        )
        return chosen, (focal == 0).astype(np.float64)
    both = np.concatenate([rows, extra]) if extra.size else rows
    if both.size == 0:
        return np.zeros(0, dtype=np.int8), _EMPTY
    weights = compiled_utilities(ctx, both)
    kernel.consider(both, weights, ctx.constants.asc, p.aware, p.blocked_until, p.relationship, d)
    # numpy's SIMD exp beats a scalar exp per option in a kernel.
    w = np.exp(weights, out=weights)
    chosen = kernel.choose(ctx.choice_uniform, w[:n]) if n else np.zeros(0, dtype=np.int8)
    return chosen, w[n:, 0] / (1.0 + w[n:].sum(axis=1))


def extra_occasions(
    ctx: DayContext,
    rows: np.ndarray,
    members: np.ndarray,
    mult: np.ndarray,
    *,
    key: np.uint64 | None = None,
) -> np.ndarray:
    """Members with no occasion today who get an extra one from the goal gradient
    (Kivetz, Urminsky & Zheng 2006; docs/model.md §3.1, v2).

    Where a member's multiplier M is above 1, a member with no occasion today has an
    extra one with probability ``1 - exp(-lambda (M - 1))``; :func:`run` then sends it
    to the focal firm with the member's probability of choosing it, else skips it.
    """
    p = ctx.pop
    fast = mult > 1.0
    cand = members[fast]
    # Who has an occasion today, as a mark over the population: np.isin sorted both.
    has_occasion = np.zeros(p.n, dtype=bool)
    has_occasion[rows] = True
    free = ~has_occasion[cand]
    cand, m = cand[free], mult[fast][free]
    key = ctx.streams.key("goal_gradient", ctx.day) if key is None else key
    u = uniforms_at(key, cand)
    return cand[u < -np.expm1(-p.rate[cand].astype(np.float64) * (m - 1.0))]


def skip_slowed(
    ctx: DayContext,
    rows: np.ndarray,
    chosen: np.ndarray,
    members: np.ndarray,
    mult: np.ndarray,
    *,
    key: np.uint64 | None = None,
) -> np.ndarray:
    """The goal gradient slows members' visits at the programme's own firm only
    (docs/model.md §3.1, v2): where a member's multiplier M is below 1, a focal choice
    becomes a skip with probability 1 - M. Choices at competitors are never touched."""
    if rows.size == 0:
        return chosen
    pos = np.flatnonzero(chosen == 0)
    at = np.searchsorted(members, rows[pos])
    hit = (at < members.size) & (members[np.minimum(at, members.size - 1)] == rows[pos])
    pos, m = pos[hit], mult[at[hit]]
    slow = m < 1.0
    key = ctx.streams.key("goal_gradient", ctx.day) if key is None else key
    u = uniforms_at(key, rows[pos[slow]])
    chosen = chosen.copy()
    chosen[pos[slow][u < 1.0 - m[slow]]] = np.int8(ctx.pop.n_firms)
    return chosen
