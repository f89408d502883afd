"""Run the trainer page on loopback: one uvicorn server, in this process.

Solara is imported only here, after :func:`simulator.studio.offline.configure`, so the
offline settings are the ones it reads. Uvicorn stops on the first Ctrl-C or SIGTERM
(it finishes open requests, closes websockets and exits), so no child process is left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any

from simulator.studio import offline

APP = "simulator.studio.app:Page"
# The scenario file the page opens, handed to each session through the environment
# (the app is imported by Solara, not called by us).
SCENARIO_ENV = "LOYALTY_STUDIO_SCENARIO"
# A shorter warm-up than the scenario's (the browser tests use it to start fast).
WARMUP_ENV = "LOYALTY_STUDIO_WARMUP_DAYS"


def serve(scenario: str | None, *, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve the trainer page for ``scenario`` until interrupted.

    Parameters
    ----------
    scenario
        A scenario file already validated by the caller; ``None`` opens the first lesson.
    host, port
        Where to listen; loopback by default, as a training room needs no more.
    """
    offline.configure(APP)
    if scenario is not None:
        os.environ[SCENARIO_ENV] = os.path.abspath(scenario)
    else:
        os.environ.pop(SCENARIO_ENV, None)
    os.environ["SERVER_NAME"] = host
    os.environ["SERVER_PORT"] = str(port)
    import uvicorn

    class Server(uvicorn.Server):
        """Uvicorn, re-raising the stopping signal only once its loop has closed.

        Uvicorn re-raises it inside its event loop, where the CLI's handler turns it
        into a KeyboardInterrupt that the loop's shutdown prints as a traceback.
        """

        stopped_by: int | None = None

        def handle_exit(self, sig: int, frame: Any) -> None:
            self.stopped_by = self.stopped_by or sig
            super().handle_exit(sig, frame)

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            sigs = (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM))
            old: dict[int, Any] = {sig: signal.signal(sig, self.handle_exit) for sig in sigs}
            try:
                yield
            finally:
                for sig, handler in old.items():
                    signal.signal(sig, handler)

    config = uvicorn.Config(
        "solara.server.starlette:app",
        host=host,
        port=port,
        log_level="warning",
        # Websocket pings keep a session alive; a closed tab's kernel is culled by Solara.
        ws_ping_interval=20,
    )
    server = Server(config)
    # Served on loopback over http, as a training laptop does: Solara's advice about
    # cookies for pages embedded over https does not apply.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.1)
        if server.started:
            print(f"loyalty-sim studio: open http://{host}:{port}/ (Ctrl-C stops)", flush=True)

    threading.Thread(target=announce, daemon=True).start()
    server.run()
    # Now the CLI's own handler makes it exit code 128 + the signal, as every command.
    if server.stopped_by is not None:
        signal.raise_signal(server.stopped_by)
