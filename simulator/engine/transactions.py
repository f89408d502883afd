"""The transaction log in the layout CLV libraries read (docs/model.md §7)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from simulator.engine.context import DayContext


def transactions_frame(ctx: DayContext) -> pd.DataFrame:
    """customer_id, date, day, firm, spend of every recorded purchase, by day."""
    names = np.array([f.name for f in ctx.firms])
    parts = ctx.log.transactions or []
    if parts:
        cust, day, firm, spend = (np.concatenate(a) for a in zip(*parts, strict=True))
    else:
        cust, day, firm, spend = (np.zeros(0, t) for t in (np.int64, np.int32, np.int8, float))
    order = np.lexsort((firm, cust, day))
    start = date.fromisoformat(ctx.config.run.start_date)
    dates = pd.to_datetime(start) + pd.to_timedelta(day[order] - 1, unit="D")
    return pd.DataFrame(
        {
            "customer_id": cust[order],
            "date": dates,
            "day": day[order],
            "firm": pd.Categorical(names[firm[order]], categories=list(names)),
            "spend": np.round(spend[order], 2),
        }
    )
