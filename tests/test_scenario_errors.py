"""One broken fixture per error message: one line naming file, key path and the rule."""

from __future__ import annotations

import subprocess
import sys

import pytest

from simulator.config.loading import load_yaml, parse_set, resolve, strategy_names
from simulator.errors import ScenarioError

from .conftest import FIXTURES, SCENARIOS

BROKEN = FIXTURES / "broken"

CASES = [
    ("malformed_yaml.yaml", r"line 3, column 1: malformed YAML"),
    ("python_tag.yaml", r"line 1: YAML tag not allowed .*plain data only"),
    ("empty.yaml", r"the file is empty; expected a mapping"),
    ("not_mapping.yaml", r"expected a mapping of sections at the top level, got list"),
    (
        "unknown_key.yaml",
        r"market -> competitve_intensity: unknown key .*did you mean 'competitive_intensity'",
    ),
    (
        "unknown_nested_key.yaml",
        r"market -> segments -> 0 -> purchase -> alpah: .*did you mean 'alpha'",
    ),
    ("wrong_type.yaml", r"run -> days: Input should be a valid integer.*got 'many'"),
    ("out_of_range.yaml", r"run -> customers: Input should be greater than or equal to 1, got -5"),
    ("shares_not_one.yaml", r"market: segment shares must sum to 1 \(within 1e-06\), got 0.8"),
    (
        "market_shares.yaml",
        r"market -> competitors: firm.market_share plus .* must sum to 1, got 0.8",
    ),
    ("schedule_bad_key.yaml", r"schedule -> 0 -> set: firm -> qualty: .*did you mean 'quality'"),
    (
        "strategy_bad_value.yaml",
        r"strategies -> a -> firm -> price: Input should be greater than 0, got -1",
    ),
    ("missing_name.yaml", r"name: required key is missing"),
    ("too_many_days.yaml", r"run -> days: Input should be less than or equal to 25000, got 40000"),
    (
        "tiers_not_increasing.yaml",
        r"firm -> programme -> tiers: tier thresholds must be strictly increasing",
    ),
    (
        "unknown_campaign_segment.yaml",
        r"firm -> programme -> campaigns -> 0 -> segments: unknown segment 'studnets'; "
        r"did you mean 'students'\?",
    ),
    (
        "unknown_offer_tier.yaml",
        r"market -> competitors -> 0 -> offers -> 0 -> tiers: unknown tier 'platinum'; "
        r"expected one of \['base', 'silver'\]",
    ),
    (
        "strategy_unknown_target.yaml",
        r"firm -> programme -> campaigns -> 0 -> tiers: unknown tier 'gold'; expected one of "
        r"\['base'\]",
    ),
]


def _check(path):
    mapping = load_yaml(path)
    for name in strategy_names(mapping):
        resolve(mapping, strategy=name, source=str(path))


@pytest.mark.parametrize(("fixture", "message"), CASES)
def test_broken_fixture_message(fixture, message):
    path = BROKEN / fixture
    with pytest.raises(ScenarioError, match=message) as info:
        _check(path)
    text = str(info.value)
    assert text.startswith(str(path)), "the message must name the file"
    assert "\n" not in text, "one line"


def test_every_fixture_is_covered():
    assert {p.name for p in BROKEN.glob("*.yaml")} == {c[0] for c in CASES}


def test_missing_file():
    with pytest.raises(ScenarioError, match=r"nope\.yaml: file not found"):
        load_yaml(BROKEN / "nope.yaml")


def test_unknown_strategy(coffee):
    with pytest.raises(
        ScenarioError, match=r"strategies: unknown strategy 'premum'.*did you mean 'premium'"
    ):
        resolve(coffee, strategy="premum", source="coffee.yaml")


def test_set_errors(coffee):
    with pytest.raises(ScenarioError, match=r"--set -> run -> customrs: unknown key .*'customers'"):
        resolve(coffee, overrides={"run.customrs": 5}, source="coffee.yaml")
    with pytest.raises(ScenarioError, match=r"expected key.path=value, got 'run.days'"):
        parse_set(["run.days"])
    with pytest.raises(ScenarioError, match=r"no entry named 'Beanco'.*did you mean 'BeanCo'"):
        resolve(coffee, overrides={"market.competitors.Beanco.price": 1}, source="coffee.yaml")


def test_set_parses_yaml_scalars(coffee):
    sets = parse_set(["run.customers=1234", "modules.programme=false", "firm.name=Cafe"])
    assert sets == {"run.customers": 1234, "modules.programme": False, "firm.name": "Cafe"}
    config = resolve(coffee, overrides=sets)
    assert config.run.customers == 1234 and config.modules.programme is False


@pytest.mark.parametrize("fixture", ["unknown_key.yaml", "python_tag.yaml", "empty.yaml"])
def test_cli_exit_code_two_no_traceback_nothing_written(fixture, tmp_path):
    out = tmp_path / "run"
    proc = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "run", str(BROKEN / fixture), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith("loyalty-sim: error: ")
    assert not out.exists() and not list(tmp_path.iterdir())


def test_cli_missing_file_and_unknown_strategy(tmp_path):
    for args, needle in (
        (["run", str(tmp_path / "missing.yaml")], "missing.yaml: file not found"),
        (
            ["run", str(SCENARIOS / "coffee_chain.yaml"), "--strategy", "nope"],
            "unknown strategy 'nope'",
        ),
        (["validate", str(tmp_path / "missing.yaml")], "file not found"),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "simulator.cli", *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert proc.returncode == 2, proc.stderr
        assert needle in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "results").exists()


def test_every_schema_field_has_a_description():
    from simulator.config.schema import Scenario

    schema = Scenario.model_json_schema()
    models = {"Scenario": schema, **schema.get("$defs", {})}
    defs = schema.get("$defs", {})

    def described(prop: dict) -> bool:
        # pydantic leaves out a $ref field's description when it repeats the docstring
        # of the model it refers to.
        ref = prop.get("$ref", "").rsplit("/", 1)[-1]
        return bool(prop.get("description") or defs.get(ref, {}).get("description"))

    missing = [
        f"{name}.{key}"
        for name, node in models.items()
        for key, prop in node.get("properties", {}).items()
        if not described(prop)
    ]
    assert missing == []


def test_cli_schema_is_json_schema():
    import json

    proc = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "schema"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert schema["title"] == "Scenario" and "market" in schema["properties"]
