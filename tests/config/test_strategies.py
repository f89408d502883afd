"""Strategies and names (issue 17, item 13): merged deeply, addressable, unambiguous."""

from __future__ import annotations

import copy

import pytest

from simulator.config.loading import resolve, strategy_names
from simulator.errors import ScenarioError
from tests.cli.helpers import cli, one_line_error

BASE = {
    "name": "s",
    "firm": {"name": "Ours", "price": 1.0, "margin_rate": 0.4, "acquisition_cost": 7.0},
}


def test_nested_override_merges_into_the_section():
    mapping = {**BASE, "strategies": {"dearer": {"firm": {"price": 1.08}}}}
    firm = resolve(mapping, strategy="dearer").firm
    assert firm.price == 1.08
    assert (firm.name, firm.margin_rate, firm.acquisition_cost) == ("Ours", 0.4, 7.0)


def test_nested_override_under_a_dotted_key_merges_too():
    mapping = copy.deepcopy(BASE)
    mapping["firm"]["desk"] = {"staff": 5, "mean_service_days": 0.1}
    mapping["strategies"] = {"more": {"firm.desk": {"staff": 6}}}
    desk = resolve(mapping, strategy="more").firm.desk
    assert (desk.staff, desk.mean_service_days) == (6, 0.1)


def _tiers(*names: str) -> dict:
    levels = [{"name": n, "threshold": 100.0 * (i + 1)} for i, n in enumerate(names)]
    return {**BASE, "firm": {**BASE["firm"], "programme": {"tiers": {"levels": levels}}}}


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (("gold", "gold"), "tier names must be unique"),
        (("base", "gold"), "'base' names the tier below the first level"),
        (("gold", "BASE"), "'base' names the tier below the first level"),
    ],
)
def test_tier_names_unique_and_not_base(names, message):
    with pytest.raises(ScenarioError, match=message):
        resolve(_tiers(*names))


@pytest.mark.parametrize(
    ("segment", "message"),
    [
        ("   ", "a name cannot be blank"),
        (" vip", "cannot start or end with spaces"),
        ("v.i.p", r"cannot contain '\.' \(--set separates keys"),
        ("a->b", "cannot contain '->'"),
        ("7", "cannot be a number"),
        ("vip\x1b[31m", "control characters"),
    ],
)
def test_segment_names_must_be_addressable(segment, message):
    mapping = {**BASE, "market": {"segments": [{"name": segment, "share": 1.0}]}}
    with pytest.raises(ScenarioError, match=rf"market -> segments -> 0 -> name: .*{message}"):
        resolve(mapping)


@pytest.mark.parametrize(
    ("strategy", "message"),
    [
        ("a,b", r"cannot contain ','"),
        ("  ", "cannot be blank"),
        ("x\x07", "control characters"),
    ],
)
def test_strategy_names_must_be_choosable(strategy, message):
    mapping = {**BASE, "strategies": {strategy: {}}}
    with pytest.raises(ScenarioError, match=message):
        resolve(mapping, strategy=strategy)


def test_strategy_name_with_dot_is_fine():
    mapping = {**BASE, "strategies": {"v1.2": {"firm.price": 1.1}}}
    assert resolve(mapping, strategy="v1.2").firm.price == 1.1
    assert strategy_names(mapping) == ["v1.2"]


@pytest.mark.parametrize(
    "override",
    [{"run.customers": 30}, {"run": {"seed": 4}}, {"run.days": 10, "firm.price": 1.1}],
)
def test_strategy_changing_run_constants_is_refused_by_the_cli(tmp_path, override):
    import yaml

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({**BASE, "strategies": {"status_quo": {}, "big": override}}))
    code, _, err = cli("validate", path)
    one_line_error(code, err, "s.yaml", "strategies -> big", "run constant")
    code, _, err = cli("compare", path, "--replications", "2", "--out", tmp_path / "o")
    one_line_error(code, err, "s.yaml", "strategies -> big", "run constant")
    assert not (tmp_path / "o").exists()
