"""The ``loyalty-sim`` command: one module per subcommand, registered here.

Every user error becomes one line on stderr and exit code 2 (never a traceback, never a
half-written result); Ctrl-C, SIGTERM and SIGHUP stop the command with nothing written
and exit code 128 + the signal (130 for Ctrl-C).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from simulator.cli import (
    calibrate,
    compare,
    console,
    holdout,
    report,
    run,
    schema,
    signals,
    studio,
    sweep,
    validate,
)
from simulator.errors import LoyaltySimError, ScenarioError

# In the order `loyalty-sim --help` lists them.
COMMANDS = (run, validate, schema, compare, report, sweep, calibrate, holdout, studio)


class _Parser(argparse.ArgumentParser):
    """argparse with its errors on one line, like every other error of the command."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"loyalty-sim: error: {console.clean(message)} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = _Parser(
        prog="loyalty-sim",
        description="Agent-based loyalty-strategy simulator: run YAML scenarios, "
        "compare strategies.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser


def _attributed(exc: LoyaltySimError, args: argparse.Namespace) -> LoyaltySimError:
    """A scenario error raised from plain data (the engine reading an edge list) names
    the scenario file the command was given."""
    scenario = getattr(args, "scenario", None)
    if isinstance(exc, ScenarioError) and exc.source == "<mapping>" and scenario:
        return ScenarioError(exc.message, source=str(scenario), path=exc.path)
    return exc


def _interrupted() -> int:
    print("loyalty-sim: interrupted; nothing was written", file=sys.stderr)
    return signals.exit_code()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``loyalty-sim`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    with signals.interrupts():
        try:
            return int(args.func(args) or 0)
        except LoyaltySimError as exc:
            if console.INTERRUPTED.is_set():
                # Ctrl-C inside a compiled kernel surfaces as a SystemError, which the run
                # reports as its failure: it is the interrupt.
                return _interrupted()
            console.error(_attributed(exc, args))
            return 2
        except KeyboardInterrupt:
            return _interrupted()
        except MemoryError:
            console.error("out of memory; use fewer customers (run.customers) or fewer --jobs")
            return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
