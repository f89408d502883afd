"""Per-row arrays from a mechanism's answer, shared by the stages that pass them on."""

from __future__ import annotations

import numpy as np


def per_row(value: np.ndarray | float, size: int) -> np.ndarray:
    """A per-row float64 array from a mechanism's answer (a scalar when uniform).

    A scalar (no programme, no offer) is filled and a per-row array copied directly:
    ``broadcast_to``'s Python-level set-up cost more than the copy, several times a day.
    """
    if np.ndim(value) == 0:
        return np.full(size, value, dtype=np.float64)
    if np.shape(value) == (size,):
        return np.array(value, dtype=np.float64)
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (size,)).copy()
