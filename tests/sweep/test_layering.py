"""The sweep package sits beside the experiment layer: it writes its own directory and
never reaches into the CLI or the run directories' writers."""

from __future__ import annotations

from tests.test_layers import _edges


def test_sweep_imports_neither_the_cli_nor_io():
    assert _edges(("simulator.sweep",), ("simulator.cli", "simulator.io")) == []


def test_the_engine_layers_do_not_import_sweeps():
    layers = ("simulator.experiment", "simulator.report", "simulator.io", "simulator.engine")
    assert _edges(layers, ("simulator.sweep",)) == []
