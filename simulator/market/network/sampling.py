"""What the daily step asks of the network: random neighbours and neighbour shares.

Each is a few vectorised array operations on the CSR adjacency, with no per-customer
Python loop; each draws exactly one uniform per speaker, so a stream stays aligned
whatever the degrees.

References
----------
.. [1] Bass, F. M. (1969). A new product growth for model consumer durables.
   *Management Science* 15(5), 215-227.
.. [2] Goldenberg, J., Libai, B. & Muller, E. (2001). Talk of the network: a complex
   systems look at the underlying process of word-of-mouth. *Marketing Letters* 12(3),
   211-223.
.. [3] Kumar, V., Petersen, J. A. & Leone, R. P. (2007). How valuable is word of
   mouth? *Harvard Business Review* 85(10), 139-146.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from simulator.market.network.graph import SocialNetwork

__all__ = [
    "neighbour_share",
    "neighbour_share_of",
    "random_neighbour",
    "random_non_flag_neighbour",
]

# Neighbour slots expanded at once by the functions that look at every neighbour of a
# set of nodes: bounds their temporary memory (~17 bytes per slot) to ~70 MB whatever
# the number of speakers.
_SLOT_CHUNK = 1 << 22


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
    indptr = net.csr.indptr
    starts = indptr[speakers].astype(np.int64)
    deg = indptr[speakers + 1] - starts
    has = deg > 0
    # floor(u * deg) is uniform on 0..deg-1; the minimum guards the u -> 1 rounding edge.
    slot = starts + np.minimum((u * deg).astype(np.int64), np.maximum(deg - 1, 0))
    slot = slot[has]
    listeners = np.full(speakers.size, -1, dtype=np.int64)
    strong = np.zeros(speakers.size, dtype=bool)
    listeners[has] = net.csr.indices[slot]
    strong[has] = net.strong[slot]
    return listeners, strong


def random_non_flag_neighbour(
    net: SocialNetwork, speakers: np.ndarray, eligible: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """One uniformly random *eligible* neighbour per speaker (e.g. a non-customer).

    Used for referrals: a promoter refers a neighbour who is not yet a customer
    (docs/model.md §3.6; Kumar, Petersen & Leone 2007), so the draw is restricted to
    the neighbours with ``eligible`` True rather than drawing any neighbour and giving
    up.

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
    indptr, indices = net.csr.indptr, net.csr.indices
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
    (docs/model.md §3.7; Bass 1969), computed on the network as in Goldenberg, Libai &
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
    counts = net.csr @ flag.astype(np.float32)
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
        flag = np.asarray(flag_of(np.arange(net.n))).astype(bool)
        return ((int(flag.sum()) - flag[nodes]) / (net.n - 1)).astype(np.float32)
    indptr = net.csr.indptr
    starts = indptr[nodes].astype(np.int64)
    deg = indptr[nodes + 1] - starts
    pos, _ = _slots(starts, deg)
    hits = np.asarray(flag_of(net.csr.indices[pos])).astype(np.float64)
    counts = np.bincount(np.repeat(np.arange(nodes.size), deg), hits, minlength=nodes.size)
    np.divide(counts, deg, out=share, where=deg > 0)
    return share


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
