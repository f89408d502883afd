"""A run that starts from the firm's real customers (``market.initial.customers``).

The file holds each customer's purchase history in days, as ``loyalty-sim calibrate``
writes it: ``frequency`` (repeat purchases), ``recency`` and ``T`` (days from the first
purchase to the last one and to the end of the history) and ``monetary_value`` (mean
repeat spend, 0 without one). Each run draws every customer's segment, activity,
purchase rate, dropout and spend scale from the posterior that history gives under the
scenario's segments (:mod:`simulator.clv.posterior`), from the ``history`` stream: the
same seed gives the same customers to every strategy (common random numbers), and the
scenario's segment parameters act on the posterior if they are changed.
"""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq

from simulator.clv.posterior import draw_posterior, segment_membership
from simulator.config.files import FileRefused, open_regular
from simulator.config.schema import Scenario

__all__ = ["COLUMNS", "MAX_HISTORY_BYTES", "apply_histories", "read_histories"]

COLUMNS = ("frequency", "recency", "T", "monetary_value")
MAX_HISTORY_BYTES = 1_000_000_000


def read_histories(path: str, customers: int) -> dict[str, np.ndarray]:
    """The histories of ``customers`` customers, checked.

    Raises
    ------
    ValueError, FileRefused
        Not a regular Parquet file, a column missing, a row count other than
        ``customers``, or a value that is not a possible history.
    """
    with open_regular(path, limit=MAX_HISTORY_BYTES) as f:
        try:
            table = pq.read_table(f, columns=list(COLUMNS))
        except Exception as exc:  # pyarrow raises several types for a bad file
            first = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
            raise ValueError(
                f"{path}: cannot read the customers' histories ({first}); expected a Parquet "
                f"file with columns {', '.join(COLUMNS)}"
            ) from None
    if table.num_rows != customers:
        raise ValueError(
            f"{path} holds {table.num_rows:,} customers but run.customers is {customers:,}; "
            "they must match"
        )
    out = {c: table.column(c).to_numpy().astype(np.float64) for c in COLUMNS}
    x, tx, t, m = (out[c] for c in COLUMNS)
    bad = ~np.isfinite(np.column_stack([x, tx, t, m])).all(axis=1)
    bad |= (x < 0) | (x != np.round(x)) | (tx < 0) | (tx > t) | (m < 0) | ((x == 0) & (tx != 0))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{path}: row {k} is not a purchase history (frequency {x[k]:g}, recency {tx[k]:g}, "
            f"T {t[k]:g}, monetary_value {m[k]:g})"
        )
    return out


def apply_histories(
    scenario: Scenario, people: dict[str, np.ndarray], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw the real customers' state into ``people``; return (alive, purchases so far).

    ``people`` holds the customers drawn from the segments (their other traits: price
    sensitivity, match, satisfaction...); their segment, rate, dropout and spend scale
    are replaced by posterior draws.
    """
    path = scenario.market.initial.customers
    assert path is not None
    try:
        hist = read_histories(path, scenario.run.customers)
    except FileRefused as exc:
        raise ValueError(f"{path}: {exc}") from None
    segs = scenario.market.segments
    x, tx, t, m = (hist[c] for c in COLUMNS)
    params = [
        {"r": s.purchase.r, "alpha": s.purchase.alpha, "a": s.dropout.a, "b": s.dropout.b}
        for s in segs
    ]
    shares = [s.share for s in segs]
    # The basket is Gamma(p, 1/nu) times the price; histories are in money.
    spend = [{"p": s.spend.p, "q": s.spend.q, "v": s.spend.gamma} for s in segs]
    price = scenario.firm.price
    draw = draw_posterior(
        x,
        tx,
        t,
        segment_membership(x, tx, t, shares, params),
        params,
        rng,
        spend=spend,
        mean_spend=m / price,
    )
    people["segment"] = draw["segment"].astype(people["segment"].dtype)
    people["rate"] = draw["rate"].astype(np.float32)
    people["dropout"] = draw["dropout"].astype(np.float32)
    people["spend_scale"] = draw["spend_scale"].astype(np.float32)
    return draw["alive"], (x + 1).astype(np.int32)
