"""``loyalty-sim report RUN_DIR``: the HTML report of one run directory."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from simulator.cli import console


def register(subparsers: Any) -> None:
    """Add the ``report`` command to the ``loyalty-sim`` parser."""
    p = subparsers.add_parser(
        "report",
        help="write report.html for a run directory",
        description="Render RUN_DIR/report.html from the files `loyalty-sim run` wrote.",
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="a directory written by `loyalty-sim run`")
    p.set_defaults(func=_cmd_report)


def _cmd_report(args: argparse.Namespace) -> int:
    # The report (scipy.stats, matplotlib) is imported when the command runs, so that
    # every other command starts without it.
    from simulator.errors import ReportError
    from simulator.io.run_dir import load_run_dir
    from simulator.report.html import write_report

    result = load_run_dir(args.run_dir)
    try:
        path = write_report(result, Path(args.run_dir) / "report.html")
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        # load_run_dir checks what the report reads; a folder edited in a way it does
        # not foresee still gets one line, not a traceback.
        raise ReportError(
            f"{args.run_dir}: its files do not hold what `loyalty-sim run` writes "
            f"({type(exc).__name__}: {exc}); was the folder edited by hand?"
        ) from None
    console.say(f"report: {path}")
    return 0
