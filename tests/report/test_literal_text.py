"""Names and labels are drawn as written, never as matplotlib mathtext (issue 17, item 3)."""

from __future__ import annotations

from tests.cli.helpers import COFFEE, TINY, cli

LABEL = r"price $\nosuchcommand{x}$ cut"
STRATEGY = r"cheap$\alpha^$"


def _scenario(tmp_path):
    text = COFFEE.read_text()
    text = text.replace("label: BeanCo cuts prices", f"label: '{LABEL}'")
    text = text.replace("set: {market.competitors.BeanCo.price: 0.85}", "set: {firm.price: 0.9}")
    text = text.replace("day: 182", "day: 2")
    text += f"  '{STRATEGY}': {{firm.price: 0.97}}\n"
    path = tmp_path / "math.yaml"
    path.write_text(text)
    return path


def test_run_plots_and_report_draw_dollars_literally(tmp_path):
    path = _scenario(tmp_path)
    code, _, err = cli("run", path, *TINY, "--strategy", STRATEGY, "--quiet", "--out",
                       tmp_path / "run")  # fmt: skip
    assert code == 0, err
    assert len(list((tmp_path / "run").glob("*.png"))) == 4
    code, _, err = cli("report", tmp_path / "run")
    assert code == 0, err
    assert "$\\nosuchcommand{x}$" in (tmp_path / "run" / "report.html").read_text()


def test_compare_draws_dollars_literally(tmp_path):
    path = _scenario(tmp_path)
    code, _, err = cli(
        "compare", path, *TINY, "--strategies", f"status_quo,{STRATEGY}",
        "--replications", "2", "--jobs", "1", "--quiet", "--out", tmp_path / "cmp",
    )  # fmt: skip
    assert code == 0, err
    assert (tmp_path / "cmp" / "report.html").is_file()
