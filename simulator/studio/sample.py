"""A piece of the social network to draw: a customer, their friends and their friends'
friends (at most :data:`MAX_NODES`), laid out in rings so that it stays put day to day."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.studio import charts

MAX_NODES = 60


@dataclass(frozen=True)
class Sample:
    """Rows of the sampled customers, their positions and the edges among them."""

    rows: np.ndarray
    xy: np.ndarray
    edges: list[tuple[int, int]]


def sample(model: Any, centre: int) -> Sample | None:
    """Rings of neighbours around ``centre`` (None when there is no stored network)."""
    net = model.network
    if net is None or net.fully_mixed or net.adjacency is None:
        return None
    csr = net.adjacency
    rings = [[centre]]
    seen = {centre}
    while len(seen) < MAX_NODES and rings[-1]:
        nxt = []
        for r in rings[-1]:
            for j in csr.indices[csr.indptr[r] : csr.indptr[r + 1]]:
                if int(j) not in seen and len(seen) < MAX_NODES:
                    seen.add(int(j))
                    nxt.append(int(j))
        rings.append(nxt)
    rows, xy = [], []
    cx, cy = charts.W / 2, (charts.H + charts.PAD_T) / 2
    for level, ring in enumerate(r for r in rings if r):
        radius = level * 34.0
        for i, row in enumerate(ring):
            angle = 2 * math.pi * i / len(ring) + level * 0.3
            rows.append(row)
            xy.append((cx + 2.2 * radius * math.cos(angle), cy + radius * math.sin(angle)))
    index = {r: i for i, r in enumerate(rows)}
    edges = [
        (index[r], index[int(j)])
        for r in rows
        for j in csr.indices[csr.indptr[r] : csr.indptr[r + 1]]
        if int(j) in index and index[int(j)] > index[r]
    ]
    return Sample(np.array(rows), np.array(xy), edges)
