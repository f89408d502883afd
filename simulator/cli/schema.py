"""``loyalty-sim schema``: the JSON Schema of the scenario format."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``schema`` command to the ``loyalty-sim`` parser."""
    p = subparsers.add_parser("schema", help="print the JSON Schema of the scenario format")
    p.set_defaults(func=_cmd_schema)


def _cmd_schema(args: argparse.Namespace) -> int:
    from simulator.config.schema import Scenario

    print(json.dumps(Scenario.model_json_schema(), indent=2))
    return 0
