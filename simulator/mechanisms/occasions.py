"""Stage "occasions": purchase occasions on the BG/NBD base process (docs/model.md §3.1).

The daily chance of an occasion is ``1 - exp(-lambda * M)`` (Fader, Hardie & Lee 2005),
where ``M`` multiplies the base rate with the programme's motivational effects
(:mod:`simulator.programme.motivation`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulator.kernels import occasions as kernel

if TYPE_CHECKING:
    from simulator.engine.context import DayContext


def occasion_probability(rate: np.ndarray, multiplier: np.ndarray | float = 1.0) -> np.ndarray:
    """Daily probability of a purchase occasion for a Poisson rate ``rate`` per day.

    References
    ----------
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the
    easy way: An alternative to the Pareto/NBD model. Marketing Science, 24(2), 275-284.
    """
    return -np.expm1(-rate * multiplier)


def run(ctx: DayContext) -> None:
    """Who has a purchase occasion today (docs/model.md §3.1).

    Chances are fixed per customer at the base rate: a programme re-times its members'
    visits to its own firm after store choice
    (:func:`simulator.mechanisms.choice.extra_occasions`,
    :func:`~simulator.mechanisms.choice.skip_slowed`) and never touches the occasions
    that end at competitors. The customer's occasion
    uniform also picks the store: given an occasion, ``u / p`` is again uniform.
    """
    p = ctx.pop
    prob = ctx.constants.base_occasion
    ctx.occasion_rows, ctx.choice_uniform = kernel.occasion_rows(
        ctx.occasion_key, prob, p.alive, p.entry_day, ctx.day, ctx.constants.has_entrants
    )
