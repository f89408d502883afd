"""Reading a firm's transaction log: bounded, checked, anonymised, cut at a date.

A log is a CSV or Parquet file with one row per purchase. It is read in blocks with
pyarrow (memory grows with the rows kept, never with the file), and only rows dated on
or before ``until`` are kept: nothing after the calibration end reaches a fit. Every
problem a user can fix is one :class:`~simulator.errors.LogError` naming the file, the
column and what was expected. Raw customer identifiers stay in memory: customers are
numbered 0, 1, 2... in the order of their first purchase (ties by raw id), and the
mapping is written only when the user asks for it (:func:`write_id_map`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from numpy.typing import NDArray

from simulator.config.files import FileRefused, human_bytes, open_regular
from simulator.errors import LogError

__all__ = ["MAX_LOG_BYTES", "TransactionLog", "read_log", "write_id_map"]

# A log of 25,000 customers over a few years is a few MB; 1 GB is some 20 million
# purchases. Larger files are refused before any reading: sample customers first.
MAX_LOG_BYTES = 1_000_000_000
_BLOCK_BYTES = 8 << 20

# Column-name words that say "personal data" (source documents: protect member data).
_PERSONAL = {
    "email",
    "mail",
    "phone",
    "telephone",
    "mobile",
    "tel",
    "name",
    "firstname",
    "lastname",
    "surname",
    "address",
    "street",
    "postcode",
    "zip",
    "birthday",
    "birthdate",
    "dob",
    "ssn",
    "passport",
    "iban",
}
_WORDS = re.compile(r"[a-z]+")
_DIGITS = re.compile(r"^[0-9]{8}$")


@dataclass(frozen=True)
class TransactionLog:
    """Purchases up to a date, with customers numbered by their first purchase.

    ``customer`` holds sequential ids (0 for the first customer to buy), ``day`` the
    days since ``origin`` (the log's first date), ``amount`` the spend or ``None``
    without an amount column. ``raw_ids[k]`` is customer ``k``'s identifier in the
    file: kept in memory, written only by :func:`write_id_map`.
    """

    source: str
    customer: NDArray[np.int64]
    day: NDArray[np.int64]
    amount: NDArray[np.float64] | None
    origin: date
    last_date: date
    raw_ids: NDArray[np.object_]

    @property
    def customers(self) -> int:
        """Number of customers in the log."""
        return int(self.raw_ids.size)

    def day_of(self, when: date) -> int:
        """Days from the log's first date to ``when``."""
        return (when - self.origin).days

    def first_days(self) -> NDArray[np.int64]:
        """Day of each customer's first purchase, in id order."""
        first = np.full(self.customers, np.iinfo(np.int64).max)
        np.minimum.at(first, self.customer, self.day)
        return first


def _personal(names: list[str]) -> list[str]:
    out = []
    for name in names:
        low = name.lower().replace("e-mail", "email")
        words = set(_WORDS.findall(low))
        if words & _PERSONAL or low.replace("_", "") in _PERSONAL:
            out.append(name)
    return out


def _check_columns(source: str, names: list[str], wanted: list[str]) -> None:
    for col in wanted:
        if col not in names:
            listed = ", ".join(repr(n) for n in names[:12])
            raise LogError(
                f"no such column; the file has {listed} (choose one with --customer-col, "
                "--date-col or --amount-col)",
                source=source,
                column=col,
            )
    personal = _personal(names)
    if personal:
        cols = ", ".join(repr(c) for c in personal)
        raise LogError(
            f"column(s) {cols} look like personal data and are refused; keep only the "
            "customer, date and amount columns, e.g. "
            f"`duckdb -c \"COPY (SELECT * EXCLUDE ({', '.join(personal)}) FROM 'log.csv') "
            "TO 'clean.csv'\"`",
            source=source,
        )


def _csv_batches(f: BinaryIO, source: str) -> tuple[list[str], Iterator[pd.DataFrame]]:
    head = f.readline().decode("utf-8", errors="replace")
    f.seek(0)
    if not head.strip():
        raise LogError(
            "the log is empty; expected a header and one row per purchase", source=source
        )
    names = next(csv.reader(io.StringIO(head)))
    # Everything as text: types are checked here, with messages naming the row.
    reader = pacsv.open_csv(
        f,
        read_options=pacsv.ReadOptions(block_size=_BLOCK_BYTES),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}),
    )

    def batches() -> Iterator[pd.DataFrame]:
        for batch in reader:
            yield batch.to_pandas()

    return names, batches()


def _parquet_batches(f: BinaryIO) -> tuple[list[str], Iterator[pd.DataFrame]]:
    pf = pq.ParquetFile(f)
    names = list(pf.schema_arrow.names)

    def batches() -> Iterator[pd.DataFrame]:
        for batch in pf.iter_batches(batch_size=500_000):
            yield batch.to_pandas()

    return names, batches()


def _dates(values: pd.Series, source: str, column: str, first_row: int) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values.dt.tz_localize(None) if values.dt.tz is not None else values
    else:
        text = values.astype("string").str.strip()
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
        compact = parsed.isna() & text.str.match(_DIGITS).fillna(False).astype(bool)
        if compact.any():
            parsed[compact] = pd.to_datetime(text[compact], format="%Y%m%d", errors="coerce")
        bad = parsed.isna()
        if bad.any():
            k = int(np.flatnonzero(bad.to_numpy())[0])
            raise LogError(
                f"row {first_row + k}: {str(values.iloc[k])[:40]!r} is not a date; "
                "expected YYYY-MM-DD (or YYYYMMDD)",
                source=source,
                column=column,
            )
    if parsed.isna().any():
        k = int(np.flatnonzero(parsed.isna().to_numpy())[0])
        raise LogError(f"row {first_row + k}: missing date", source=source, column=column)
    return parsed.dt.normalize()


def _amounts(values: pd.Series, source: str, column: str, rows: np.ndarray) -> np.ndarray:
    num = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(num)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise LogError(
            f"row {rows[k]}: {str(values.iloc[k])[:40]!r} is not a finite number; "
            "expected the amount spent",
            source=source,
            column=column,
        )
    if (num < 0).any():
        k = int(np.flatnonzero(num < 0)[0])
        raise LogError(
            f"row {rows[k]}: negative amount {num[k]:g}; expected >= 0 (net returns "
            "and refunds out of the log first)",
            source=source,
            column=column,
        )
    return num


def _ids(values: pd.Series, source: str, column: str, rows: np.ndarray) -> pd.Series:
    ids = values.astype("string").str.strip()
    missing = (ids.isna() | (ids == "")).to_numpy()
    if missing.any():
        k = int(np.flatnonzero(missing)[0])
        raise LogError(f"row {rows[k]}: missing customer id", source=source, column=column)
    return ids


def _read(
    path: str | Path, cols: list[str], until: date
) -> tuple[pd.DataFrame, date, date, list[str]]:
    source = str(path)
    customer_col, date_col = cols[0], cols[1]
    try:
        f = open_regular(path, limit=MAX_LOG_BYTES)
    except FileRefused as exc:
        msg = str(exc)
        if "larger" in msg or "limit" in msg:
            msg = f"{msg}; logs above {human_bytes(MAX_LOG_BYTES)} are refused: sample customers"
        raise LogError(msg, source=source) from None
    kept: list[pd.DataFrame] = []
    hashes: list[np.ndarray] = []
    first = last = None
    row = 2 if Path(source).suffix.lower() != ".parquet" else 1
    with f:
        try:
            if Path(source).suffix.lower() == ".parquet":
                names, batches = _parquet_batches(f)
                row = 1
            else:
                names, batches = _csv_batches(f, source)
            _check_columns(source, names, cols)
            for frame in batches:
                when = _dates(frame[date_col], source, date_col, row)
                lo, hi = when.min().date(), when.max().date()
                first = lo if first is None else min(first, lo)
                last = hi if last is None else max(last, hi)
                keep = (when <= pd.Timestamp(until)).to_numpy()
                part = frame.loc[keep].copy()
                part["_date"] = when[keep]
                part["_row"] = np.arange(row, row + len(frame))[keep]
                part[customer_col] = _ids(
                    part[customer_col], source, customer_col, part["_row"].to_numpy()
                )
                hashes.append(pd.util.hash_pandas_object(part[names], index=False).to_numpy())
                kept.append(part)
                row += len(frame)
        except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
            first_line = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
            raise LogError(f"cannot read the file: {first_line}", source=source) from None
    if first is None or last is None or not kept:
        raise LogError("the log is empty; expected one row per purchase", source=source)
    data = pd.concat(kept, ignore_index=True)
    h = np.concatenate(hashes)
    dup = pd.Series(h).duplicated(keep="first").to_numpy()
    if dup.any():
        k = int(np.flatnonzero(dup)[0])
        twin = int(np.flatnonzero(h == h[k])[0])
        raise LogError(
            f"row {data['_row'].iloc[k]} repeats row {data['_row'].iloc[twin]} exactly; drop "
            "duplicated rows, or add an order-id column if they are separate purchases",
            source=source,
        )
    return data, first, last, names


def _mixed(ids: pd.Series, source: str, column: str) -> None:
    numeric = ids.str.fullmatch(r"[0-9]+").fillna(False).astype(bool).to_numpy()
    if numeric.any() and not numeric.all():
        a = ids[numeric].iloc[0]
        b = ids[~numeric].iloc[0]
        raise LogError(
            f"mixes numbers (e.g. {a!r}) and text (e.g. {b!r}); expected one kind of id "
            "(a spreadsheet may have turned some ids into numbers)",
            source=source,
            column=column,
        )


def read_log(
    path: str | Path,
    *,
    customer_col: str,
    date_col: str,
    amount_col: str | None,
    until: date,
) -> TransactionLog:
    """Read the purchases dated on or before ``until`` from a CSV or Parquet log.

    Parameters
    ----------
    path
        A regular CSV (with a header) or ``.parquet`` file of at most
        :data:`MAX_LOG_BYTES`.
    customer_col, date_col, amount_col
        Column names; ``amount_col`` may be ``None`` (no spend model is then fitted).
    until
        Last date kept. Later rows are parsed only for their date (to know where the
        log ends) and then dropped.

    Returns
    -------
    TransactionLog

    Raises
    ------
    LogError
        Missing or oversized file, missing column, personal-data columns, an empty
        log, a non-date, a missing or mixed-type customer id, a non-numeric or negative
        amount, or a row repeated exactly.
    """
    cols = [customer_col, date_col] + ([amount_col] if amount_col else [])
    source = str(path)
    data, first, last, _ = _read(path, cols, until)
    if data.empty:
        raise LogError(
            f"nothing dated on or before {until.isoformat()}: the log runs from "
            f"{first.isoformat()} to {last.isoformat()}",
            source=source,
        )
    ids = data[customer_col]
    _mixed(ids, source, customer_col)
    rows = data["_row"].to_numpy()
    amount = None if amount_col is None else _amounts(data[amount_col], source, amount_col, rows)
    origin = data["_date"].min().date()
    day = (data["_date"] - pd.Timestamp(origin)).dt.days.to_numpy(dtype=np.int64)
    # Customers numbered by first purchase, ties by raw id (numerically if ids are
    # numbers): the numbering does not depend on rows after the cut-off.
    numeric = bool(ids.str.fullmatch(r"[0-9]+").all())
    key = ids.astype("int64") if numeric else ids
    firsts = (
        pd.DataFrame({"id": ids, "key": key, "day": day})
        .groupby("id", sort=False)
        .agg(day=("day", "min"), key=("key", "first"))
    )
    firsts = firsts.sort_values(["day", "key"], kind="stable")
    seq = pd.Series(np.arange(len(firsts), dtype=np.int64), index=firsts.index)
    customer = seq.loc[ids.to_numpy()].to_numpy()
    order = np.lexsort((customer, day))
    return TransactionLog(
        source=source,
        customer=customer[order],
        day=day[order],
        amount=None if amount is None else amount[order],
        origin=origin,
        last_date=last,
        raw_ids=firsts.index.to_numpy(dtype=object),
    )


def write_id_map(log: TransactionLog, path: Path) -> None:
    """Write ``customer, raw_id``: only when the user asks (``--id-map``)."""
    pd.DataFrame({"customer": np.arange(log.customers), "raw_id": log.raw_ids.astype(str)}).to_csv(
        path, index=False
    )
