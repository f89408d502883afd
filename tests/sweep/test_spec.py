"""A bad experiment file is one line naming the file, the key and what was expected;
exit 2, and nothing is created."""

from __future__ import annotations

import pytest

from tests.cli.helpers import cli
from tests.sweep.helpers import experiment, write

CASES = [
    ({"methd": "sobol"}, "methd", "unknown key 'methd'; did you mean 'method'?"),
    ({"method": "sobolx"}, "method", "Input should be"),
    ({"samples": 0}, "samples", "greater than or equal to 1"),
    ({"replications": 1}, "replications", "greater than or equal to 2"),
    (
        {"uncertainties": {"market.competitive_intensity": [0.9, 0.1]}},
        "uncertainties -> market.competitive_intensity",
        "low < high",
    ),
    (
        {"uncertainties": {"market.competitive_intensity": {"bounds": [0, 1], "step": 2}}},
        "uncertainties -> market.competitive_intensity -> step",
        "unknown key 'step'",
    ),
    (
        {"uncertainties": {"run.customers": [100, 200]}},
        "uncertainties -> run.customers",
        "under one of ['market', 'firm', 'modules']",
    ),
    (
        {"uncertainties": {"market.competitive_intensty": [0.1, 0.9]}},
        "uncertainties -> market.competitive_intensty",
        "did you mean 'competitive_intensity'",
    ),
    (
        {"uncertainties": {"market.competitive_intensity": [0.1, 1.5]}},
        "uncertainties -> market.competitive_intensity",
        "at its high end 1.5",
    ),
    (
        {"uncertainties": {"firm.price": [0.9, 1.1]}},
        "uncertainties -> firm.price",
        "strategy 'premium' sets 'firm.price' too",
    ),
    (
        {"uncertainties": {"market.competitive_intensity": {"levels": [0.2, 0.8]}}},
        "",
        "only a grid takes",
    ),
    ({"method": "grid"}, "", "drop samples"),
    (
        {"uncertainties": {"market.competitors.BeanCo.price": [0.8, 1.0]}},
        "uncertainties -> market.competitors.BeanCo.price",
        "schedule -> 0 sets",
    ),
    ({"strategies": ["status_quo", "premum"]}, "strategies -> 1", "did you mean 'premium'?"),
    ({"baseline": "loyalty_card"}, "", "is not among"),
    ({"outcomes": {"net_margn": 1}}, "outcomes -> net_margn", "did you mean 'net_margin'?"),
    ({"outcomes": {"net_margin": -1}}, "outcomes -> net_margin", "contradicts the metric registry"),
    ({"outcomes": {"net_margin": 2}}, "outcomes -> net_margin", "Input should be 1 or -1"),
    ({"set": {"run.customers": -5}}, "set", "greater than or equal to 1"),
    ({"scenario": "missing.yaml"}, "scenario", "no such scenario file"),
]


@pytest.mark.parametrize(("change", "path", "message"), CASES)
def test_one_line_naming_file_key_and_rule(tmp_path, change, path, message):
    exp = write(tmp_path, experiment(**change))
    code, out, err = cli("sweep", exp, "--out", tmp_path / "out", "--quiet")
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("loyalty-sim: error: "), err
    assert "Traceback" not in err
    assert message in err
    assert str(exp) in err
    if path:
        assert f": {path}: " in err
    assert not (tmp_path / "out").exists()


def test_a_bad_set_is_blamed_on_set(tmp_path):
    exp = write(tmp_path)
    code, _, err = cli("sweep", exp, "--set", "market.nope=1", "--out", tmp_path / "o")
    assert code == 2 and "unknown key 'nope'" in err and ": set: " in err
    assert not (tmp_path / "o").exists()


def test_resume_without_out_or_of_nothing(tmp_path):
    exp = write(tmp_path)
    code, _, err = cli("sweep", exp, "--resume")
    assert code == 2 and "--resume needs --out" in err
    code, _, err = cli("sweep", exp, "--resume", "--out", tmp_path / "none")
    assert code == 2 and "no such sweep directory" in err
    (tmp_path / "empty").mkdir()
    code, _, err = cli("sweep", exp, "--resume", "--out", tmp_path / "empty")
    assert code == 2 and "not a sweep directory" in err


def test_sweep_report_of_a_folder_that_is_not_a_sweep(tmp_path):
    code, _, err = cli("sweep-report", tmp_path)
    assert code == 2 and err.count("\n") == 1 and "not a sweep directory" in err


@pytest.mark.parametrize(
    ("name", "points"),
    [("coffee_morris_pilot", 36), ("coffee_morris", 180), ("coffee_sensitivity", 192)],
)
def test_shipped_experiments_validate_with_the_sizes_their_readme_gives(name, points):
    from simulator.sweep.design import build_design
    from simulator.sweep.prepare import load_sweep
    from tests.cli.helpers import ROOT

    sweep = load_sweep(ROOT / "experiments" / f"{name}.yaml")
    assert len(build_design(sweep.spec)) == points
    assert sweep.strategies == ["status_quo", "premium", "loyalty_card"]
