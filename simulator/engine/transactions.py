"""The transaction log in the layout CLV libraries read (docs/model.md §7).

The engine records each day's purchases as small arrays (``RunLog.transactions``:
customer, day, firm, spend; 21 bytes a purchase). :class:`Purchases` holds them with
what is needed to lay them out: one table (:meth:`Purchases.frame`), or the same table a
few days at a time (:meth:`Purchases.chunks`), which is how ``transactions.parquet`` is
written: the table at once holds about 180 more bytes a purchase at its peak (the sort,
the dates, the firm names), which multiplied a 200,000-customer run's memory by 4.4
(issue 17, item 18).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from simulator.engine.context import DayContext

__all__ = ["COLUMNS", "Part", "Purchases", "recorded_purchases", "transactions_frame"]

Part = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""``(customer, day, firm, spend)`` of one day's purchases, as recorded."""

COLUMNS = ("customer_id", "date", "day", "firm", "spend")
_DTYPES = (np.int64, np.int32, np.int8, np.float64)


@dataclass(frozen=True)
class Purchases:
    """Recorded purchases of the reported window and how to lay them out.

    ``day`` counts from the first reported day (1), like metrics.parquet; ``firm`` names
    the firm bought from. ``focal_only`` keeps the focal firm's purchases: the one-firm
    log that CLV libraries (lifetimes, pymc-marketing) expect.
    """

    parts: Sequence[Part]
    firms: tuple[str, ...]
    start_date: str
    report_start: int = 0
    focal_only: bool = False

    def frame(self) -> pd.DataFrame:
        """Every purchase as one table, sorted by day, customer and firm."""
        return self._table(list(self.parts))

    def chunks(self) -> Iterator[pd.DataFrame]:
        """The rows of :meth:`frame`, in order, a group of days at a time."""
        groups = _by_days(self.parts)
        if not groups:
            yield self._table([])
        for group in groups:
            yield self._table(group)

    def _table(self, parts: list[Part]) -> pd.DataFrame:
        if parts:
            cust, day, firm, spend = (np.concatenate(a) for a in zip(*parts, strict=True))
        else:
            cust, day, firm, spend = (np.zeros(0, t) for t in _DTYPES)
        day = day - self.report_start
        if self.focal_only:
            keep = firm == 0
            cust, day, firm, spend = cust[keep], day[keep], firm[keep], spend[keep]
        order = np.lexsort((firm, cust, day))
        start = pd.Timestamp(date.fromisoformat(self.start_date))
        names = list(self.firms[:1] if self.focal_only else self.firms)
        return pd.DataFrame(
            {
                "customer_id": cust[order],
                "date": start + pd.to_timedelta(day[order] - 1, unit="D"),
                "day": day[order],
                "firm": pd.Categorical.from_codes(firm[order].astype(np.int64), categories=names),
                "spend": np.round(spend[order], 2),
            }
        )


def _by_days(parts: Sequence[Part]) -> list[list[Part]]:
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


def recorded_purchases(ctx: DayContext, *, focal_only: bool = False) -> Purchases:
    """The purchases a model recorded in its reported window (it must record them)."""
    return Purchases(
        parts=list(ctx.log.transactions or []),
        firms=tuple(f.name for f in ctx.firms),
        start_date=ctx.config.run.start_date,
        report_start=int(ctx.report_start),
        focal_only=focal_only,
    )


def transactions_frame(ctx: DayContext, *, focal_only: bool = False) -> pd.DataFrame:
    """customer_id, date, day, firm, spend of every purchase in the reported window."""
    return recorded_purchases(ctx, focal_only=focal_only).frame()
