"""Building the network: Watts-Strogatz, Barabasi-Albert, fully mixed or an edge list.

Watts-Strogatz graphs, the default, are built directly in numpy: networkx holds a graph
as dicts (~200 bytes per edge, docs/model.md §8), which at a million customers would
spend the whole 1 KB-per-customer budget on its own; the CSR form costs ~65 bytes per
customer.

References
----------
.. [1] Watts, D. J. & Strogatz, S. H. (1998). Collective dynamics of "small-world"
   networks. *Nature* 393, 440-442.
.. [2] Barabasi, A.-L. & Albert, R. (1999). Emergence of scaling in random networks.
   *Science* 286, 509-512.
.. [3] Goldenberg, J., Libai, B. & Muller, E. (2001). Talk of the network: a complex
   systems look at the underlying process of word-of-mouth. *Marketing Letters* 12(3),
   211-223.
"""

from __future__ import annotations

import itertools
import os

import numpy as np

from simulator.market.network.edgelist import read_edgelist
from simulator.market.network.graph import KINDS, SocialNetwork, from_edges, no_edges

__all__ = ["barabasi_albert", "build_network", "watts_strogatz"]


def build_network(
    kind: str,
    n: int,
    rng: np.random.Generator,
    *,
    k: int = 10,
    rewire: float = 0.1,
    m: int = 5,
    edgelist_path: str | os.PathLike[str] | None = None,
) -> SocialNetwork:
    """Build the social network of ``n`` customers.

    Parameters
    ----------
    kind : {"watts_strogatz", "barabasi_albert", "fully_mixed", "edgelist"}
        Graph family (docs/model.md §8: Watts-Strogatz with k = 10 and rewiring 0.1 by
        default).
    n : int
        Number of customers.
    rng : numpy.random.Generator
        The ``network`` substream; the only source of randomness.
    k : int, default 10
        Watts-Strogatz mean degree; an odd k is rounded down, as networkx does.
    rewire : float, default 0.1
        Watts-Strogatz rewiring probability per edge.
    m : int, default 5
        Barabasi-Albert edges per new node (mean degree ~2m).
    edgelist_path : str or path-like, optional
        File read when ``kind == "edgelist"``, see :func:`read_edgelist`.

    Returns
    -------
    SocialNetwork

    Raises
    ------
    ValueError
        For an unknown kind, a parameter out of range, or a missing or malformed edge
        list; the message names the value, the rule and the options.

    Notes
    -----
    Populations too small for the requested degree get the densest graph they can
    hold (k and m are capped at ``n - 1``) rather than an error, so that tiny
    hand-checkable scenarios run with the default network settings.

    References
    ----------
    .. [1] Watts & Strogatz (1998), *Nature* 393.
    .. [2] Barabasi & Albert (1999), *Science* 286.
    """
    if kind not in KINDS:
        raise ValueError(f"network kind {kind!r} is unknown; options are {list(KINDS)}")
    if n < 0:
        raise ValueError(f"network size n={n} must be >= 0")
    if kind == "fully_mixed":
        return SocialNetwork(
            kind=kind,
            n_nodes=n,
            adjacency=None,
            strong=np.zeros(0, dtype=bool),
            fully_mixed=True,
        )
    if kind == "watts_strogatz":
        return watts_strogatz(n, k, rewire, rng)
    if kind == "barabasi_albert":
        return barabasi_albert(n, m, rng)
    if edgelist_path is None or str(edgelist_path) == "":
        raise ValueError(
            "network kind 'edgelist' needs an edge list file; set its path "
            "(market -> network -> edgelist)"
        )
    return read_edgelist(edgelist_path, n)


def watts_strogatz(n: int, k: int, rewire: float, rng: np.random.Generator) -> SocialNetwork:
    """Small-world graph built in numpy: ring lattice, then random rewiring.

    Each node links to its ``k // 2`` right-hand neighbours on a ring; each of these
    edges keeps its source and, with probability ``rewire``, moves its other end to a
    uniformly random node other than the source. Unrewired lattice edges are strong
    ties (close, clustered acquaintances), rewired ones weak ties (Granovetter's
    bridges), as in Goldenberg, Libai & Muller (2001).

    Parameters
    ----------
    n : int
        Number of nodes.
    k : int
        Mean degree of the lattice (>= 2; odd values are rounded down).
    rewire : float
        Rewiring probability in [0, 1].
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    SocialNetwork

    Notes
    -----
    Unlike networkx, a rewired edge may land on an existing neighbour; the duplicate is
    merged (strong if either copy is strong). That happens with probability ~k/n per
    rewired edge, so the mean degree stays k to within k^2 * rewire / n, and it avoids
    a per-edge retry loop. Memory: int32 ids throughout, peak ~200 MB at n = 10^6,
    k = 10; result ~65 bytes per node.

    References
    ----------
    .. [1] Watts, D. J. & Strogatz, S. H. (1998). *Nature* 393, 440-442.
    .. [2] Goldenberg, J., Libai, B. & Muller, E. (2001). *Marketing Letters* 12(3).
    """
    if k < 2:
        raise ValueError(f"watts_strogatz needs mean degree k >= 2, got k={k}")
    if not 0.0 <= rewire <= 1.0:
        raise ValueError(f"watts_strogatz rewiring probability must be in [0, 1], got {rewire}")
    # Beyond n - 1 right-hand neighbours the ring wraps onto itself: the graph is
    # complete, and the wrapped duplicates merge below.
    half = min(k // 2, max(n - 1, 0))
    if half == 0:
        return from_edges("watts_strogatz", n, *no_edges())
    src = np.repeat(np.arange(n, dtype=np.int32), half)
    dst = np.tile(np.arange(1, half + 1, dtype=np.int32), n)
    dst += src
    dst %= np.int32(n)
    # float32 draws halve the temporary (5e6 edges at n = 10^6); 2^-24 resolution is
    # ample for a rewiring probability.
    rewired = rng.random(src.size, dtype=np.float32) < np.float32(rewire)
    target = rng.integers(0, n - 1, int(rewired.sum()), dtype=np.int32)
    # Draw from the n - 1 other nodes and shift past the source: uniform, no self loops.
    target += target >= src[rewired]
    dst[rewired] = target
    rewired = ~rewired  # reuse the buffer as the strong-tie flag
    return from_edges("watts_strogatz", n, src, dst, rewired)


def barabasi_albert(n: int, m: int, rng: np.random.Generator) -> SocialNetwork:
    """Scale-free graph by preferential attachment, generated by networkx.

    Every tie counts as strong: the model has no notion of which BA edges are bridges.

    Parameters
    ----------
    n : int
        Number of nodes.
    m : int
        Edges each new node attaches with (>= 1, capped at ``n - 1``); mean degree
        ~2m.
    rng : numpy.random.Generator
        Only an integer seed for networkx is drawn from it.

    Returns
    -------
    SocialNetwork

    Notes
    -----
    networkx builds the graph in pure Python dicts (~200 bytes per edge,
    docs/model.md §8): ~4 s for 2*10^5 nodes with m = 5. Fine up to ~2*10^5 customers;
    at 10^6 expect ~20 s or more and over 1 GB during the build (the CSR result itself
    is compact, ~64 bytes per node).

    References
    ----------
    .. [1] Barabasi, A.-L. & Albert, R. (1999). *Science* 286, 509-512.
    """
    if m < 1:
        raise ValueError(f"barabasi_albert needs m >= 1 edges per new node, got m={m}")
    m = min(m, n - 1)
    if m < 1:
        return from_edges("barabasi_albert", n, *no_edges())
    import networkx as nx  # slow to import; only this graph family needs it

    graph = nx.barabasi_albert_graph(n, m, seed=int(rng.integers(2**31)))
    # Straight from the edge iterator: networkx's own to_scipy_sparse_array spends ~3 s
    # at 2*10^5 nodes on per-edge attribute lookups this unweighted graph doesn't have.
    ends = np.fromiter(
        itertools.chain.from_iterable(graph.edges()),
        dtype=np.int64,
        count=2 * graph.number_of_edges(),
    )
    del graph
    return from_edges("barabasi_albert", n, ends[0::2], ends[1::2], np.ones(ends.size // 2, bool))
