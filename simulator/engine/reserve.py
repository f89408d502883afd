"""How many rows the population keeps in reserve for people entering later (§3.7).

Apart from ``initial.py`` so that the memory check (``experiment/memory.py``) sizes a
run exactly as the engine will, without importing the engine.
"""

from __future__ import annotations

import math

# Reserve of potential entrants, as a multiple of the expected number over the run, and
# a floor: entry beyond it stops with a note in the events log.
RESERVE_FACTOR = 1.5
RESERVE_FLOOR = 50


def reserve_rows(rate: float, horizon: int) -> int:
    """Rows kept for entrants arriving at ``rate`` a day over ``horizon`` days (warm-up
    and reported window): 1.5 times the expected number, plus 50; none without entry."""
    if rate <= 0:
        return 0
    return math.ceil(rate * horizon * RESERVE_FACTOR) + RESERVE_FLOOR
