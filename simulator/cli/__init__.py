"""The ``loyalty-sim`` command: one module per subcommand, registered in :mod:`.main`."""

from simulator.cli.main import main

__all__ = ["main"]
