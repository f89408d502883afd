"""The recommending-share kernel against neighbour_share_of over recommends (§3.7)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from simulator.kernels import acquisition as kernel
from simulator.kernels.uniforms import uniforms_at
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


def test_awareness_candidates_equal_the_thinned_prospects():
    rng = np.random.default_rng(6)
    n, day = 30_000, 50
    alive = rng.random(n) < 0.9
    relationship = rng.integers(0, 3, n).astype(np.int8)
    aware = rng.random((n, 3)) < 0.5
    blocked = np.where(rng.random(n) < 0.1, day + 5, -32000).astype(np.int16)
    key = np.uint64(77)
    prospects = kernel.unaware_prospects(alive, relationship, aware[:, 0], blocked, day)
    u = uniforms_at(key, prospects)
    # Thresholds at a uniform's own value and one float64 step above it: where a float32
    # and a float64 comparison would part.
    edge = float(u[10])
    for below in (np.float64(0.004), np.float64(edge), np.nextafter(np.float64(edge), 1.0)):
        maybe = u < below
        rows, got_u = kernel.awareness_candidates(
            alive, relationship, aware[:, 0], blocked, day, key, float(below)
        )
        np.testing.assert_array_equal(rows, prospects[maybe])
        np.testing.assert_array_equal(got_u, u[maybe])
        assert rows.size > 0
