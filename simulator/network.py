"""The social graph word-of-mouth runs on, held as a sparse adjacency (MODEL.md 3.6).

Watts-Strogatz graphs are built directly in numpy: networkx holds a graph as dicts
(~200 bytes per edge), which at a million customers would spend the whole 1 KB per
customer budget on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

KINDS = ("watts_strogatz", "barabasi_albert", "fully_mixed", "edgelist")


@dataclass(frozen=True, eq=False)
class SocialNetwork:
    """Symmetric adjacency in CSR form plus a per-edge strong-tie flag."""

    kind: str
    n: int
    indptr: np.ndarray
    indices: np.ndarray
    strong: np.ndarray
    fully_mixed: bool = False

    @property
    def degree(self) -> np.ndarray:
        if self.fully_mixed:
            return np.full(self.n, self.n - 1, dtype=np.int64)
        return np.diff(self.indptr)

    def matrix(self) -> sp.csr_matrix:
        """The adjacency as a float32 CSR matrix (for analysis; the step does not need it)."""
        data = np.ones(self.indices.size, dtype=np.float32)
        return sp.csr_matrix((data, self.indices, self.indptr), shape=(self.n, self.n), copy=False)


def _from_edges(
    kind: str, n: int, src: np.ndarray, dst: np.ndarray, strong: np.ndarray
) -> SocialNetwork:
    """Symmetric CSR from an edge list; duplicate edges merge, self-loops are dropped.

    Built through scipy's COO-to-CSR conversion on int32 ids, so the peak stays near
    a few copies of the edge list (a million customers with k = 10: ~200 MB, not GBs).
    """
    keep = src != dst
    src = src[keep].astype(np.int32, copy=False)
    dst = dst[keep].astype(np.int32, copy=False)
    # Weight 1 for a weak tie, 3 for a strong one: after duplicates are summed a value of
    # 3 or more means at least one strong tie (1 + 1 = 2 stays weak).
    w = np.where(strong[keep], 3, 1).astype(np.int16)
    del keep
    rows = np.concatenate([src, dst])
    cols = np.concatenate([dst, src])
    del src, dst
    coo = sp.coo_matrix((np.concatenate([w, w]), (rows, cols)), shape=(n, n))
    del rows, cols, w
    csr = coo.tocsr()
    del coo
    csr.sum_duplicates()
    return SocialNetwork(
        kind,
        n,
        csr.indptr.astype(np.int64),
        csr.indices.astype(np.int32, copy=False),
        csr.data >= 3,
    )


def watts_strogatz(n: int, k: int, rewire: float, rng: np.random.Generator) -> SocialNetwork:
    """Ring lattice of k/2 neighbours each side, each edge rewired with prob ``rewire``.

    Unrewired lattice edges are strong ties, rewired ones weak (Granovetter's bridges;
    Goldenberg, Libai & Muller 2001). References: Watts & Strogatz (1998), Nature 393.
    """
    half = max(k // 2, 1)
    src = np.repeat(np.arange(n, dtype=np.int32), half)
    dst = (src.astype(np.int64) + np.tile(np.arange(1, half + 1), n)) % n
    dst = dst.astype(np.int32)
    rewired = rng.random(src.size, dtype=np.float32) < rewire
    # A rewired edge goes to a uniformly random other node (never to itself).
    target = rng.integers(0, n - 1, int(rewired.sum()), dtype=np.int32)
    target += target >= src[rewired]
    dst[rewired] = target
    return _from_edges("watts_strogatz", n, src, dst, ~rewired)


def build_network(
    kind: str,
    n: int,
    rng: np.random.Generator,
    *,
    k: int = 10,
    rewire: float = 0.1,
    m: int = 5,
    edgelist_path: str | None = None,
) -> SocialNetwork:
    """Build the social network of ``n`` customers."""
    if kind not in KINDS:
        raise ValueError(f"network kind {kind!r} is unknown; options are {list(KINDS)}")
    if kind == "fully_mixed" or n < 3:
        empty = np.zeros(0, dtype=np.int32)
        return SocialNetwork(
            "fully_mixed", n, np.zeros(n + 1, np.int64), empty, empty.astype(bool), True
        )
    if kind == "watts_strogatz":
        return watts_strogatz(n, min(k, n - 1), rewire, rng)
    if kind == "barabasi_albert":
        import networkx as nx

        g = nx.barabasi_albert_graph(n, min(m, n - 1), seed=int(rng.integers(2**31)))
        e = np.array(g.edges(), dtype=np.int64).reshape(-1, 2)
        return _from_edges(kind, n, e[:, 0], e[:, 1], np.ones(len(e), bool))
    return read_edgelist(edgelist_path, n)


def read_edgelist(path: str | None, n: int) -> SocialNetwork:
    """Read ``source target [strong]`` integer rows (comma, tab or space separated)."""
    if not path:
        raise ValueError("network kind 'edgelist' needs an edgelist file path")
    p = Path(path)
    if not p.exists():
        raise ValueError(f"edge list file not found: {path}")
    rows = []
    for lineno, line in enumerate(p.read_text().splitlines(), start=1):
        parts = line.replace(",", " ").split()
        if not parts or parts[0].startswith("#"):
            continue
        try:
            vals = [int(x) for x in parts[:3]]
        except ValueError:
            if lineno == 1:
                continue  # header
            raise ValueError(
                f"{path}: line {lineno}: expected two integer node ids, got {line!r}"
            ) from None
        if len(vals) < 2 or not (0 <= vals[0] < n and 0 <= vals[1] < n):
            raise ValueError(f"{path}: line {lineno}: node ids must be in [0, {n}), got {line!r}")
        rows.append(vals if len(vals) == 3 else [*vals, 1])
    e = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return _from_edges("edgelist", n, e[:, 0], e[:, 1], e[:, 2] != 0)


def random_neighbour(
    net: SocialNetwork, speakers: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """One uniformly random neighbour per speaker (-1 if none) and whether the tie is strong."""
    speakers = np.asarray(speakers, dtype=np.int64)
    if net.fully_mixed:
        other = rng.integers(0, max(net.n - 1, 1), speakers.size)
        other = other + (other >= speakers)  # skip oneself
        return other.astype(np.int64), np.zeros(speakers.size, dtype=bool)
    deg = net.indptr[speakers + 1] - net.indptr[speakers]
    pick = net.indptr[speakers] + np.floor(rng.random(speakers.size) * deg).astype(np.int64)
    has = deg > 0
    listeners = np.where(has, net.indices[np.where(has, pick, 0)] if net.indices.size else -1, -1)
    strong = np.where(has, net.strong[np.where(has, pick, 0)] if net.strong.size else False, False)
    return listeners.astype(np.int64), strong.astype(bool)


def neighbour_share(net: SocialNetwork, flag: np.ndarray) -> np.ndarray:
    """Share of each node's neighbours with ``flag`` set (0 for isolated nodes)."""
    flag = np.asarray(flag, dtype=bool)
    if net.fully_mixed:
        total = flag.sum()
        return ((total - flag) / max(net.n - 1, 1)).astype(np.float32)
    counts = net.matrix() @ flag.astype(np.float32)
    deg = net.degree
    return np.where(deg > 0, counts / np.maximum(deg, 1), 0.0).astype(np.float32)


def _neighbours_of(net: SocialNetwork, nodes: np.ndarray) -> np.ndarray:
    """All neighbour ids of ``nodes`` concatenated (a node's list repeated per occurrence)."""
    starts = net.indptr[nodes]
    deg = net.indptr[nodes + 1] - starts
    if deg.sum() == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(deg)[:-1]]), deg)
    return net.indices[np.arange(int(deg.sum())) + offsets]


class NeighbourCounter:
    """How many of each node's neighbours carry a flag, kept up to date incrementally.

    Each day only the nodes whose flag changed push +1 or -1 to their neighbours, so
    the daily cost follows the number of changes, not the number of edges (a sparse
    mat-vec over a million customers costs ~15 ms a day; this, well under 1 ms).
    """

    def __init__(self, net: SocialNetwork, flag: np.ndarray) -> None:
        self.net = net
        self.flag = np.asarray(flag, dtype=bool).copy()
        if net.fully_mixed:
            self.total = int(self.flag.sum())
            self.counts = None
        else:
            deg = np.diff(net.indptr)
            flagged = self.flag[net.indices].astype(np.int32)
            if flagged.size == 0:
                self.counts = np.zeros(net.n, dtype=np.int32)
            else:
                # reduceat sums each node's slice of the edge list; an empty slice returns
                # the next element instead of 0, so isolated nodes are zeroed afterwards.
                starts = np.minimum(net.indptr[:-1], flagged.size - 1)
                self.counts = np.add.reduceat(flagged, starts).astype(np.int32)
                self.counts[deg == 0] = 0

    def update(self, flag: np.ndarray) -> None:
        """Move to the new flags."""
        changed = np.flatnonzero(flag != self.flag)
        if changed.size == 0:
            return
        if self.counts is None:
            self.total += int(flag[changed].sum()) - int(self.flag[changed].sum())
        else:
            on = changed[flag[changed]]
            off = changed[~flag[changed]]
            np.add.at(self.counts, _neighbours_of(self.net, on), 1)
            np.add.at(self.counts, _neighbours_of(self.net, off), -1)
        self.flag[changed] = flag[changed]

    def share(self, nodes: np.ndarray) -> np.ndarray:
        """Share of the neighbours of ``nodes`` that carry the flag."""
        if self.counts is None:
            return ((self.total - self.flag[nodes]) / max(self.net.n - 1, 1)).astype(np.float32)
        deg = self.net.indptr[nodes + 1] - self.net.indptr[nodes]
        return np.where(deg > 0, self.counts[nodes] / np.maximum(deg, 1), 0.0).astype(np.float32)


def memory_bytes(net: SocialNetwork) -> int:
    """Bytes held by the adjacency arrays."""
    return net.indptr.nbytes + net.indices.nbytes + net.strong.nbytes
