"""Matplotlib helpers shared by the report's charts and the run plots.

Kept apart from :mod:`simulator.report.charts` so that writing a run's plots does not
import the comparison statistics (scipy.stats takes seconds to import).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["literal_text", "mark_events"]


@contextmanager
def literal_text() -> Iterator[None]:
    """Text made in the block is drawn as written: a ``$...$`` in a strategy name or a
    schedule label is not matplotlib mathtext, which crashed every plot and the report
    on an unknown command such as ``$\\nosuchcommand{x}$`` (issue 17, item 3)."""
    import matplotlib

    with matplotlib.rc_context({"text.parse_math": False}):
        yield


def drawn_literally[**P, R](fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` (which makes and saves figures) inside :func:`literal_text`."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with literal_text():
            return fn(*args, **kwargs)

    return wrapper


def mark_events(
    ax: Axes,
    events: Sequence[tuple[int, str]],
    *,
    top: float = 0.98,
    line: str = "0.55",
    text: str = "0.35",
) -> None:
    """A dashed vertical line per scheduled event, labelled along it (grey shades)."""
    for day, label in events:
        ax.axvline(day, color=line, lw=0.8, ls="--")
        ax.annotate(
            label,
            (day, top),
            xycoords=("data", "axes fraction"),
            fontsize=7,
            rotation=90,
            va="top",
            ha="right",
            color=text,
        )
