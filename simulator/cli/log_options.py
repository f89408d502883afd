"""Options shared by ``calibrate`` and ``holdout``: the log's columns, the window, the
base scenario, the replications; and reading the log with them."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.errors import UsageError

if TYPE_CHECKING:
    from simulator.calibration.log import TransactionLog

MAX_SEGMENTS = 8
MAX_REPLICATIONS = 1000
MAX_BUDGET = 10_000
DEFAULT_BUDGET = 12  # simulator.calibration.smm.DEFAULT_BUDGET (not imported: a fast --help)


def iso_date(text: str) -> date:
    """An ISO date for argparse, or one line saying what was expected."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; expected YYYY-MM-DD") from None


def add_log_options(p: argparse.ArgumentParser, *, replications: int) -> None:
    """The log, its columns, the calibration end and the fit's settings."""
    p.add_argument("log", help="CSV or Parquet file, one row per purchase")
    p.add_argument(
        "--customer-col", default="customer_id", help="customer column (default: customer_id)"
    )
    p.add_argument("--date-col", default="date", help="purchase date column (default: date)")
    p.add_argument(
        "--amount-col", default=None, help="amount column (optional; without it no spend model)"
    )
    p.add_argument(
        "--calibration-end",
        type=iso_date,
        required=True,
        metavar="DATE",
        help="last date the calibration may read (YYYY-MM-DD); nothing later is used",
    )
    p.add_argument(
        "--segments",
        type=int,
        default=1,
        metavar="K",
        help="BG/NBD mixture components (default: 1)",
    )
    p.add_argument(
        "--base",
        metavar="SCENARIO",
        help="scenario whose firm, competitors and programme are kept (default: cdnow_baseline)",
    )
    p.add_argument(
        "--replications",
        type=int,
        default=replications,
        metavar="R",
        help=f"simulated replications, common random numbers (default: {replications})",
    )
    p.add_argument("--seed", type=int, default=1, help="seed of replication 1 (default: 1)")
    p.add_argument(
        "--budget",
        type=int,
        default=DEFAULT_BUDGET,
        metavar="N",
        help="trials of the moment search for reactivation (default: "
        f"{DEFAULT_BUDGET}; 0: none, dropout stays final); a larger N continues the study",
    )
    p.add_argument(
        "--study",
        metavar="FILE.db",
        help="SQLite file of the moment search; run again with it to resume an interrupted "
        "search (default: beside the output, <name>.study.db)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def check_options(args: argparse.Namespace) -> None:
    """Refuse out-of-range numbers before anything is read."""
    from simulator.cli import preflight

    if not 1 <= args.segments <= MAX_SEGMENTS:
        raise UsageError(f"--segments {args.segments}: expected 1 to {MAX_SEGMENTS}")
    if not 2 <= args.replications <= MAX_REPLICATIONS:
        raise UsageError(f"--replications {args.replications}: expected 2 to {MAX_REPLICATIONS}")
    preflight.check_seed(args.seed, args.replications)
    if not 0 <= args.budget <= MAX_BUDGET:
        raise UsageError(f"--budget {args.budget}: expected 0 to {MAX_BUDGET}")


def study_storage(args: argparse.Namespace, default: Path) -> str:
    """The Optuna storage URL of ``--study`` (or ``default``), its folder checked.

    The file is the search's state, written as trials complete, so that a search cut
    short resumes where it stopped.
    """
    from simulator.errors import OutputError

    path = Path(args.study) if args.study else default
    if path.exists() and not path.is_file():
        raise OutputError(f"{path}: not a file; choose another --study")
    if not path.absolute().parent.is_dir():
        raise OutputError(f"{path}: its folder does not exist; create it or choose another --study")
    return f"sqlite:///{path.absolute().as_posix()}"


def base_mapping(args: argparse.Namespace) -> dict[str, Any]:
    """The base scenario as plain data, validated."""
    from simulator.calibration.scenario import DEFAULT_BASE
    from simulator.config.loading import load_yaml, resolve

    path = Path(args.base) if args.base else DEFAULT_BASE
    mapping = load_yaml(path)
    config = resolve(mapping, source=str(path))
    if config.modules.competition and config.market.competitors:
        from simulator.cli import console

        # The log holds the firm's own purchases; the segments are the category's.
        console.warn(
            f"{path}: the base has competitors, so simulated customers buy part of their "
            "occasions elsewhere while the fitted rates are the firm's own purchases; "
            "read the fit table, or use a base without competition"
        )
    return mapping


def read(args: argparse.Namespace, until: date) -> TransactionLog:
    """The log up to ``until`` with the columns the options name."""
    from simulator.calibration.log import read_log

    return read_log(
        args.log,
        customer_col=args.customer_col,
        date_col=args.date_col,
        amount_col=args.amount_col,
        until=until,
    )
