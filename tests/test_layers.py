"""Import layers of the outer packages: no cycles, and each layer imports only downward.

Every import counts: at module level, inside functions and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "simulator"
OUTER = ("simulator.experiment", "simulator.report", "simulator.io", "simulator.cli")
OURS = (*OUTER, "simulator.metrics.registry", "simulator.metrics.recorder")
ENGINE = (
    "simulator.engine",
    "simulator.mechanisms",
    "simulator.kernels",
    "simulator.programme",
    "simulator.market",
    "simulator.config",
)


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = ROOT / Path(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imports(path: Path) -> set[str]:
    """Every ``simulator`` module the file imports, anywhere in it."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("simulator")}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import; use absolute imports"
            if not (node.module or "").startswith("simulator"):
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                out.add(sub if _is_module(sub) else node.module)
    return out


GRAPH = {_module(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _edges(source: tuple[str, ...], target: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{a} -> {b}"
        for a, deps in GRAPH.items()
        if _within(a, source)
        for b in deps
        if _within(b, target)
    )


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("simulator.experiment", ("simulator.report", "simulator.io", "simulator.cli")),
        (
            "simulator.report",
            (
                "simulator.io",
                "simulator.cli",
                "simulator.experiment.compare",
                "simulator.experiment.assemble",
                "simulator.experiment.executor",
                "simulator.experiment.run",
            ),
        ),
        ("simulator.io", ("simulator.cli",)),
        ("simulator.metrics.registry", ("simulator",)),
    ],
)
def test_layer_imports_only_downward(layer, forbidden):
    assert _edges((layer,), forbidden) == []


def test_engine_imports_only_the_recorder_and_the_transaction_log():
    allowed = {"simulator.metrics.recorder", "simulator.io.output"}
    found = {e.split(" -> ")[1] for e in _edges(ENGINE, OURS)}
    assert found <= allowed, found - allowed


def test_no_import_cycles_among_the_outer_modules():
    graph = {a: {b for b in deps if _within(b, OURS)} for a, deps in GRAPH.items()}
    graph = {a: deps for a, deps in graph.items() if _within(a, OURS)}
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])


def test_no_module_over_400_lines():
    long = {
        _module(p): n
        for p in PACKAGE.rglob("*.py")
        if _within(_module(p), OURS) and (n := len(p.read_text().splitlines())) > 400
    }
    assert long == {}
