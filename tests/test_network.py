"""The social network: structure, sampling and incremental neighbour counts (MODEL.md 3.6)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.network import (
    NeighbourCounter,
    build_network,
    memory_bytes,
    neighbour_share,
    random_neighbour,
    read_edgelist,
)


def _edges(net):
    rows = np.repeat(np.arange(net.n), np.diff(net.indptr))
    return set(zip(rows.tolist(), net.indices.tolist(), strict=True))


def test_watts_strogatz_structure():
    net = build_network("watts_strogatz", 5000, np.random.default_rng(1), k=10, rewire=0.1)
    edges = _edges(net)
    assert all((b, a) in edges for a, b in edges), "symmetric"
    assert all(a != b for a, b in edges), "no self-loops"
    assert net.degree.mean() == pytest.approx(10, abs=0.1)
    assert 1 - net.strong.mean() == pytest.approx(0.1, abs=0.02)  # rewired = weak ties


def test_same_seed_same_graph_different_seed_different():
    a = build_network("watts_strogatz", 2000, np.random.default_rng(3))
    b = build_network("watts_strogatz", 2000, np.random.default_rng(3))
    c = build_network("watts_strogatz", 2000, np.random.default_rng(4))
    assert np.array_equal(a.indices, b.indices) and np.array_equal(a.strong, b.strong)
    assert not np.array_equal(a.indices, c.indices)


def test_barabasi_albert_and_fully_mixed():
    ba = build_network("barabasi_albert", 3000, np.random.default_rng(1), m=5)
    assert ba.degree.mean() == pytest.approx(10, abs=0.2)
    fm = build_network("fully_mixed", 100, np.random.default_rng(1))
    flag = np.zeros(100, bool)
    flag[:30] = True
    share = neighbour_share(fm, flag)
    assert share[0] == pytest.approx(29 / 99) and share[50] == pytest.approx(30 / 99)
    with pytest.raises(ValueError, match="options are"):
        build_network("small_world", 10, np.random.default_rng(1))


def test_random_neighbour_returns_real_neighbours_uniformly():
    net = build_network("watts_strogatz", 1000, np.random.default_rng(2), k=4, rewire=0.0)
    speakers = np.full(40_000, 10)
    listeners, strong = random_neighbour(net, speakers, np.random.default_rng(3))
    assert set(listeners.tolist()) == {8, 9, 11, 12}
    assert np.allclose(
        np.bincount(listeners, minlength=13)[[8, 9, 11, 12]] / 40_000, 0.25, atol=0.01
    )
    assert strong.all()
    fm = build_network("fully_mixed", 50, np.random.default_rng(1))
    other, _ = random_neighbour(fm, np.arange(50), np.random.default_rng(1))
    assert (other != np.arange(50)).all() and other.max() < 50


def test_edge_list_round_trip_and_errors(tmp_path):
    path = tmp_path / "edges.csv"
    path.write_text("source,target,strong\n0,1,1\n1,2,0\n5,6,1\n")
    net = read_edgelist(str(path), 8)
    assert _edges(net) == {(0, 1), (1, 0), (1, 2), (2, 1), (5, 6), (6, 5)}
    assert net.degree.tolist() == [1, 2, 1, 0, 0, 1, 1, 0]
    bad = tmp_path / "bad.csv"
    bad.write_text("0 1\n1 x\n")
    with pytest.raises(ValueError, match=r"bad.csv: line 2: expected two integer node ids"):
        read_edgelist(str(bad), 8)
    out = tmp_path / "out.csv"
    out.write_text("0 9\n")
    with pytest.raises(ValueError, match=r"line 1: node ids must be in \[0, 8\)"):
        read_edgelist(str(out), 8)
    with pytest.raises(ValueError, match="edge list file not found"):
        read_edgelist(str(tmp_path / "none.csv"), 8)


def test_neighbour_counter_tracks_flags_incrementally(tmp_path):
    rng = np.random.default_rng(5)
    path = tmp_path / "e.csv"
    path.write_text("0,1\n1,2\n5,6\n")
    for net in (
        build_network("watts_strogatz", 3000, rng),
        build_network("barabasi_albert", 3000, rng),
        build_network("fully_mixed", 3000, rng),
        read_edgelist(str(path), 8),  # isolated nodes
    ):
        flag = rng.random(net.n) < 0.3
        counter = NeighbourCounter(net, flag)
        for _ in range(4):
            flip = rng.integers(0, net.n, max(net.n // 10, 1))
            flag = flag.copy()
            flag[flip] = ~flag[flip]
            counter.update(flag)
            assert np.allclose(counter.share(np.arange(net.n)), neighbour_share(net, flag))


def test_memory_is_compact():
    net = build_network("watts_strogatz", 200_000, np.random.default_rng(1))
    assert memory_bytes(net) / net.n < 70
