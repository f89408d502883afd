"""The ``loyalty-sim`` command: one module per subcommand, registered here.

Every user error becomes one line on stderr and exit code 2 (never a traceback, never a
half-written result); Ctrl-C becomes exit code 130.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from simulator.cli import compare, report, run, schema, validate
from simulator.errors import LoyaltySimError

# In the order `loyalty-sim --help` lists them.
COMMANDS = (run, validate, schema, compare, report)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="loyalty-sim",
        description="Agent-based loyalty-strategy simulator: run YAML scenarios, "
        "compare strategies.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``loyalty-sim`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except LoyaltySimError as exc:
        print(f"loyalty-sim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("loyalty-sim: interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
