"""per_row: the same float64 values as broadcasting the answer, always a fresh array."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.mechanisms.rows import per_row


@pytest.mark.parametrize(
    "value",
    [
        0.0,
        1,
        np.float32(0.3),
        np.float64(2.5),
        np.linspace(0, 1, 7, dtype=np.float32),
        np.arange(7),
        np.array([0.25]),
    ],
)
def test_per_row_is_the_broadcast_answer_copied(value):
    got = per_row(value, 7)
    want = np.broadcast_to(np.asarray(value, dtype=np.float64), (7,)).copy()
    assert got.dtype == np.float64 and got.tobytes() == want.tobytes()
    assert got.flags.writeable and not np.shares_memory(got, np.asarray(value))
