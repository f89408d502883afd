"""The social network: structure, sampling, shares and edge lists.

docs/model.md §3.6, §3.7 and §8.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simulator.market.network.sampling as sampling
from simulator.market.network import (
    KINDS,
    build_network,
    memory_bytes,
    neighbour_share,
    neighbour_share_of,
    random_neighbour,
    random_non_flag_neighbour,
    read_edgelist,
)


def _edges(net):
    """Directed (row, col) pairs of the stored adjacency."""
    a = net.adjacency
    rows = np.repeat(np.arange(net.n), np.diff(a.indptr))
    return set(zip(rows.tolist(), a.indices.tolist(), strict=True))


def _neighbours(net, node):
    a = net.adjacency
    return a.indices[a.indptr[node] : a.indptr[node + 1]]


def _tie_strength(net):
    a = net.adjacency
    rows = np.repeat(np.arange(net.n), np.diff(a.indptr))
    pairs = zip(rows.tolist(), a.indices.tolist(), strict=True)
    return dict(zip(pairs, net.strong.tolist(), strict=True))


def _edge_file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


# --- Watts-Strogatz -------------------------------------------------------------------


def test_watts_strogatz_is_a_symmetric_simple_graph_of_mean_degree_k():
    net = build_network("watts_strogatz", 5000, np.random.default_rng(1), k=10, rewire=0.1)
    a = net.adjacency
    assert net.kind == "watts_strogatz" and not net.fully_mixed and net.n == 5000
    assert (a != a.T).nnz == 0, "symmetric"
    assert not a.diagonal().any(), "no self loops"
    assert a.has_canonical_format, "sorted, no duplicate entries"
    assert a.indices.dtype == np.int32 and net.degree.dtype == np.int32
    assert net.degree.mean() == pytest.approx(10, abs=0.05)
    # Rewired edges are the weak ties (Goldenberg, Libai & Muller 2001).
    assert 1 - net.strong.mean() == pytest.approx(0.1, abs=0.015)
    ties = _tie_strength(net)
    assert all(ties[(v, u)] == s for (u, v), s in ties.items()), "a tie is strong both ways"


def test_watts_strogatz_without_rewiring_is_the_ring_lattice_of_strong_ties():
    net = build_network("watts_strogatz", 50, np.random.default_rng(1), k=4, rewire=0.0)
    assert net.degree.tolist() == [4] * 50
    assert net.strong.all()
    assert sorted(_neighbours(net, 0).tolist()) == [1, 2, 48, 49]


def test_watts_strogatz_fully_rewired_is_all_weak_and_keeps_mean_degree():
    net = build_network("watts_strogatz", 4000, np.random.default_rng(7), k=6, rewire=1.0)
    assert not net.strong.any()
    assert net.degree.mean() == pytest.approx(6, abs=0.05)


def test_watts_strogatz_rewires_to_every_node_alike():
    # Fully rewired, node n-1 keeps only its own 3 edges unless it is drawn as a target
    # like any other node: its degree then averages k = 6 too.
    last = [
        build_network("watts_strogatz", 100, np.random.default_rng(s), k=6, rewire=1.0).degree[-1]
        for s in range(40)
    ]
    assert np.mean(last) == pytest.approx(6, abs=1)


def test_same_seed_same_graph_different_seed_different():
    a = build_network("watts_strogatz", 2000, np.random.default_rng(3))
    b = build_network("watts_strogatz", 2000, np.random.default_rng(3))
    c = build_network("watts_strogatz", 2000, np.random.default_rng(4))
    assert np.array_equal(a.adjacency.indptr, b.adjacency.indptr)
    assert np.array_equal(a.adjacency.indices, b.adjacency.indices)
    assert np.array_equal(a.strong, b.strong)
    assert not np.array_equal(a.adjacency.indices, c.adjacency.indices)


@pytest.mark.parametrize("kind", ["watts_strogatz", "barabasi_albert", "fully_mixed"])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 6])
def test_tiny_populations_get_the_densest_graph_they_can_hold(kind, n):
    net = build_network(kind, n, np.random.default_rng(0), k=10, m=5)
    if kind == "barabasi_albert":
        assert (net.degree <= max(n - 1, 0)).all()
        assert (net.degree > 0).all() or n < 2
    else:
        assert net.degree.tolist() == [n - 1] * n  # complete graph
    listeners, _ = random_neighbour(net, np.arange(n), np.random.default_rng(0))
    assert ((listeners >= -1) & (listeners < n) & (listeners != np.arange(n))).all()


def test_memory_per_customer_stays_within_budget():
    # docs/model.md §8: ~1 KB per customer in all, so the network gets <= 150 bytes.
    net = build_network("watts_strogatz", 200_000, np.random.default_rng(1))
    assert memory_bytes(net) / net.n < 150
    assert memory_bytes(build_network("fully_mixed", 200_000, np.random.default_rng(1))) == 0


# --- Barabasi-Albert, fully mixed, kinds ----------------------------------------------


def test_barabasi_albert_mean_degree_is_two_m_and_ties_are_strong():
    net = build_network("barabasi_albert", 3000, np.random.default_rng(1), m=5)
    a = net.adjacency
    assert net.degree.mean() == pytest.approx(10, abs=0.1)
    assert (a != a.T).nnz == 0 and not a.diagonal().any()
    assert net.strong.all()
    assert net.degree.max() > 5 * net.degree.mean(), "preferential attachment grows hubs"
    again = build_network("barabasi_albert", 3000, np.random.default_rng(1), m=5)
    assert np.array_equal(a.indices, again.adjacency.indices)


def test_fully_mixed_share_is_everyone_else():
    fm = build_network("fully_mixed", 100, np.random.default_rng(1))
    assert fm.fully_mixed and fm.adjacency is None and fm.degree.tolist() == [99] * 100
    flag = np.zeros(100, bool)
    flag[:30] = True
    share = neighbour_share(fm, flag)
    assert share.dtype == np.float32
    assert np.allclose(share, (flag.sum() - flag) / 99)
    assert share[0] == pytest.approx(29 / 99) and share[50] == pytest.approx(30 / 99)


def test_unknown_kind_and_bad_parameters_are_refused():
    rng = np.random.default_rng(1)
    with pytest.raises(ValueError, match=r"'small_world' is unknown; options are \['watts"):
        build_network("small_world", 10, rng)
    with pytest.raises(ValueError, match="k >= 2, got k=1"):
        build_network("watts_strogatz", 10, rng, k=1)
    with pytest.raises(ValueError, match=r"rewiring probability must be in \[0, 1\], got 1.5"):
        build_network("watts_strogatz", 10, rng, rewire=1.5)
    with pytest.raises(ValueError, match="m >= 1 edges per new node, got m=0"):
        build_network("barabasi_albert", 10, rng, m=0)
    with pytest.raises(ValueError, match="'edgelist' needs an edge list file"):
        build_network("edgelist", 10, rng)
    assert set(KINDS) == {"watts_strogatz", "barabasi_albert", "fully_mixed", "edgelist"}


# --- neighbour sampling and shares ----------------------------------------------------


def test_random_neighbour_returns_real_neighbours_uniformly():
    net = build_network("watts_strogatz", 1000, np.random.default_rng(2), k=6, rewire=0.3)
    speakers = np.random.default_rng(9).integers(0, 1000, 20_000)
    listeners, strong = random_neighbour(net, speakers, np.random.default_rng(3))
    ties = _tie_strength(net)
    pairs = zip(speakers.tolist(), listeners.tolist(), strong.tolist(), strict=True)
    assert all(ties[(s, li)] == st_ for s, li, st_ in pairs), "a real edge, its own strength"

    node = 10
    many, _ = random_neighbour(net, np.full(60_000, node), np.random.default_rng(4))
    nbrs = _neighbours(net, node)
    assert set(many.tolist()) == set(nbrs.tolist())
    freq = np.array([(many == v).mean() for v in nbrs])
    assert np.allclose(freq, 1 / nbrs.size, atol=0.01)


def test_random_neighbour_of_isolated_speaker_is_minus_one(tmp_path):
    net = read_edgelist(_edge_file(tmp_path, "e.csv", "0,1,0\n"), 4)
    listeners, strong = random_neighbour(net, np.array([0, 1, 2, 3, 0]), np.random.default_rng(1))
    assert listeners.tolist() == [1, 0, -1, -1, 1]
    assert strong.tolist() == [False] * 5


def test_fully_mixed_random_neighbour_is_any_other_customer_uniformly():
    fm = build_network("fully_mixed", 5, np.random.default_rng(1))
    speakers = np.repeat(np.arange(5), 20_000)
    other, strong = random_neighbour(fm, speakers, np.random.default_rng(1))
    assert (other != speakers).all() and other.min() >= 0 and other.max() < 5
    assert not strong.any()
    counts = np.bincount(other[speakers == 2], minlength=5)
    assert counts[2] == 0
    assert np.allclose(counts[[0, 1, 3, 4]] / 20_000, 0.25, atol=0.015)


def test_neighbour_share_matches_a_direct_count():
    rng = np.random.default_rng(6)
    net = build_network("watts_strogatz", 300, rng, k=6, rewire=0.5)
    flag = rng.random(300) < 0.4
    expected = [flag[_neighbours(net, i)].mean() for i in range(300)]
    share = neighbour_share(net, flag)
    assert share.dtype == np.float32
    assert np.allclose(share, expected)
    with pytest.raises(ValueError, match=r"one entry per customer, shape \(300,\)"):
        neighbour_share(net, flag[:10])


def test_neighbour_share_of_some_nodes_reads_only_their_neighbours(tmp_path):
    rng = np.random.default_rng(5)
    for net in (
        build_network("watts_strogatz", 3000, rng),
        build_network("barabasi_albert", 3000, rng),
        build_network("fully_mixed", 3000, rng),
        read_edgelist(_edge_file(tmp_path, "e.csv", "0,1\n1,2\n5,6\n"), 8),  # isolated nodes
    ):
        flag = rng.random(net.n) < 0.3
        nodes = rng.integers(0, net.n, 50)  # repeats allowed
        asked: list[np.ndarray] = []

        def flag_of(rows, flag=flag, asked=asked):
            asked.append(rows)
            return flag[rows]

        got = neighbour_share_of(net, nodes, flag_of)
        assert got.dtype == np.float32
        assert np.array_equal(got, neighbour_share(net, flag)[nodes])
        if not net.fully_mixed:
            neighbours = np.concatenate([_neighbours(net, i) for i in nodes.tolist()] + [[]])
            assert np.array_equal(np.sort(np.concatenate(asked)), np.sort(neighbours))


# --- eligible neighbours (referrals) --------------------------------------------------


def test_random_non_flag_neighbour_picks_uniformly_among_eligible_neighbours():
    net = build_network("watts_strogatz", 500, np.random.default_rng(2), k=8, rewire=0.2)
    eligible = np.random.default_rng(3).random(500) < 0.3
    speakers = np.arange(500)
    got = random_non_flag_neighbour(net, speakers, eligible, np.random.default_rng(4))
    for s, g in zip(speakers.tolist(), got.tolist(), strict=True):
        options = set(_neighbours(net, s)[eligible[_neighbours(net, s)]].tolist())
        assert (g in options) if options else g == -1

    node = next(i for i in range(500) if eligible[_neighbours(net, i)].sum() >= 3)
    options = _neighbours(net, node)[eligible[_neighbours(net, node)]]
    many = random_non_flag_neighbour(net, np.full(30_000, node), eligible, np.random.default_rng(5))
    freq = np.array([(many == v).mean() for v in options])
    assert set(many.tolist()) == set(options.tolist())
    assert np.allclose(freq, 1 / options.size, atol=0.015)


def test_random_non_flag_neighbour_does_not_depend_on_chunking(monkeypatch):
    net = build_network("barabasi_albert", 2000, np.random.default_rng(1), m=3)
    eligible = np.random.default_rng(2).random(2000) < 0.2
    speakers = np.random.default_rng(3).integers(0, 2000, 5000)
    whole = random_non_flag_neighbour(net, speakers, eligible, np.random.default_rng(4))
    monkeypatch.setattr(sampling, "_SLOT_CHUNK", 97)
    chunked = random_non_flag_neighbour(net, speakers, eligible, np.random.default_rng(4))
    assert np.array_equal(whole, chunked)
    assert (whole >= 0).mean() > 0.5


def test_random_non_flag_neighbour_fully_mixed_skips_self_and_ineligible():
    fm = build_network("fully_mixed", 6, np.random.default_rng(1))
    eligible = np.array([True, False, True, False, False, False])
    speakers = np.repeat(np.arange(6), 4000)
    got = random_non_flag_neighbour(fm, speakers, eligible, np.random.default_rng(2))
    assert (got[speakers == 0] == 2).all() and (got[speakers == 2] == 0).all()
    others = got[speakers >= 3]
    assert set(others.tolist()) == {0, 2} and (others == 0).mean() == pytest.approx(0.5, abs=0.03)
    alone = np.array([True, False, False, False, False, False])
    got = random_non_flag_neighbour(fm, np.array([0, 1]), alone, np.random.default_rng(2))
    assert got.tolist() == [-1, 0]


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(2, 30),
    edges=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=60),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_non_flag_neighbour_property(tmp_path_factory, n, edges, seed):
    text = "".join(f"{a} {b}\n" for a, b in edges if a < n and b < n)
    path = tmp_path_factory.mktemp("e") / "e.txt"
    path.write_text(text)
    net = read_edgelist(str(path), n)
    rng = np.random.default_rng(seed)
    eligible = rng.random(n) < 0.5
    speakers = rng.integers(0, n, 50)
    got = random_non_flag_neighbour(net, speakers, eligible, rng)
    for s, g in zip(speakers.tolist(), got.tolist(), strict=True):
        nb = _neighbours(net, s)
        options = set(nb[eligible[nb]].tolist())
        assert (g in options) if options else g == -1


# --- edge lists -----------------------------------------------------------------------


def test_edge_list_round_trip_with_header_and_strength(tmp_path):
    path = _edge_file(tmp_path, "edges.csv", "source,target,strong\n0,1,1\n1,2,0\n5,6,1\n2,1,0\n")
    net = build_network("edgelist", 8, np.random.default_rng(0), edgelist_path=path)
    assert net.kind == "edgelist"
    assert _edges(net) == {(0, 1), (1, 0), (1, 2), (2, 1), (5, 6), (6, 5)}
    assert net.degree.tolist() == [1, 2, 1, 0, 0, 1, 1, 0]
    assert _tie_strength(net) == {
        (0, 1): True,
        (1, 0): True,
        (1, 2): False,
        (2, 1): False,
        (5, 6): True,
        (6, 5): True,
    }


def test_edge_list_without_header_whitespace_comments_self_loops_and_duplicates(tmp_path):
    text = "# friends\n0\t1\n\n1   2  # colleagues\n3 3\n2 1\n"
    net = read_edgelist(_edge_file(tmp_path, "edges.tsv", text), 4)
    assert _edges(net) == {(0, 1), (1, 0), (1, 2), (2, 1)}
    assert net.strong.all(), "without a strong column every tie is strong"
    # A duplicate is strong if any copy says so.
    mixed = read_edgelist(_edge_file(tmp_path, "m.csv", "0,1,0\n1,0,1\n"), 2)
    assert net.adjacency.has_canonical_format and mixed.strong.tolist() == [True, True]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0 1\n1 x\n", r"bad.txt, line 2: expected two integer node ids \(source, target\)"),
        ("0 1\n1 2.5\n", r"bad.txt, line 2: expected two integer node ids"),
        ("0 9\n", r"bad.txt, line 1: node ids must be in \[0, 8\)"),
        ("0 1\n-1 2\n", r"bad.txt, line 2: node ids must be in \[0, 8\)"),
        ("0 1\n1 2 1\n", r"bad.txt, line 2: expected 2 columns like the first line, got 3"),
        ("0 1 2\n", r"bad.txt, line 1: expected strong = 0 or 1 in the third column$"),
        ("0 1 1 1\n", r"bad.txt, line 1: expected 2 or 3 columns"),
        ("a,b,weight\n0,1,1\n", r"bad.txt, line 1: the third column must be 'strong'"),
        ("a\n0 1\n", r"bad.txt, line 1: expected a header of 2 or 3 column names"),
    ],
)
def test_edge_list_errors_name_file_line_and_expectation(tmp_path, text, message):
    path = _edge_file(tmp_path, "bad.txt", text)
    with pytest.raises(ValueError, match=message):
        read_edgelist(path, 8)


def test_edge_list_missing_or_undecodable_file(tmp_path):
    missing = tmp_path / "none.csv"
    with pytest.raises(ValueError, match=re.escape(f"edge list file not found: {missing}")):
        build_network("edgelist", 8, np.random.default_rng(0), edgelist_path=str(missing))
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"0 1\n\xff\xfe 2\n")
    with pytest.raises(ValueError, match=r"bin.csv, line 2: expected UTF-8 text"):
        read_edgelist(str(binary), 8)
    with pytest.raises(ValueError, match="is a directory; expected a regular file"):
        read_edgelist(str(tmp_path), 8)
