"""Scenario YAML is plain, bounded data (issue 17, items 4, 6, 15, 18)."""

from __future__ import annotations

import time

import pytest

from simulator.config.loading import load_yaml, parse_set, resolve
from simulator.config.safe_yaml import MAX_DEPTH, YamlRefused, loads
from simulator.errors import ScenarioError
from tests.cli.helpers import COFFEE, TINY, cli, one_line_error


def _bomb(levels: int = 9) -> str:
    """A "billion laughs": level k repeats level k-1 nine times (9**levels strings)."""
    lines = ['    l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for k in range(1, levels):
        refs = ", ".join([f"*l{k - 1}"] * 9)
        lines.append(f"    l{k}: &l{k} [{refs}]")
    return "\n".join(lines)


def _with_bomb(tmp_path):
    text = COFFEE.read_text()
    # Hidden inside a strategy nobody runs.
    text += "\n  unused:\n" + _bomb() + "\n"
    path = tmp_path / "bomb.yaml"
    path.write_text(text)
    return path


def test_alias_bomb_refused_at_load_quickly(tmp_path):
    path = _with_bomb(tmp_path)
    started = time.perf_counter()
    with pytest.raises(ScenarioError, match=r"bomb\.yaml: line \d+: expands to more than"):
        load_yaml(path)
    assert time.perf_counter() - started < 5


COMMANDS = {
    "validate": [],
    "run": ["--strategy", "status_quo", *TINY],
    "compare": ["--strategies", "status_quo", "--replications", "2", "--jobs", "1", *TINY],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_alias_bomb_refused_by_every_command(tmp_path, command):
    path = _with_bomb(tmp_path)
    out = [] if command == "validate" else ["--out", str(tmp_path / "o")]
    code, _, err = cli(command, path, *COMMANDS[command], *out)
    one_line_error(code, err, "bomb.yaml", "expands to more than")
    assert not (tmp_path / "o").exists()


def test_small_aliases_are_fine_and_independent():
    data = loads("a: &x {k: 1}\nb: *x\n")
    assert data == {"a": {"k": 1}, "b": {"k": 1}}
    data["a"]["k"] = 2
    assert data["b"]["k"] == 1, "an alias is a copy, not the same mapping"


def test_recursive_alias_refused():
    with pytest.raises(YamlRefused, match="refers to itself"):
        loads("a: &x [1, *x]\n")


def test_deep_nesting_one_line(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("[" * 1000)
    with pytest.raises(ScenarioError, match=rf"deep\.yaml: line 1: nested more than {MAX_DEPTH}"):
        load_yaml(path)
    code, _, err = cli("validate", path)
    one_line_error(code, err, "deep.yaml", "nested more than")


def test_deep_nesting_in_set_value():
    with pytest.raises(ScenarioError, match=r"--set: .*nested more than"):
        parse_set(["firm.price=" + "[" * 1000])


def test_duplicate_key_refused(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("name: a\nfirm:\n  price: 1.0\n  price: 2.0\n")
    with pytest.raises(ScenarioError, match=r"dup\.yaml: line 4: duplicate key 'price'"):
        load_yaml(path)


def test_complex_key_is_not_called_a_tag(tmp_path):
    path = tmp_path / "key.yaml"
    path.write_text("name: a\n? [x, y]\n: 1\n")
    with pytest.raises(ScenarioError, match=r"key\.yaml: line 2: a mapping key must be a plain"):
        load_yaml(path)


def test_segment_named_no_stays_a_string(tmp_path):
    path = tmp_path / "no.yaml"
    path.write_text(
        "name: a\nmarket:\n  segments:\n    - {name: NO, share: 0.5}\n"
        "    - {name: yes, share: 0.5}\nmodules: {programme: off, winback: yes}\n"
    )
    config = resolve(load_yaml(path), source=str(path))
    assert [s.name for s in config.market.segments] == ["NO", "yes"]
    # pydantic still reads the YAML 1.1 words as booleans where a boolean is expected.
    assert config.modules.programme is False and config.modules.winback is True
    assert parse_set(["market.segments.0.name=NO"]) == {"market.segments.0.name": "NO"}
    assert parse_set(["modules.programme=true"]) == {"modules.programme": True}


def test_unquoted_start_date_is_accepted(tmp_path):
    path = tmp_path / "date.yaml"
    path.write_text("name: a\nrun: {start_date: 2026-03-01}\n")
    assert resolve(load_yaml(path)).run.start_date == "2026-03-01"
    assert parse_set(["run.start_date=2026-03-01"]) == {"run.start_date": "2026-03-01"}


def test_shipped_scenarios_load_the_same(tmp_path):
    import yaml

    from tests.conftest import shipped_scenarios

    for path in shipped_scenarios():
        assert load_yaml(path) == yaml.safe_load(path.read_text()), path.name
