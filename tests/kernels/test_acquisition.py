"""The recommending-share kernel against neighbour_share_of over recommends (§3.7)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from simulator.kernels import acquisition as kernel
from simulator.market.network import build_network, neighbour_share_of
from simulator.mechanisms.acquisition import recommends


@pytest.mark.parametrize("kind", ["watts_strogatz", "barabasi_albert"])
@pytest.mark.parametrize("by_satisfaction", [True, False])
def test_recommending_share_equals_neighbour_share_of_recommends(kind, by_satisfaction):
    rng = np.random.default_rng(4)
    n = 4_000
    net = build_network(kind, n, rng)
    pop = SimpleNamespace(
        alive=rng.random(n) < 0.9,
        relationship=rng.integers(0, 3, n).astype(np.int8),
        satisfaction=rng.uniform(0, 10, n).astype(np.float32),
    )
    pop.satisfaction[:50] = np.float32(6.5)  # the threshold itself counts
    ctx = SimpleNamespace(
        pop=pop, config=SimpleNamespace(modules=SimpleNamespace(satisfaction=by_satisfaction))
    )
    rows = rng.integers(0, n, 300)  # repeats allowed
    got = kernel.recommending_share(
        rows,
        net.csr.indptr,
        net.csr.indices,
        pop.alive,
        pop.relationship,
        pop.satisfaction,
        by_satisfaction,
    )
    want = neighbour_share_of(net, rows, lambda r: recommends(ctx, r))
    assert got.dtype == want.dtype == np.float32
    assert got.tobytes() == want.tobytes()
    assert 0 < got.max() < 1
