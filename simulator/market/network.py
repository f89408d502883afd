"""The social graph word-of-mouth and acquisition run on (MODEL.md 3.6, 3.7 and 8).

Customers are the rows ``0..n-1`` of the population arrays, so the graph is a sparse
adjacency over those row numbers: a scipy CSR matrix (``indptr``, ``indices`` and a bool
``data``) plus a per-edge ``strong`` flag aligned with ``indices``. Everything the daily
step needs (one random neighbour per speaker, the share of flagged neighbours) is a few
vectorised array operations on it, with no per-customer Python loop.

Watts-Strogatz graphs, the default, are built directly in numpy: networkx holds a graph
as dicts (~200 bytes per edge, MODEL.md 8), which at a million customers would spend the
whole 1 KB-per-customer budget on its own; the CSR form costs ~65 bytes per customer.

References
----------
.. [1] Watts, D. J. & Strogatz, S. H. (1998). Collective dynamics of "small-world"
   networks. *Nature* 393, 440-442.
.. [2] Barabasi, A.-L. & Albert, R. (1999). Emergence of scaling in random networks.
   *Science* 286, 509-512.
.. [3] Goldenberg, J., Libai, B. & Muller, E. (2001). Talk of the network: a complex
   systems look at the underlying process of word-of-mouth. *Marketing Letters* 12(3),
   211-223.
.. [4] Granovetter, M. S. (1973). The strength of weak ties. *American Journal of
   Sociology* 78(6), 1360-1380.
.. [5] Bass, F. M. (1969). A new product growth for model consumer durables.
   *Management Science* 15(5), 215-227.
"""

from __future__ import annotations

import itertools
import os
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = [
    "KINDS",
    "SocialNetwork",
    "barabasi_albert",
    "build_network",
    "memory_bytes",
    "neighbour_share",
    "neighbour_share_of",
    "random_neighbour",
    "random_non_flag_neighbour",
    "read_edgelist",
    "watts_strogatz",
]

KINDS: tuple[str, ...] = ("watts_strogatz", "barabasi_albert", "fully_mixed", "edgelist")

# Neighbour slots expanded at once by the functions that look at every neighbour of a
# set of nodes: bounds their temporary memory (~17 bytes per slot) to ~70 MB whatever
# the number of speakers.
_SLOT_CHUNK = 1 << 22

# Columns may be separated by commas, semicolons, tabs or runs of spaces.
_SPLIT = re.compile(r"[\s,;]+")
_INT = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True, eq=False, kw_only=True)
class SocialNetwork:
    """Who can talk to whom: a symmetric sparse adjacency and the strength of each tie.

    Attributes
    ----------
    kind : str
        The graph family it was built as, one of :data:`KINDS`.
    n_nodes : int
        Number of customers (rows of the population arrays).
    adjacency : scipy.sparse.csr_array or None
        Symmetric ``n x n`` bool adjacency without self loops, indices sorted within
        rows and free of duplicates; ``None`` when the network is fully mixed.
    strong : numpy.ndarray of bool
        Tie strength per stored edge, aligned with ``adjacency.indices``. Good news over
        a strong tie converts more often than over a weak one (Goldenberg, Libai &
        Muller 2001), and weak ties are the long-range bridges (Granovetter 1973).
        Empty when fully mixed.
    fully_mixed : bool
        Everyone is everyone else's weak-tie neighbour; no adjacency is stored.
    """

    kind: str
    n_nodes: int
    adjacency: sp.csr_array | None
    strong: np.ndarray
    fully_mixed: bool = False

    def __post_init__(self) -> None:
        # Cheap shape checks only: symmetry would cost a transpose of the whole graph.
        if self.fully_mixed:
            if self.adjacency is not None or self.strong.size:
                raise ValueError("a fully mixed network stores no adjacency and no ties")
            return
        if self.adjacency is None:
            raise ValueError("a network that is not fully mixed needs an adjacency")
        if self.adjacency.shape != (self.n_nodes, self.n_nodes):
            raise ValueError(
                f"adjacency shape {self.adjacency.shape} does not match "
                f"n_nodes={self.n_nodes}; expected ({self.n_nodes}, {self.n_nodes})"
            )
        if self.strong.dtype != np.bool_ or self.strong.shape != self.adjacency.indices.shape:
            raise ValueError(
                "strong must be a bool array aligned with adjacency.indices "
                f"(shape {self.adjacency.indices.shape}), got {self.strong.dtype} "
                f"{self.strong.shape}"
            )

    @property
    def n(self) -> int:
        """Number of customers."""
        return self.n_nodes

    @property
    def degree(self) -> np.ndarray:
        """Number of neighbours of each customer (int32, computed on each call)."""
        if self.fully_mixed:
            return np.full(self.n_nodes, max(self.n_nodes - 1, 0), dtype=np.int32)
        return np.diff(self.adjacency.indptr).astype(np.int32, copy=False)


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
        Graph family (MODEL.md 8: Watts-Strogatz with k = 10 and rewiring 0.1 by
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
        return _from_edges("watts_strogatz", n, *_no_edges())
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
    return _from_edges("watts_strogatz", n, src, dst, rewired)


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
    networkx builds the graph in pure Python dicts (~200 bytes per edge, MODEL.md 8):
    ~4 s for 2*10^5 nodes with m = 5. Fine up to ~2*10^5 customers; at 10^6 expect
    ~20 s or more and over 1 GB during the build (the CSR result itself is compact,
    ~64 bytes per node).

    References
    ----------
    .. [1] Barabasi, A.-L. & Albert, R. (1999). *Science* 286, 509-512.
    """
    if m < 1:
        raise ValueError(f"barabasi_albert needs m >= 1 edges per new node, got m={m}")
    m = min(m, n - 1)
    if m < 1:
        return _from_edges("barabasi_albert", n, *_no_edges())
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
    return _from_edges("barabasi_albert", n, ends[0::2], ends[1::2], np.ones(ends.size // 2, bool))


def read_edgelist(path: str | os.PathLike[str], n: int) -> SocialNetwork:
    """Read an undirected edge list of customer row numbers.

    The file holds one edge per line: ``source target`` or ``source target strong``,
    separated by commas, semicolons, tabs or spaces; ``strong`` is 0 (weak tie) or 1
    (strong tie) and defaults to strong when the column is absent. An optional header
    line of column names may come first (its third name, if any, must be ``strong``).
    Blank lines and ``#`` comments are skipped. Self loops are dropped and repeated
    edges (in either direction) merged, strong if any copy is strong.

    Parameters
    ----------
    path : str or path-like
        The file.
    n : int
        Number of customers; every id must be in ``[0, n)``.

    Returns
    -------
    SocialNetwork

    Raises
    ------
    ValueError
        If the file is missing or unreadable, or a line is malformed; the message
        names the file, the line and what was expected.

    Notes
    -----
    Parsed line by line in Python (~1-2 s per million lines) so that every error can
    point at its line.
    """
    src, dst, strong = array("q"), array("q"), array("b")
    ncols: int | None = None
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        raise ValueError(f"edge list file not found: {path}") from None
    except OSError as exc:
        raise ValueError(f"edge list file {path} cannot be read: {exc.strerror}") from None
    with handle:
        for lineno, raw in enumerate(handle, start=1):
            where = f"edge list {path}, line {lineno}"
            try:
                # Decoded per line (not by the file object) so that the error names it;
                # utf-8-sig drops a byte-order mark some spreadsheet exports write.
                line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError:
                raise ValueError(f"{where}: expected UTF-8 text") from None
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            fields = _SPLIT.split(text)
            if ncols is None:
                ncols = len(fields)
                if not any(_is_int(f) for f in fields):
                    _check_header(fields, where)
                    continue
                if ncols not in (2, 3):
                    raise ValueError(
                        f"{where}: expected 2 or 3 columns (source, target[, strong]), "
                        f"got {ncols}: {text!r}"
                    )
            if len(fields) != ncols:
                raise ValueError(
                    f"{where}: expected {ncols} columns like the first line, "
                    f"got {len(fields)}: {text!r}"
                )
            if not (_is_int(fields[0]) and _is_int(fields[1])):
                raise ValueError(
                    f"{where}: expected two integer node ids (source, target), got {text!r}"
                )
            a, b = int(fields[0]), int(fields[1])
            if not (0 <= a < n and 0 <= b < n):
                raise ValueError(
                    f"{where}: node ids must be in [0, {n}) (customer rows), got {text!r}"
                )
            tie = 1
            if ncols == 3:
                if fields[2] not in ("0", "1"):
                    raise ValueError(
                        f"{where}: expected strong = 0 or 1 in the third column, got {fields[2]!r}"
                    )
                tie = int(fields[2])
            src.append(a)
            dst.append(b)
            strong.append(tie)
    return _from_edges(
        "edgelist",
        n,
        np.frombuffer(src, dtype=np.int64),
        np.frombuffer(dst, dtype=np.int64),
        np.frombuffer(strong, dtype=np.int8) != 0,
    )


def _is_int(field: str) -> bool:
    return _INT.fullmatch(field) is not None


def _check_header(fields: list[str], where: str) -> None:
    if len(fields) not in (2, 3):
        raise ValueError(
            f"{where}: expected a header of 2 or 3 column names (source, target[, strong]), "
            f"got {len(fields)}: {fields}"
        )
    if len(fields) == 3 and fields[2].lower() != "strong":
        raise ValueError(
            f"{where}: the third column must be 'strong' (0/1 tie strength), got {fields[2]!r}"
        )


def _no_edges() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    empty = np.zeros(0, dtype=np.int32)
    return empty, empty, np.zeros(0, dtype=bool)


def _from_edges(
    kind: str, n: int, src: np.ndarray, dst: np.ndarray, strong: np.ndarray
) -> SocialNetwork:
    """Symmetric CSR from undirected edges: self loops dropped, duplicates merged.

    The tie flag rides along as the matrix data during the COO-to-CSR conversion:
    scipy sums duplicate bool entries with a logical or and keeps explicit False
    entries, so a merged edge is strong if any copy is strong and weak ties survive.
    """
    index_dtype = np.int32 if n < 2**31 else np.int64
    keep = src != dst
    if not keep.all():
        src, dst, strong = src[keep], dst[keep], strong[keep]
    del keep
    rows = np.concatenate([src, dst]).astype(index_dtype, copy=False)
    cols = np.concatenate([dst, src]).astype(index_dtype, copy=False)
    del src, dst
    ties = np.concatenate([strong, strong]).astype(bool, copy=False)
    csr = sp.coo_array((ties, (rows, cols)), shape=(n, n)).tocsr()
    del rows, cols, ties
    csr.sum_duplicates()  # no-op when tocsr already produced canonical form
    adjacency = sp.csr_array(
        (np.ones(csr.nnz, dtype=bool), csr.indices, csr.indptr), shape=(n, n), copy=False
    )
    return SocialNetwork(kind=kind, n_nodes=n, adjacency=adjacency, strong=csr.data)


def random_neighbour(
    net: SocialNetwork, speakers: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """One uniformly random neighbour per speaker, and whether that tie is strong.

    Parameters
    ----------
    net : SocialNetwork
        The network.
    speakers : array of int
        Customer rows; repeats allowed (each draws independently).
    rng : numpy.random.Generator
        Source of randomness; exactly ``len(speakers)`` uniforms are drawn, so the
        stream stays aligned whatever the degrees.

    Returns
    -------
    listeners : numpy.ndarray of int64
        A neighbour of each speaker, -1 for speakers without neighbours.
    strong : numpy.ndarray of bool
        Tie strength (False where there is no listener; always False when fully mixed,
        where everyone is everyone's weak tie).

    References
    ----------
    .. [1] Goldenberg, J., Libai, B. & Muller, E. (2001). *Marketing Letters* 12(3).
    """
    speakers = np.asarray(speakers, dtype=np.int64)
    u = rng.random(speakers.size)
    if net.fully_mixed:
        if net.n < 2:
            return np.full(speakers.size, -1, dtype=np.int64), np.zeros(speakers.size, bool)
        # Uniform over the n - 1 others: draw among n - 1 and step over the speaker.
        other = np.minimum((u * (net.n - 1)).astype(np.int64), net.n - 2)
        other += other >= speakers
        return other, np.zeros(speakers.size, dtype=bool)
    indptr = net.adjacency.indptr
    starts = indptr[speakers].astype(np.int64)
    deg = indptr[speakers + 1] - starts
    has = deg > 0
    # floor(u * deg) is uniform on 0..deg-1; the minimum guards the u -> 1 rounding edge.
    slot = starts + np.minimum((u * deg).astype(np.int64), np.maximum(deg - 1, 0))
    slot = slot[has]
    listeners = np.full(speakers.size, -1, dtype=np.int64)
    strong = np.zeros(speakers.size, dtype=bool)
    listeners[has] = net.adjacency.indices[slot]
    strong[has] = net.strong[slot]
    return listeners, strong


def random_non_flag_neighbour(
    net: SocialNetwork, speakers: np.ndarray, eligible: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """One uniformly random *eligible* neighbour per speaker (e.g. a non-customer).

    Used for referrals: a promoter refers a neighbour who is not yet a customer
    (MODEL.md 3.6; Kumar, Petersen & Leone 2007), so the draw is restricted to the
    neighbours with ``eligible`` True rather than drawing any neighbour and giving up.

    Parameters
    ----------
    net : SocialNetwork
        The network.
    speakers : array of int
        Customer rows; repeats allowed (each draws independently).
    eligible : array of bool, shape (n,)
        Which customers may be picked.
    rng : numpy.random.Generator
        Exactly ``len(speakers)`` uniforms are drawn.

    Returns
    -------
    numpy.ndarray of int64
        The chosen neighbour, -1 where a speaker has no eligible neighbour.

    Notes
    -----
    Exact and loop-free over speakers: all neighbour slots of the speakers are
    expanded, the eligible ones ranked by a cumulative sum, and the ``floor(u * c)``-th
    of each speaker's ``c`` eligible neighbours located with a binary search. Work and
    temporary memory follow the speakers' total degree, processed in chunks of ~4M
    slots; the result does not depend on the chunking. Fully mixed: uniform over the
    eligible customers other than the speaker.

    References
    ----------
    .. [1] Kumar, V., Petersen, J. A. & Leone, R. P. (2007). How valuable is word of
       mouth? *Harvard Business Review* 85(10), 139-146.
    """
    speakers = np.asarray(speakers, dtype=np.int64)
    eligible = _node_flags(net, eligible, "eligible")
    u = rng.random(speakers.size)
    out = np.full(speakers.size, -1, dtype=np.int64)
    if net.fully_mixed:
        pool = np.flatnonzero(eligible)
        self_in = eligible[speakers]
        count = pool.size - self_in
        pick = np.minimum((u * count).astype(np.int64), np.maximum(count - 1, 0))
        # Skip the speaker's own place in the pool when it is eligible itself.
        pick += self_in & (pick >= np.searchsorted(pool, speakers))
        ok = count > 0
        out[ok] = pool[pick[ok]]
        return out
    indptr, indices = net.adjacency.indptr, net.adjacency.indices
    starts = indptr[speakers].astype(np.int64)
    deg = indptr[speakers + 1] - starts
    for lo, hi in _chunks(deg):
        pos, first = _slots(starts[lo:hi], deg[lo:hi])
        if pos.size == 0:
            continue
        cum = np.concatenate([[0], np.cumsum(eligible[indices[pos]], dtype=np.int64)])
        before = cum[first]
        count = cum[first + deg[lo:hi]] - before
        ok = count > 0
        rank = before + np.minimum((u[lo:hi] * count).astype(np.int64), count - 1) + 1
        # First slot where the running count of eligible neighbours reaches the rank.
        hit = np.searchsorted(cum, rank[ok], side="left") - 1
        out[lo:hi][ok] = indices[pos[hit]]
    return out


def neighbour_share(net: SocialNetwork, flag: np.ndarray) -> np.ndarray:
    """Share of each customer's neighbours with ``flag`` set.

    This is the f of the Bass-style awareness hazard (p_ext + q_int * f) / 365
    (MODEL.md 3.7; Bass 1969), computed on the network as in Goldenberg, Libai &
    Muller (2001).

    Parameters
    ----------
    net : SocialNetwork
        The network.
    flag : array of bool, shape (n,)
        E.g. active focal customers likely to recommend.

    Returns
    -------
    numpy.ndarray of float32, shape (n,)
        0 for customers without neighbours; fully mixed,
        ``(flag.sum() - flag) / (n - 1)``.

    References
    ----------
    .. [1] Bass, F. M. (1969). *Management Science* 15(5), 215-227.
    """
    flag = _node_flags(net, flag, "flag")
    if net.fully_mixed:
        if net.n < 2:
            return np.zeros(net.n, dtype=np.float32)
        return ((int(flag.sum()) - flag) / (net.n - 1)).astype(np.float32)
    # One sparse mat-vec over the edges (~15 ms at 10^6 customers, k = 10): for the
    # shares of a few nodes, neighbour_share_of is far cheaper.
    counts = net.adjacency @ flag.astype(np.float32)
    deg = net.degree
    share = np.zeros(net.n, dtype=np.float32)
    np.divide(counts, deg, out=share, where=deg > 0)
    return share


def neighbour_share_of(
    net: SocialNetwork, nodes: np.ndarray, flag_of: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """:func:`neighbour_share` for some ``nodes`` only, the flag read only where needed.

    ``flag_of(rows)`` gives the flag of customers ``rows``; on a network it is asked
    only about the neighbours of ``nodes``. For the few prospects a day whose awareness
    draw can succeed, this costs microseconds where a whole-population flag and count
    would cost milliseconds at 10^6 customers.

    Parameters
    ----------
    net : SocialNetwork
        The network.
    nodes : array of int
        Customer rows (any order, repeats allowed).
    flag_of : callable
        Vectorised flag of customer rows, e.g. "an active customer likely to recommend".

    Returns
    -------
    numpy.ndarray of float32, shape (len(nodes),)
        The same values as ``neighbour_share(net, flag)[nodes]``.
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    share = np.zeros(nodes.size, dtype=np.float32)
    if net.fully_mixed:
        if net.n < 2:
            return share
        flag = np.asarray(flag_of(np.arange(net.n)), dtype=bool)
        return ((int(flag.sum()) - flag[nodes]) / (net.n - 1)).astype(np.float32)
    indptr = net.adjacency.indptr
    starts = indptr[nodes].astype(np.int64)
    deg = indptr[nodes + 1] - starts
    pos, _ = _slots(starts, deg)
    hits = np.asarray(flag_of(net.adjacency.indices[pos]), dtype=bool)
    counts = np.bincount(np.repeat(np.arange(nodes.size), deg), hits, minlength=nodes.size)
    np.divide(counts, deg, out=share, where=deg > 0)
    return share


def memory_bytes(net: SocialNetwork) -> int:
    """Bytes held by the network's arrays (0 when fully mixed)."""
    if net.fully_mixed:
        return 0
    a = net.adjacency
    return a.indptr.nbytes + a.indices.nbytes + a.data.nbytes + net.strong.nbytes


def _node_flags(net: SocialNetwork, flag: np.ndarray, name: str) -> np.ndarray:
    flag = np.asarray(flag, dtype=bool)
    if flag.shape != (net.n,):
        raise ValueError(
            f"{name} must have one entry per customer, shape ({net.n},), got {flag.shape}"
        )
    return flag


def _slots(starts: np.ndarray, deg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``indices`` of every neighbour of each node, concatenated.

    Returns the positions and, per node, where its run begins in them.
    """
    first = np.cumsum(deg) - deg
    pos = np.arange(int(deg.sum()), dtype=np.int64)
    pos += np.repeat(starts - first, deg)
    return pos, first


def _chunks(deg: np.ndarray) -> list[tuple[int, int]]:
    """Split nodes into consecutive runs of about ``_SLOT_CHUNK`` neighbour slots."""
    total = int(deg.sum())
    if total <= _SLOT_CHUNK:
        return [(0, deg.size)]
    cuts = np.searchsorted(np.cumsum(deg), np.arange(_SLOT_CHUNK, total, _SLOT_CHUNK))
    bounds = np.unique(np.concatenate([[0], cuts + 1, [deg.size]]).clip(0, deg.size))
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
