"""Reading a log: CSV and Parquet alike, customers numbered by first purchase, and
nothing after the cut-off kept."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from simulator.calibration.log import read_log, write_id_map
from tests.calibration.conftest import synthetic_log


def test_csv_and_parquet_give_the_same_log(tmp_path):
    frame = synthetic_log(300, 120, seed=9, raw_ids=True)
    frame.to_csv(tmp_path / "a.csv", index=False)
    typed = frame.assign(date=pd.to_datetime(frame["date"]))  # a real timestamp column
    typed.to_parquet(tmp_path / "a.parquet", index=False)
    end = date(2024, 3, 1)
    logs = [
        read_log(
            tmp_path / f"a.{ext}",
            customer_col="customer_id",
            date_col="date",
            amount_col="amount",
            until=end,
        )
        for ext in ("csv", "parquet")
    ]
    for field in ("customer", "day", "amount", "raw_ids"):
        assert np.array_equal(getattr(logs[0], field), getattr(logs[1], field)), field
    log = logs[0]
    assert log.day.max() == (end - date(2024, 1, 1)).days
    assert log.last_date == date(2024, 4, 29)  # the file's last date, read but not kept
    # Customer k is the k-th to make a first purchase.
    first = log.first_days()
    assert np.all(np.diff(first) >= 0) and first.size == log.customers
    expected = frame[frame["date"] <= end.isoformat()]
    assert log.day.size == len(expected)
    write_id_map(log, tmp_path / "ids.csv")
    ids = pd.read_csv(tmp_path / "ids.csv")
    by_raw = expected.groupby("customer_id")["date"].min()
    assert list(by_raw.loc[ids["raw_id"]].to_numpy()) == sorted(by_raw.to_numpy())
