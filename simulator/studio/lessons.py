"""The lessons: one teaching scenario each, with the text the page shows beside it.

Lessons live in ``scenarios/teaching/`` (a scenario file per lesson, and ``lessons.yaml``
with the text: what to do, what to watch, why it happens, and the source), read through
the project's safe YAML reader like every scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simulator.config.loading import load_yaml
from simulator.errors import ScenarioError

TEACHING = Path(__file__).resolve().parents[2] / "scenarios" / "teaching"
FIELDS = ("title", "do", "watch", "why", "source")


@dataclass(frozen=True)
class Lesson:
    """A teaching scenario and its text."""

    scenario: Path
    title: str
    do: str
    watch: str
    why: str
    source: str


def lessons(folder: Path = TEACHING) -> list[Lesson]:
    """Every lesson in ``folder``, in file order; none if the folder is absent."""
    index = folder / "lessons.yaml"
    if not index.is_file():
        return []
    data = load_yaml(index)
    out = []
    for name, text in sorted(data.items()):
        if not isinstance(text, dict) or set(text) != set(FIELDS):
            raise ScenarioError(f"expected the keys {list(FIELDS)}", source=str(index), path=name)
        out.append(Lesson(folder / name, **{k: str(text[k]) for k in FIELDS}))
    return out
