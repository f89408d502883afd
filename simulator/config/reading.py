"""Reading a scenario file: bounded, plain data, paths anchored at its folder.

Kept apart from :mod:`simulator.config.loading` (which overrides and validates) so each
module stays small; ``loading`` re-exports :func:`load_yaml`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from simulator.config import safe_yaml
from simulator.config.files import FileRefused, read_regular
from simulator.config.paths import anchor_paths
from simulator.errors import ScenarioError

__all__ = ["MAX_SCENARIO_BYTES", "load_yaml", "parse_yaml"]

# A scenario is a few KB; a 1,000-change schedule is about 60 KB.
MAX_SCENARIO_BYTES = 2_000_000


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Read a scenario file as plain data (never code in config).

    Only a regular file of at most :data:`MAX_SCENARIO_BYTES` is read; the YAML is
    bounded (:mod:`simulator.config.safe_yaml`); a relative edge-list path is anchored
    at the file's folder (:mod:`simulator.config.paths`).

    Raises
    ------
    ScenarioError
        Missing, unreadable, oversized or not a regular file; malformed YAML, a tag
        that would construct an object, an alias bomb, deep nesting, a duplicate key;
        an empty file, or a top level that is not a mapping.
    """
    src = str(path)
    try:
        text = read_regular(path, limit=MAX_SCENARIO_BYTES).decode("utf-8")
    except FileRefused as exc:
        what = str(exc) if "expected" in str(exc) else f"{exc}; expected a YAML scenario file"
        raise ScenarioError(what, source=src) from None
    except UnicodeDecodeError:
        raise ScenarioError("cannot read the file: expected UTF-8 text", source=src) from None
    data = parse_yaml(text, source=src)
    if data is None:
        raise ScenarioError(
            "the file is empty; expected a mapping with at least 'name'", source=src
        )
    if not isinstance(data, dict):
        raise ScenarioError(
            f"expected a mapping of sections at the top level, got {type(data).__name__}",
            source=src,
        )
    return anchor_paths(data, Path(path).parent)


def parse_yaml(text: str, *, source: str) -> Any:
    try:
        return safe_yaml.loads(text)
    except safe_yaml.YamlRefused as exc:
        raise ScenarioError(str(exc), source=source) from None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}: " if mark else ""
        problem = str(exc.problem or "")
        if "tag" not in problem:
            raise ScenarioError(f"{where}malformed YAML ({problem})", source=source) from None
        raise ScenarioError(
            f"{where}YAML tag not allowed ({problem}); scenarios hold plain data only",
            source=source,
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(f"{where}malformed YAML ({problem})", source=source) from None
