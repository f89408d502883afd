"""``python -m simulator.cli``: the same as the ``loyalty-sim`` command."""

import sys

from simulator.cli.main import main

sys.exit(main())
