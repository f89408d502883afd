"""Stage "acquisition": prospects become aware of the focal firm, Bass-style
(docs/model.md §3.7). Once aware, the firm is in a prospect's consideration set; its
first focal purchase (stage "visits") makes it an active customer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.engine.state import ACTIVE, SOURCE_ADVERTISING, SOURCE_WOM
from simulator.kernels import acquisition as kernel
from simulator.market.network import neighbour_share_of
from simulator.mechanisms.defection import hazard_to_probability

if TYPE_CHECKING:
    from simulator.engine.context import DayContext


def awareness_hazard(
    neighbour_share: np.ndarray | float, *, p_ext: float, q_int: float, advertising: float = 1.0
) -> np.ndarray | float:
    """Daily hazard ``(p_ext * advertising + q_int * f) / 365``.

    ``f`` is the share of a prospect's neighbours who are active, recommending focal
    customers; p and q are per year.

    References
    ----------
    Bass, F. M. (1969). A new product growth for model consumer durables. Management
    Science, 15(5), 215-227.
    Sultan, F., Farley, J. U., & Lehmann, D. R. (1990). A meta-analysis of applications
    of diffusion models. Journal of Marketing Research, 27(1), 70-77.
    """
    return (p_ext * advertising + q_int * neighbour_share) / 365.0


def bass_half_time(p: float, q: float) -> float:
    """Time at which half the market has adopted in the Bass model (same unit as 1/p)."""
    # F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}) = 1/2  =>  e^{-(p+q)t} = p / (2p + q)
    return float(np.log((2 * p + q) / p) / (p + q))


def run(ctx: DayContext) -> None:
    """Prospects who become aware of the focal firm today."""
    c = ctx.config
    if not c.modules.acquisition:
        return
    p = ctx.pop
    d = ctx.day
    a = c.market.acquisition
    social = c.modules.word_of_mouth and ctx.network is not None and a.q_int > 0
    terms = dict(p_ext=a.p_ext, q_int=a.q_int, advertising=a.advertising)
    # Thinning: with f <= 1 the hazard is at most h_top, so only unaware prospects whose
    # uniform is below its probability can become aware today (a fraction of a per
    # cent), and only theirs needs the share f of recommending neighbours. One compiled
    # pass finds them (unaware_prospects, then their uniforms, in numpy).
    h_top = awareness_hazard(1.0 if social else 0.0, **terms)
    rows, u = kernel.awareness_candidates(
        p.alive,
        p.relationship,
        p.aware[:, 0],
        p.blocked_until,
        d,
        ctx.transition_key,
        float(hazard_to_probability(h_top) * (1.0 + 1e-6)),
    )
    if social and ctx.network is not None:
        f = recommending_share(ctx, rows)
    else:
        f = np.zeros(rows.size, dtype=np.float32)
    aware = u < hazard_to_probability(awareness_hazard(f, **terms))
    new = rows[aware]
    p.aware[new, 0] = True
    by_adv = u[aware] < hazard_to_probability(a.p_ext * a.advertising / 365.0)
    p.acquisition_source[new] = np.where(by_adv, SOURCE_ADVERTISING, SOURCE_WOM)


def recommending_share(ctx: DayContext, rows: np.ndarray) -> np.ndarray:
    """The share f of each prospect's neighbours who :func:`recommends` the focal firm;
    compiled on a network with ties (a dozen small numpy calls a day otherwise)."""
    net = ctx.network
    assert net is not None
    if net.fully_mixed:
        return neighbour_share_of(net, rows, lambda r: recommends(ctx, r))
    p = ctx.pop
    return kernel.recommending_share(
        rows,
        net.csr.indptr,
        net.csr.indices,
        p.alive,
        p.relationship,
        p.satisfaction,
        bool(ctx.config.modules.satisfaction),
    )


def recommends(ctx: DayContext, rows: np.ndarray) -> np.ndarray:
    """Active focal customers likely to recommend (expected LTR >= 7): the f of the
    awareness hazard counts them among a prospect's neighbours (docs/model.md §3.7)."""
    p = ctx.pop
    ok = p.alive[rows] & (p.relationship[rows] == ACTIVE)
    if ctx.config.modules.satisfaction:
        ok &= p.satisfaction[rows] >= 6.5
    return ok
