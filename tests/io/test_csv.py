"""comparison.csv cannot run a formula in a spreadsheet (issue 17, item 8)."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from simulator.io.comparison import write_comparison
from simulator.io.csv import neutralise_cell, neutralise_formulas
from tests.io.conftest import FORMULA


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_starts_get_an_apostrophe(start):
    assert neutralise_cell(start + "SUM(A1)") == "'" + start + "SUM(A1)"


@pytest.mark.parametrize("value", ["-0.5", "+3", "-1e-3", 1.5, -2, None, "premium", "a=b"])
def test_numbers_and_plain_text_are_left_alone(value):
    assert neutralise_cell(value) == value


def test_frame_cells_and_headers():
    frame = pd.DataFrame({"strategy": ["@x", "ok"], "=h": [-1.0, 2.0]})
    out = neutralise_formulas(frame)
    assert out["strategy"].tolist() == ["'@x", "ok"]
    assert list(out.columns) == ["strategy", "'=h"]
    assert out["'=h"].tolist() == [-1.0, 2.0]
    assert frame["strategy"].tolist() == ["@x", "ok"], "the input is not changed"


def test_comparison_csv_has_no_live_formula(comparison, tmp_path):
    out = write_comparison(comparison, tmp_path / "cmp")
    with (out / "comparison.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    cells = [cell for row in rows for cell in row]
    assert any(FORMULA in cell for cell in cells)
    live = [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert live == []
    negative = [c for c in cells if c.startswith("-")]
    for cell in negative:
        float(cell)  # only numbers may start with "-"
    # The tidy Parquet keeps the name as it is: it is data, not a spreadsheet.
    tidy = pd.read_parquet(out / "comparison.parquet")
    assert FORMULA in set(tidy["strategy"].astype(str))
