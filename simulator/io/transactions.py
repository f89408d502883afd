"""``transactions.parquet`` written a day at a time from the run's log (issue 17, item 18).

The engine records each day's purchases as small arrays (``RunLog.transactions``: customer,
day, firm, spend; 21 bytes a purchase). Building one table of them all
(:func:`simulator.engine.transactions.transactions_frame`) holds about 180 more bytes a
purchase at its peak: the sort, the dates, and the firm names as strings before they
become a categorical. At 200,000 customers that multiplied the run's memory by 4.4.

:func:`write_transaction_log` writes the same file (the same columns, types, rows and
order) from the recorded arrays one day at a time, so the extra memory is one day's
purchases: +28 MB instead of +690 MB for 3.8 million purchases (100,000 customers of
the coffee chain over a year). Switching ``loyalty-sim run --transactions`` to it needs
the run to hand over ``model.ctx.log.transactions`` instead of the table, a change in
``experiment/run.py`` left to the engine's owners; until then this writer is tested to
give the same file as the table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["write_transaction_log"]

Part = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _frame(parts: Sequence[Part], firms: list[str], start: pd.Timestamp) -> pd.DataFrame:
    cust, day, firm, spend = (np.concatenate(a) for a in zip(*parts, strict=True))
    order = np.lexsort((firm, cust, day))
    return pd.DataFrame(
        {
            "customer_id": cust[order],
            "date": start + pd.to_timedelta(day[order] - 1, unit="D"),
            "day": day[order],
            "firm": pd.Categorical.from_codes(firm[order].astype(np.int64), categories=firms),
            "spend": np.round(spend[order], 2),
        }
    )


def _days(parts: Sequence[Part]) -> list[list[Part]]:
    """Consecutive parts grouped so that every day of a group comes after every day of
    the group before: each group sorted alone gives the order of the whole log sorted."""
    groups: list[list[Part]] = []
    top = 0
    for part in parts:
        if len(part[1]) == 0:
            continue
        low, high = int(part[1].min()), int(part[1].max())
        if groups and low <= top:
            groups[-1].append(part)
        else:
            groups.append([part])
        top = max(top, high)
    return groups


_EMPTY: Part = tuple(np.zeros(0, t) for t in (np.int64, np.int32, np.int8, np.float64))  # type: ignore[assignment]


def write_transaction_log(
    parts: Sequence[Part], firms: list[str], start_date: str, path: str | Path
) -> None:
    """Write recorded purchases to ``path`` as Parquet, sorted by day, customer and firm.

    Parameters
    ----------
    parts
        ``(customer, day, firm, spend)`` arrays in the order the run recorded them, days
        not decreasing from one part to the next.
    firms
        Firm names, indexed by the firm codes.
    start_date
        Date of day 1, ``YYYY-MM-DD``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    start = pd.Timestamp(dt.date.fromisoformat(start_date))
    writer = None
    try:
        for group in _days(parts) or [[_EMPTY]]:
            table = pa.Table.from_pandas(_frame(group, firms, start), preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(str(path), table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
