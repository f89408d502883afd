"""The streamed transaction log is the same file as the table (issue 17, item 18)."""

from __future__ import annotations

import pandas as pd

from simulator.config.loading import load_yaml
from simulator.experiment.run import build_model
from simulator.io.transactions import write_transaction_log
from tests.cli.helpers import COFFEE


def test_streamed_log_equals_the_table(tmp_path):
    model, _ = build_model(
        load_yaml(COFFEE), overrides={"run.customers": 400, "run.days": 30}, transactions=True
    )
    for _ in range(30):
        model.step()
    table = model.transactions()
    assert len(table) > 100
    firms = [f.name for f in model.firms]
    write_transaction_log(
        model.ctx.log.transactions, firms, model.config.run.start_date, tmp_path / "t.parquet"
    )
    table.to_parquet(tmp_path / "ref.parquet", index=False)
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "t.parquet"), pd.read_parquet(tmp_path / "ref.parquet")
    )


def test_empty_log(tmp_path):
    write_transaction_log([], ["a", "b"], "2026-01-01", tmp_path / "t.parquet")
    frame = pd.read_parquet(tmp_path / "t.parquet")
    assert frame.empty and list(frame.columns) == ["customer_id", "date", "day", "firm", "spend"]
