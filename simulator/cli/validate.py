"""``loyalty-sim validate``: check a scenario and each of its strategies."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``validate`` command to the ``loyalty-sim`` parser."""
    p = subparsers.add_parser("validate", help="check a scenario and each of its strategies")
    p.add_argument("scenario", help="path of a YAML scenario")
    p.set_defaults(func=_cmd_validate)


def _cmd_validate(args: argparse.Namespace) -> int:
    from simulator.config.loading import load_yaml, resolve, strategy_names

    mapping = load_yaml(args.scenario)
    names = strategy_names(mapping)
    for name in names:
        config = resolve(mapping, strategy=name, source=args.scenario)
    print(f"{args.scenario}: valid scenario {config.name!r} with strategies {names}")
    return 0
