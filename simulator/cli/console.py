"""What the CLI prints: text from scenarios made harmless, errors on one line.

Strategy names, labels and paths come from files a user may not have written. Printed
raw, an ANSI escape in a name recolours, moves or retitles the user's terminal (issue
17, item 9), so every control or format character (Unicode Cc and Cf: escapes, bidi
overrides, zero-width marks) is shown as an escape such as ``\\x1b`` instead.
"""

from __future__ import annotations

import sys
import threading
import unicodedata
from typing import TextIO

__all__ = ["INTERRUPTED", "clean", "error", "say", "stop_if_interrupted", "warn"]

# Set once the user interrupts (Ctrl-C, SIGTERM, SIGHUP): a run failing because it was
# interrupted is not a failure to report (issue 17, item 18).
INTERRUPTED = threading.Event()


def stop_if_interrupted() -> None:
    """Raise KeyboardInterrupt if an interrupt arrived but was swallowed on the way.

    Python drops an exception raised while a weakref callback or ``__del__`` runs, so a
    signal landing there ("Exception ignored in ...") would let the command carry on
    and write its results; commands call this before they write.
    """
    if INTERRUPTED.is_set():
        raise KeyboardInterrupt


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def clean(text: object, *, newlines: bool = False) -> str:
    """``text`` with control and format characters escaped (``newlines``: keep ``\\n``)."""
    s = str(text)
    if s.isprintable():
        return s
    return "".join(
        c if (c == "\n" and newlines) or unicodedata.category(c) not in ("Cc", "Cf") else _escape(c)
        for c in s
    )


def say(text: object = "", *, file: TextIO | None = None) -> None:
    """Print ``text`` (which may span lines) with control characters escaped."""
    print(clean(text, newlines=True), file=file or sys.stdout)


def error(message: object) -> None:
    """``loyalty-sim: error: <message>`` as one line on stderr."""
    print(f"loyalty-sim: error: {clean(message)}", file=sys.stderr)


def warn(message: object) -> None:
    """``loyalty-sim: warning: <message>`` on stderr, above a progress bar if one runs."""
    from tqdm import tqdm

    tqdm.write(f"loyalty-sim: warning: {clean(message)}", file=sys.stderr)
