"""The transaction log in the layout CLV libraries read (docs/model.md §7)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from simulator.engine.context import DayContext


def transactions_frame(ctx: DayContext, *, focal_only: bool = False) -> pd.DataFrame:
    """customer_id, date, day, firm, spend of every purchase in the reported window.

    ``day`` counts from the first reported day (1), like metrics.parquet; ``firm`` names
    the firm bought from. ``focal_only`` keeps the focal firm's purchases: the one-firm
    log that CLV libraries (lifetimes, pymc-marketing) expect.
    """
    names = np.array([f.name for f in ctx.firms])
    parts = ctx.log.transactions or []
    if parts:
        cust, day, firm, spend = (np.concatenate(a) for a in zip(*parts, strict=True))
    else:
        cust, day, firm, spend = (np.zeros(0, t) for t in (np.int64, np.int32, np.int8, float))
    day = day - ctx.report_start
    if focal_only:
        keep = firm == 0
        cust, day, firm, spend = cust[keep], day[keep], firm[keep], spend[keep]
    order = np.lexsort((firm, cust, day))
    start = date.fromisoformat(ctx.config.run.start_date)
    dates = pd.to_datetime(start) + pd.to_timedelta(day[order] - 1, unit="D")
    return pd.DataFrame(
        {
            "customer_id": cust[order],
            "date": dates,
            "day": day[order],
            "firm": pd.Categorical(
                names[firm[order]], categories=list(names[:1] if focal_only else names)
            ),
            "spend": np.round(spend[order], 2),
        }
    )
