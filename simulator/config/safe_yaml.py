"""Reading YAML as plain data, refusing what ``yaml.safe_load`` lets through.

``yaml.safe_load`` constructs no objects, but it still (issue 17):

- expands aliases without bound: a "billion laughs" of nested aliases hidden in an
  unused strategy passes a run and explodes when the resolved scenario is dumped;
- recurses once per nesting level, so 1,000 ``[`` in a 1 KB file is a RecursionError;
- keeps the last of two equal keys, silently;
- reads YAML 1.1 booleans, so a segment named ``NO`` becomes ``False``;
- turns an unquoted ``2026-01-01`` into a ``datetime.date``.

This loader composes the node graph first, with a depth bound, counts the nodes it
would expand to (refusing recursive aliases), refuses duplicate and non-scalar keys,
and only then constructs plain data: mappings, lists, strings, numbers, booleans
(``true``/``false`` only, as in YAML 1.2) and null. Dates stay strings. Aliases are
expanded into independent copies, so changing one place never changes another.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["MAX_DEPTH", "MAX_NODES", "YamlRefused", "loads"]

# A scenario nests about 8 levels deep and holds a few thousand nodes (a 1,000-change
# schedule is about 6,000): these bounds leave room and stop bombs early.
MAX_DEPTH = 40
MAX_NODES = 100_000

_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL_12 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class YamlRefused(ValueError):
    """Well-formed YAML this loader will not construct; the message says where and why."""


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans, dates as strings and a bounded composer."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _TIMESTAMP)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlRefused(
                    f"{_where(mark)}nested more than {MAX_DEPTH} levels deep; "
                    "a scenario needs far fewer"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.add_implicit_resolver(_BOOL, _BOOL_12, list("tTfF"))


def _where(mark: Any) -> str:
    return f"line {mark.line + 1}: " if mark is not None else ""


def _check_graph(root: Node) -> None:
    """Count the nodes ``root`` expands to and refuse bombs, cycles and duplicate keys.

    Each distinct node is visited once (its expanded size memoised), so an alias bomb is
    refused after work proportional to the file, not to its expansion.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in on_path:
            raise YamlRefused(f"{_where(node.start_mark)}an alias refers to itself")
        on_path.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            for child in node.value:
                total += size(child)
                _bound(total, node)
        elif isinstance(node, MappingNode):
            seen: set[str] = set()
            for k, v in node.value:
                if not isinstance(k, ScalarNode):
                    raise YamlRefused(
                        f"{_where(k.start_mark)}a mapping key must be a plain name, "
                        "not a list or mapping"
                    )
                if k.tag != "tag:yaml.org,2002:merge":
                    if k.value in seen:
                        raise YamlRefused(
                            f"{_where(k.start_mark)}duplicate key {k.value!r}; "
                            "each key may appear once in a mapping"
                        )
                    seen.add(k.value)
                total += size(k) + size(v)
                _bound(total, node)
        on_path.discard(key)
        sizes[key] = total
        return total

    size(root)


def _bound(total: int, node: Node) -> None:
    if total > MAX_NODES:
        raise YamlRefused(
            f"{_where(node.start_mark)}expands to more than {MAX_NODES:,} values "
            "(aliases repeating aliases?); a scenario needs far fewer"
        )


def _unshare(value: Any) -> Any:
    """A copy in which no mapping or list appears twice (aliases become copies)."""
    if isinstance(value, dict):
        return {k: _unshare(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unshare(v) for v in value]
    return value


def loads(text: str) -> Any:
    """Plain data from one YAML document (``None`` for an empty one).

    Raises
    ------
    YamlRefused
        Nesting deeper than :data:`MAX_DEPTH`, more than :data:`MAX_NODES` values once
        aliases are expanded, a recursive alias, a duplicate key or a non-scalar key.
    yaml.YAMLError
        Malformed YAML, or a tag that would construct an object.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_graph(node)
        return _unshare(loader.construct_document(node))
    finally:
        loader.dispose()
