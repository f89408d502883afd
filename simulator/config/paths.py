"""File paths inside a scenario are relative to the scenario's folder, not to where the
command runs (issue 17, item 10): ``edgelist: friends.csv`` beside ``shop.yaml`` is found
from any working directory.

Only the base scenario's and its strategies' paths are anchored: a ``--set`` path is
typed on the command line and stays relative to the working directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["PATH_KEYS", "anchor_paths"]

# Keys that hold a file path, as key paths.
PATH_KEYS: tuple[tuple[str, ...], ...] = (
    ("market", "network", "edgelist"),
    ("market", "initial", "customers"),
)


def _parts(key: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in key.replace("->", ".").split(".") if p.strip())


def _anchor(value: Any, folder: Path) -> Any:
    if isinstance(value, str) and value.strip() and not Path(value).is_absolute():
        return str((folder / value).absolute())
    return value


def _walk(tree: dict[str, Any], prefix: tuple[str, ...], folder: Path) -> None:
    for key, value in list(tree.items()):
        if not isinstance(key, str):
            continue
        path = prefix + _parts(key)
        if path in PATH_KEYS:
            tree[key] = _anchor(value, folder)
        elif isinstance(value, dict) and any(k[: len(path)] == path for k in PATH_KEYS):
            _walk(value, path, folder)


def anchor_paths(mapping: dict[str, Any], folder: str | Path) -> dict[str, Any]:
    """``mapping`` with every relative file path made absolute from ``folder``.

    Covers the base scenario and each strategy's overrides, whether written nested
    (``market: {network: {edgelist: f}}``) or dotted (``market.network.edgelist: f``).
    Changes ``mapping`` in place and returns it.
    """
    here = Path(folder)
    _walk(mapping, (), here)
    strategies = mapping.get("strategies")
    if isinstance(strategies, dict):
        for overrides in strategies.values():
            if isinstance(overrides, dict):
                _walk(overrides, (), here)
    return mapping
