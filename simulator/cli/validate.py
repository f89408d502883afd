"""``loyalty-sim validate``: check a scenario and each of its strategies."""

from __future__ import annotations

import argparse
from typing import Any

from simulator.cli import console


def register(subparsers: Any) -> None:
    """Add the ``validate`` command to the ``loyalty-sim`` parser."""
    p = subparsers.add_parser("validate", help="check a scenario and each of its strategies")
    p.add_argument("scenario", help="path of a YAML scenario")
    p.set_defaults(func=_cmd_validate)


def _cmd_validate(args: argparse.Namespace) -> int:
    from simulator.cli import preflight
    from simulator.config.loading import load_yaml, resolve, strategy_names

    mapping = load_yaml(args.scenario)
    preflight.refuse_run_constants(mapping, source=args.scenario)
    names = strategy_names(mapping)
    configs = [resolve(mapping, strategy=name, source=args.scenario) for name in names]
    # What a run would only find when it starts: every edge list read in full, and the
    # seeds a default comparison would use.
    preflight.check_input_files(configs, source=args.scenario, parse=True)
    preflight.check_seed(configs[0].run.seed, what="run -> seed", source=args.scenario)
    console.say(f"{args.scenario}: valid scenario {configs[-1].name!r} with strategies {names}")
    return 0
