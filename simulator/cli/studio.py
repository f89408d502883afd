"""``loyalty-sim studio``: the trainer page on localhost, offline (issue 15)."""

from __future__ import annotations

import argparse
from typing import Any

from simulator.errors import UsageError


def register(subparsers: Any) -> None:
    """Add the ``studio`` command to the ``loyalty-sim`` parser."""
    p = subparsers.add_parser(
        "studio", help="open the trainer page on localhost (works with no internet)"
    )
    p.add_argument("scenario", nargs="?", help="a YAML scenario (default: the lessons only)")
    p.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    p.set_defaults(func=_cmd_studio)


def _cmd_studio(args: argparse.Namespace) -> int:
    import socket

    from simulator.config.loading import load_yaml, resolve, strategy_names
    from simulator.studio import lessons, offline, server

    if not 1 <= args.port <= 65535:
        raise UsageError(f"--port(={args.port}) must be in 1..65535")
    if args.scenario is not None:
        # Refused here, in one line, before any server starts.
        mapping = load_yaml(args.scenario)
        resolve(mapping, strategy=strategy_names(mapping)[0], source=args.scenario)
    elif not lessons.lessons():
        raise UsageError("no scenario given and no lessons found in scenarios/teaching/")
    missing = offline.missing()
    if missing:
        raise UsageError(f"front-end files missing from {offline.ASSETS}: {', '.join(missing)}")
    with socket.socket() as probe:
        # As uvicorn binds: a port in TIME_WAIT from a server just stopped is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", args.port))
        except OSError as exc:
            raise UsageError(
                f"--port {args.port} is not free on 127.0.0.1 ({exc.strerror})"
            ) from None
    server.serve(args.scenario, port=args.port)
    return 0
