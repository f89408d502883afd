"""CSV cells a spreadsheet will not run (OWASP "CSV injection", issue 17 item 8).

Excel, LibreOffice and Google Sheets evaluate a cell that begins with ``=``, ``+``,
``-`` or ``@`` (and, in some versions, a tab or carriage return first) as a formula: a
strategy named ``=cmd|' /C calc'!A0`` would run a command when ``comparison.csv`` is
opened. Such text cells get a leading apostrophe, which spreadsheets show as text.
Numbers, and text that is a plain number such as ``-0.5``, are left alone.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["FORMULA_START", "neutralise_cell", "neutralise_formulas"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def neutralise_cell(value: Any) -> Any:
    """``value`` with an apostrophe in front if a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names cannot start a formula."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype(object).map(neutralise_cell)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out
