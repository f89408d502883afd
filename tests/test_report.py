"""The HTML report: self-contained, escaped, readable; single-run reports; a real browser."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli.main import main
from simulator.config.loading import load_yaml
from simulator.experiment.compare import run_comparison
from simulator.experiment.results import Failure
from simulator.io.comparison import write_comparison
from simulator.report.format import fmt_diff, fmt_value
from simulator.report.html import render_html
from simulator.report.summary import executive_summary

ROOT = Path(__file__).resolve().parent.parent
COFFEE = ROOT / "scenarios" / "coffee_chain.yaml"
CHECK = ROOT / "scripts" / "check_report_chromium.py"
ODD = '<b>odd & "name"</b>'


@pytest.fixture(scope="module")
def comparison():
    mapping = load_yaml(COFFEE)
    # A strategy name full of HTML: every piece of text must come out escaped.
    mapping["strategies"][ODD] = {"firm.price": 1.03}
    return run_comparison(
        mapping,
        ["status_quo", "loyalty_card", ODD],
        4,
        jobs=1,
        overrides={"run.customers": 1200, "run.days": 60},
    )


@pytest.fixture(scope="module")
def page(comparison) -> str:
    return render_html(comparison)


def test_report_is_self_contained(page):
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    refs = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert refs, "expected embedded figures"
    assert all(r.startswith(("data:", "#")) for r in refs), refs
    images = re.findall(r'<img src="([^"]+)"', page)
    assert len(images) >= 5
    assert all(i.startswith("data:image/png;base64,") for i in images)
    assert "http://" not in page and "https://" not in page


def test_report_escapes_text(page):
    assert ODD not in page
    assert "&lt;b&gt;odd &amp; &quot;name&quot;&lt;/b&gt;" in page


def test_report_sections(page, comparison):
    headings = (
        "Executive summary",
        "Recommendation",
        "Scorecard",
        "Differences from the baseline",
        "Key figures",
        "Over time",
        "Satisfaction",
        "By segment",
        "Assumptions",
    )
    at = [page.index(h) for h in headings]
    assert at == sorted(at), "the answer first, the set-up last"
    assert "95% CI" in page and "status_quo" in page
    assert 'class="v v-' in page  # coloured verdicts
    assert "enrol_probability" in page  # the loyalty card's overrides
    assert "coffee_chain" in page and "competitive_intensity" in page  # resolved YAML
    for seed in comparison.seeds:
        assert str(seed) in page
    warmup = comparison.metadata["warmup_days"]
    assert warmup > 0 and f"after a {warmup}-day warm-up, shared by every strategy" in page


def test_executive_summary_lists_every_detectable_difference(comparison):
    """Each objective names every strategy the table calls better or worse, in its line."""
    t = comparison.table
    findings = {f.metric: f for f in executive_summary(comparison)}
    assert "net_margin" in findings and "programme_cost" in findings
    for metric, finding in findings.items():
        rows = t[(t["metric"] == metric) & (t["strategy"] != comparison.baseline)]
        for verdict, listed in (("better", finding.better), ("worse", finding.worse)):
            expected = set(rows.loc[rows["verdict"] == verdict, "strategy"])
            assert {p.split(" ")[0] for p in listed} == {s.split(" ")[0] for s in expected}
            assert all("95% CI" in p for p in listed)
        rest = rows.loc[~rows["verdict"].isin(["better", "worse"]), "strategy"]
        assert all(s in finding.undetected for s in rest), (metric, finding.undetected)
    # The card spends on a programme the baseline does not have.
    assert findings["programme_cost"].worse[0].startswith("loyalty_card raises programme cost")


def test_formats():
    assert fmt_value("retention_rate_annual", 0.8123) == "81.2%"
    assert fmt_diff("retention_rate_annual", 0.012) == "+1.2 pp"
    assert fmt_value("net_margin", 12345.6) == "12,346"
    assert fmt_diff("net_margin", -1234.0) == "-1,234"
    assert fmt_value("nps", None) == "\u2013"


def test_failures_appear_in_the_report(comparison, tmp_path):
    from dataclasses import replace

    failed = replace(comparison, failures=[Failure("loyalty_card", 2, 3, "boom <x>")])
    html = render_html(failed)
    assert 'id="failures"' in html and "boom &lt;x&gt;" in html
    out = write_comparison(failed, tmp_path / "cmp")
    assert (out / "failures.json").exists() and (out / "report.html").exists()


# --------------------------------------------------------------------------- single run


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("runs") / "run"
    assert (
        main(
            [
                "run",
                str(COFFEE),
                "--strategy",
                "loyalty_card",
                "--seed",
                "3",
                "--quiet",
                "--no-plots",
                "--set",
                "run.customers=1000",
                "--set",
                "run.days=50",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    return out


def test_report_command_writes_report(run_dir, capsys):
    assert main(["report", str(run_dir)]) == 0
    assert "report:" in capsys.readouterr().out
    html = (run_dir / "report.html").read_text()
    assert "Run report: coffee_chain / loyalty_card / seed 3" in html
    assert "no confidence intervals" in html
    assert html.count('<img src="data:image/png;base64,') >= 4
    assert "<script" not in html.lower()
    assert main(["report", str(run_dir)]) == 0  # re-rendering replaces the file


def test_report_command_user_errors(tmp_path, run_dir, capsys):
    assert main(["report", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "not a directory" in err

    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["report", str(empty)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "missing metrics.parquet" in err

    broken = tmp_path / "broken"
    broken.mkdir()
    for f in run_dir.iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    (broken / "summary.json").write_text("{not json")
    assert main(["report", str(broken)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "summary.json" in err

    (broken / "summary.json").write_text("{}")
    (broken / "metrics.parquet").write_text("not parquet")
    assert main(["report", str(broken)]) == 2
    assert "metrics.parquet" in capsys.readouterr().err


# --------------------------------------------------------------------------- browser


def test_report_renders_in_chromium(comparison, tmp_path, chromium):
    report = tmp_path / "report.html"
    report.write_text(render_html(comparison), encoding="utf-8")
    shot = tmp_path / "report.png"
    proc = subprocess.run(
        # Also laid out in an 800-pixel-wide window: nothing may scroll sideways.
        [sys.executable, str(CHECK), str(report), "--screenshot", str(shot), "--fit-width", "800"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert shot.stat().st_size > 20_000


def test_chromium_check_measures_the_width(tmp_path, chromium):
    sys.path.insert(0, str(CHECK.parent))
    try:
        from check_report_chromium import layout_problems
    finally:
        sys.path.remove(str(CHECK.parent))
    wide = tmp_path / "wide.html"
    wide.write_text(
        '<!DOCTYPE html><html><body><table class="kpi" style="width:1200px">'
        "<tr><td>too wide</td></tr></table></body></html>"
    )
    problems = layout_problems(wide, 800)
    assert problems and "scrolls sideways" in problems[0], problems
    assert any("table.kpi" in p for p in problems), problems
    # The same table at 600 px fits; so does the page at 1300 px.
    assert layout_problems(wide, 1300) == []
    wide.write_text(wide.read_text().replace("1200px", "600px"))
    assert layout_problems(wide, 800) == []


def test_chromium_check_catches_console_errors(tmp_path, chromium):
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><body><p>x</p><script>undefinedFunction();</script></body></html>"
    )
    proc = subprocess.run(
        [sys.executable, str(CHECK), str(bad)], capture_output=True, text=True, timeout=180
    )
    assert proc.returncode == 1
    assert "Uncaught" in proc.stdout or "CONSOLE" in proc.stdout
