"""The loyalty programme: points, tiers, campaigns and accounting behind one facade.

:func:`make_programme` gives the running :class:`~.facade.Programme`, or the null
:class:`~.null.NoProgramme` when the firm has none or the module is off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.programme.facade import Programme
from simulator.programme.null import NoProgramme

if TYPE_CHECKING:
    from simulator.engine.context import DayContext

__all__ = ["NoProgramme", "Programme", "make_programme"]


def make_programme(ctx: DayContext) -> Programme | NoProgramme:
    """The programme of the live scenario in ``ctx`` (not yet opened or scheduled)."""
    cfg = ctx.config
    if cfg.modules.programme and cfg.firm.programme is not None:
        return Programme(ctx, cfg.firm.programme)
    return NoProgramme()
