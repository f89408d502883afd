"""The social network as data: a symmetric CSR adjacency over customer rows.

Customers are the rows ``0..n-1`` of the population arrays, so the graph is a sparse
adjacency over those row numbers: a scipy CSR matrix (``indptr``, ``indices`` and a bool
``data``) plus a per-edge ``strong`` flag aligned with ``indices``. Every graph family
is turned into this one form by :func:`from_edges`.

References
----------
.. [1] Goldenberg, J., Libai, B. & Muller, E. (2001). Talk of the network: a complex
   systems look at the underlying process of word-of-mouth. *Marketing Letters* 12(3),
   211-223.
.. [2] Granovetter, M. S. (1973). The strength of weak ties. *American Journal of
   Sociology* 78(6), 1360-1380.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

__all__ = ["KINDS", "SocialNetwork", "from_edges", "memory_bytes", "no_edges"]

# The closed set of graph families a scenario may name (never a dotted import path).
KINDS: tuple[str, ...] = ("watts_strogatz", "barabasi_albert", "fully_mixed", "edgelist")


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
    def csr(self) -> sp.csr_array:
        """The adjacency of a network that is not fully mixed."""
        if self.adjacency is None:
            raise ValueError("a fully mixed network stores no adjacency")
        return self.adjacency

    @property
    def degree(self) -> np.ndarray:
        """Number of neighbours of each customer (int32, computed on each call)."""
        if self.fully_mixed:
            return np.full(self.n_nodes, max(self.n_nodes - 1, 0), dtype=np.int32)
        return np.diff(self.csr.indptr).astype(np.int32, copy=False)


def memory_bytes(net: SocialNetwork) -> int:
    """Bytes held by the network's arrays (0 when fully mixed)."""
    if net.fully_mixed:
        return 0
    a = net.csr
    return a.indptr.nbytes + a.indices.nbytes + a.data.nbytes + net.strong.nbytes


def no_edges() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Empty ``(src, dst, strong)`` arrays, for a graph too small to hold an edge."""
    empty = np.zeros(0, dtype=np.int32)
    return empty, empty, np.zeros(0, dtype=bool)


def from_edges(
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
