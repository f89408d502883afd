"""transactions.parquet is written a few days at a time (issue 17, item 18) and is the
same file as the table built at once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simulator.config.loading import load_yaml
from simulator.engine.transactions import Purchases, recorded_purchases
from simulator.experiment.run import build_model
from simulator.io.transactions import write_transaction_log
from tests.cli.helpers import COFFEE


@pytest.mark.parametrize("focal_only", [False, True])
def test_streamed_log_equals_the_table(tmp_path, focal_only):
    model, _ = build_model(
        load_yaml(COFFEE),
        overrides={"run.customers": 400, "run.days": 30, "run.warmup_days": 20},
        transactions=True,
    )
    for _ in range(30):
        model.step()
    purchases = recorded_purchases(model.ctx, focal_only=focal_only)
    table = model.transactions(focal_only=focal_only)
    assert len(table) > 100 and table["day"].between(1, 30).all()
    assert len(list(purchases.chunks())) > 1  # really written in pieces
    write_transaction_log(purchases, tmp_path / "t.parquet")
    table.to_parquet(tmp_path / "ref.parquet", index=False)
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "t.parquet"), pd.read_parquet(tmp_path / "ref.parquet")
    )


def test_empty_log(tmp_path):
    write_transaction_log(Purchases([], ("a", "b"), "2026-01-01"), tmp_path / "t.parquet")
    frame = pd.read_parquet(tmp_path / "t.parquet")
    assert frame.empty and list(frame.columns) == ["customer_id", "date", "day", "firm", "spend"]


def test_chunks_are_sorted_like_the_whole():
    rng = np.random.default_rng(0)
    parts = []
    for d in range(1, 8):
        k = 5
        parts.append(
            (
                rng.integers(0, 9, k).astype(np.int64),
                np.full(k, d, np.int32),
                rng.integers(0, 2, k).astype(np.int8),
                rng.random(k),
            )
        )
    p = Purchases(parts, ("focal", "rival"), "2026-01-01")
    pieces = pd.concat(list(p.chunks()), ignore_index=True)
    pd.testing.assert_frame_equal(pieces, p.frame())
