"""Reading a social network from an edge list file of customer row numbers."""

from __future__ import annotations

import os
import re
from array import array
from typing import BinaryIO

import numpy as np

from simulator.config.files import FileRefused, human_bytes, open_regular
from simulator.market.network.graph import SocialNetwork, from_edges

__all__ = ["check_edgelist", "max_edgelist_bytes", "read_edgelist"]

# Columns may be separated by commas, semicolons, tabs or runs of spaces.
_SPLIT = re.compile(r"[\s,;]+")
_INT = re.compile(r"[+-]?[0-9]+")
# Bounds on a file that can describe a network of n customers: each distinct pair once
# in each direction, a line of at most _LINE_BYTES, plus room for a header and comments.
_MAX_DEGREE = 1000
_LINE_BYTES = 64
_SLACK_BYTES = 64_000


def max_edgelist_bytes(n: int) -> int:
    """The largest edge-list file accepted for ``n`` customers.

    Every distinct pair of customers (at most ``n * _MAX_DEGREE / 2`` of them) once in
    each direction, one line of at most 64 bytes each: a file larger than that holds
    nodes outside the population or endless repeats, and is refused before it is read
    (a 208 MB list for 100 customers took 422 s and 2.8 GB, issue 17).
    """
    pairs = min(n * (n - 1) // 2, n * _MAX_DEGREE // 2)
    return _SLACK_BYTES + 2 * pairs * _LINE_BYTES


def read_edgelist(path: str | os.PathLike[str], n: int) -> SocialNetwork:
    """Read an undirected edge list of customer row numbers.

    The file holds one edge per line: ``source target`` or ``source target strong``,
    separated by commas, semicolons, tabs or spaces; ``strong`` is 0 (weak tie) or 1
    (strong tie) and defaults to strong when the column is absent. An optional header
    line of column names may come first (its third name, if any, must be ``strong``).
    Blank lines and ``#`` comments are skipped. Self loops are dropped and repeated
    edges (in either direction) merged, strong if any copy is strong.

    Parameters
    ----------
    path : str or path-like
        The file.
    n : int
        Number of customers; every id must be in ``[0, n)``.

    Returns
    -------
    SocialNetwork

    Raises
    ------
    ValueError
        If the file is missing, unreadable, not a regular file, larger than any edge
        list of ``n`` customers can be (:func:`max_edgelist_bytes`), or a line is
        malformed; the message names the file, the line and what was expected, and
        never quotes the file's content (it may be ``/proc/self/environ``).

    Notes
    -----
    Parsed line by line in Python (~1-2 s per million lines) so that every error can
    point at its line.
    """
    src, dst, strong = array("q"), array("q"), array("b")
    ncols: int | None = None
    limit = max_edgelist_bytes(n)
    handle = _open(path, n)
    read = 0
    with handle:
        for lineno, raw in enumerate(handle, start=1):
            where = f"edge list {path}, line {lineno}"
            read += len(raw)
            if read > limit:  # a file whose size is unknown in advance (/proc)
                raise ValueError(
                    f"edge list {path}: holds more than {human_bytes(limit)}, the most an "
                    f"edge list of {n:,} customers can hold"
                )
            try:
                # Decoded per line (not by the file object) so that the error names it;
                # utf-8-sig drops a byte-order mark some spreadsheet exports write.
                line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError:
                raise ValueError(f"{where}: expected UTF-8 text") from None
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            fields = _SPLIT.split(text)
            if ncols is None:
                ncols = len(fields)
                if not any(_is_int(f) for f in fields):
                    _check_header(fields, where)
                    continue
                if ncols not in (2, 3):
                    raise ValueError(
                        f"{where}: expected 2 or 3 columns (source, target[, strong]), got {ncols}"
                    )
            if len(fields) != ncols:
                raise ValueError(
                    f"{where}: expected {ncols} columns like the first line, got {len(fields)}"
                )
            if not (_is_int(fields[0]) and _is_int(fields[1])):
                raise ValueError(f"{where}: expected two integer node ids (source, target)")
            a, b = int(fields[0]), int(fields[1])
            if not (0 <= a < n and 0 <= b < n):
                bad = a if not 0 <= a < n else b
                raise ValueError(
                    f"{where}: node ids must be in [0, {n}) (customer rows), got {bad}"
                )
            tie = 1
            if ncols == 3:
                if fields[2] not in ("0", "1"):
                    raise ValueError(f"{where}: expected strong = 0 or 1 in the third column")
                tie = int(fields[2])
            src.append(a)
            dst.append(b)
            strong.append(tie)
    return from_edges(
        "edgelist",
        n,
        np.frombuffer(src, dtype=np.int64),
        np.frombuffer(dst, dtype=np.int64),
        np.frombuffer(strong, dtype=np.int8) != 0,
    )


def _open(path: str | os.PathLike[str], n: int) -> BinaryIO:
    try:
        return open_regular(path, limit=max_edgelist_bytes(n))
    except FileRefused as exc:
        if str(exc) == "file not found":
            raise ValueError(f"edge list file not found: {path}") from None
        if "larger than the limit" in str(exc):
            raise ValueError(
                f"edge list {path}: {exc} for {n:,} customers (every pair of customers "
                "once each way); is it the edge list of this population?"
            ) from None
        raise ValueError(f"edge list {path}: {exc}") from None


def check_edgelist(path: str | os.PathLike[str], n: int) -> None:
    """Raise the ValueError :func:`read_edgelist` would raise before reading a line: a
    missing file, not a regular file, or one too large for ``n`` customers."""
    _open(path, n).close()


def _is_int(field: str) -> bool:
    return _INT.fullmatch(field) is not None


def _check_header(fields: list[str], where: str) -> None:
    if len(fields) not in (2, 3):
        raise ValueError(
            f"{where}: expected a header of 2 or 3 column names (source, target[, strong]), "
            f"got {len(fields)}"
        )
    if len(fields) == 3 and fields[2].lower() != "strong":
        raise ValueError(f"{where}: the third column must be 'strong' (0/1 tie strength)")
