"""Strategy comparison: statistics on hand-made numbers, common random numbers, workers, CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from pandas.testing import assert_frame_equal
from scipy import stats as sps

import simulator.experiment.run
from simulator.cli.main import main
from simulator.config.loading import load_yaml, resolve
from simulator.errors import RunError, ScenarioError
from simulator.experiment import stats
from simulator.experiment.compare import CompareError, run_comparison
from simulator.experiment.executor import SerialExecutor
from simulator.metrics import registry

ROOT = Path(__file__).resolve().parent.parent
COFFEE = ROOT / "scenarios" / "coffee_chain.yaml"
SMALL = {"run.customers": 1500, "run.days": 60, "run.warmup_days": 30}
STRATEGIES = ["status_quo", "same_as_baseline", "price_up"]
REPS = 5


def _mapping() -> dict:
    mapping = load_yaml(COFFEE)
    # Same overrides as the baseline: with common random numbers it must be the same run.
    mapping["strategies"]["same_as_baseline"] = {}
    mapping["strategies"]["price_up"] = {"firm.price": 1.02}
    return mapping


@pytest.fixture(scope="module")
def serial():
    return run_comparison(_mapping(), STRATEGIES, REPS, jobs=1, overrides=SMALL)


def _row(result, strategy: str, metric: str) -> pd.Series:
    t = result.table
    return t[(t["strategy"] == strategy) & (t["metric"] == metric)].iloc[0]


# --------------------------------------------------------------------------- statistics


def test_t_interval_matches_scipy():
    x = [3.1, 2.7, 4.0, 3.6, 2.9, 3.3]
    ci = stats.t_interval(x)
    low, high = sps.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=sps.sem(x))
    assert ci.estimate == pytest.approx(np.mean(x))
    assert (ci.low, ci.high) == pytest.approx((low, high))
    assert ci.n == 6 and ci.sd == pytest.approx(np.std(x, ddof=1))


def test_t_interval_edge_cases():
    assert math.isnan(stats.t_interval([]).estimate)
    one = stats.t_interval([2.0, None, float("nan")])
    assert one.estimate == 2.0 and one.n == 1 and math.isnan(one.low)
    flat = stats.t_interval([5.0, 5.0, 5.0])
    assert (flat.low, flat.high) == (5.0, 5.0)


def test_paired_difference_by_hand():
    a, b = [10.0, 12.0, 11.0, 13.0], [9.0, 10.0, 10.0, 11.0]
    ci = stats.paired_difference(a, b)
    d = np.subtract(a, b)
    half = sps.t.ppf(0.975, 3) * d.std(ddof=1) / 2
    assert ci.estimate == pytest.approx(1.5)
    assert (ci.low, ci.high) == pytest.approx((1.5 - half, 1.5 + half))
    # A missing replication drops the pair, not the whole comparison.
    assert stats.paired_difference([1.0, None, 3.0], [0.0, 1.0, 1.0]).n == 2
    with pytest.raises(ValueError, match="length"):
        stats.paired_difference([1.0], [1.0, 2.0])


def test_welch_matches_scipy():
    a, b = [10.0, 12.0, 11.0, 13.0, 12.5], [9.0, 10.0, 10.5, 11.0]
    ci = stats.welch_interval(a, b)
    ref = sps.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert ci.estimate == pytest.approx(np.mean(a) - np.mean(b))
    assert (ci.low, ci.high) == pytest.approx((ref.low, ref.high))


def test_verdicts_read_the_direction():
    up, down, zero = (
        stats.Interval(1.0, 0.5, 1.5, 5),
        stats.Interval(-1.0, -1.5, -0.5, 5),
        stats.Interval(0.1, -0.2, 0.4, 5),
    )
    assert stats.verdict(up, 1) == "better" and stats.verdict(up, -1) == "worse"
    assert stats.verdict(down, 1) == "worse" and stats.verdict(down, -1) == "better"
    assert stats.verdict(up, 0) == "higher" and stats.verdict(down, 0) == "lower"
    assert stats.verdict(zero, 1) == "no detectable difference"
    assert stats.verdict(stats.Interval(0.0, 0.0, 0.0, 5), 1) == "no detectable difference"
    assert stats.verdict(stats.Interval(1.0, math.nan, math.nan, 1), 1) == "n/a"


def test_replications_needed_by_hand():
    z = sps.norm.ppf(0.975) + sps.norm.ppf(0.8)  # 2.8016
    assert stats.replications_needed(1.0, 2.0) == math.ceil((z * 2.0) ** 2) == 32
    assert stats.replications_needed(-1.0, 2.0) == 32
    assert stats.replications_needed(0.0, 2.0) is None
    assert stats.replications_needed(1.0, 0.0) is None
    assert stats.replications_needed(math.nan, 1.0) is None


def test_margin_per_cost_and_roi_by_hand():
    # Extra net margin 10 and 12 for an extra programme cost of 5 in each replication:
    # (10 + 5) / 5 = 3 and (12 + 5) / 5 = 3.4, ratio of means 16 / 5 = 3.2.
    dm, dc = [10.0, 12.0, 11.0], [5.0, 5.0, 5.0]
    ratio = stats.margin_per_cost(dm, dc)
    assert ratio.estimate == pytest.approx(3.2)
    assert ratio.low < 3.2 < ratio.high
    # The ROI is that - 1: 2.2, the same interval moved down by exactly 1.
    roi = stats.incremental_roi(dm, dc)
    assert roi.estimate == pytest.approx(2.2) == pytest.approx(np.mean(dm) / np.mean(dc))
    assert (roi.low, roi.high) == pytest.approx((ratio.low - 1, ratio.high - 1))
    assert roi.sd == ratio.sd and roi.n == ratio.n == 3
    assert stats.roi_verdict(roi) == "pays back"
    assert math.isnan(stats.margin_per_cost([1.0, 2.0], [0.0, 0.0]).estimate)
    assert math.isnan(stats.incremental_roi([1.0, 2.0], [-1.0, -1.0]).estimate)


def test_roi_verdict_reads_the_roi_around_zero():
    assert stats.roi_verdict(stats.Interval(0.4, 0.1, 0.7, 5)) == "pays back"
    assert stats.roi_verdict(stats.Interval(-0.4, -0.7, -0.1, 5)) == "does not pay back"
    # 0.5 of margin back per 1.00 (a ratio of 0.5 with its interval above 0) loses money.
    below = stats.incremental_roi([-5.0, -5.2, -4.8], [10.0, 10.0, 10.0])
    assert below.estimate == pytest.approx(-0.5) and stats.roi_verdict(below) == "does not pay back"
    assert stats.roi_verdict(stats.Interval(0.2, -0.1, 0.5, 5)) == "no detectable difference"
    assert stats.roi_verdict(stats.Interval(0.2, math.nan, math.nan, 1)) == "n/a"


def test_both_roi_rows_in_the_table():
    kpis = pd.DataFrame(
        {
            "strategy": ["a"] * 6 + ["b"] * 6,
            "replication": [0, 1, 2] * 4,
            "metric": (["net_margin"] * 3 + ["programme_cost"] * 3) * 2,
            "value": [100.0, 110.0, 90.0, 0.0, 0.0, 0.0, 95.0, 104.0, 86.0, 20.0, 20.0, 20.0],
        }
    )
    t = stats.comparison_table(kpis, ["a", "b"], "a", 3, ["net_margin", "programme_cost"])
    ratio = t[t["metric"] == stats.MARGIN_PER_COST].iloc[0]
    roi = t[t["metric"] == stats.INCREMENTAL_ROI].iloc[0]
    assert ratio["strategy"] == roi["strategy"] == "b"  # not the baseline
    # Delta net margin -5 for 20 of extra cost: 15 of margin per 20 spent, ROI -0.25.
    assert ratio["mean"] == pytest.approx(0.75) and roi["mean"] == pytest.approx(-0.25)
    assert roi["ci_low"] == pytest.approx(ratio["ci_low"] - 1)
    assert roi["ci_high"] == pytest.approx(ratio["ci_high"] - 1)
    assert ratio["verdict"] == roi["verdict"] == "does not pay back"
    assert list(t["metric"])[-2:] == [stats.MARGIN_PER_COST, stats.INCREMENTAL_ROI]


def test_comparison_table_on_hand_made_numbers():
    kpis = pd.DataFrame(
        {
            "strategy": ["a"] * 3 + ["b"] * 3,
            "replication": [0, 1, 2] * 2,
            "metric": "programme_cost",
            "value": [1.0, 2.0, 3.0, 2.0, 3.0, 4.0],
        }
    )
    t = stats.comparison_table(
        kpis, ["a", "b"], "a", 3, ["programme_cost", "absent"], {"programme_cost": -1}
    )
    assert list(t.columns) == stats.TABLE_COLUMNS
    assert list(t["metric"]) == ["programme_cost"] * 2  # no row for a KPI with no values
    a, b = t.iloc[0], t.iloc[1]
    assert a["verdict"] == "baseline" and a["mean"] == pytest.approx(2.0)
    # Paired differences are all exactly +1: a zero-width interval, and worse (cost up).
    assert b["diff"] == 1.0 and b["diff_ci_low"] == 1.0 == b["diff_ci_high"]
    assert b["verdict"] == "worse"
    assert b["unpaired_ci_low"] < 0 < b["unpaired_ci_high"]


def test_band_per_day():
    wide = pd.DataFrame([[1.0, 3.0], [2.0, 2.0], [5.0, np.nan]], index=[0, 1, 2])
    b = stats.band(wide)
    assert list(b["mean"]) == [2.0, 2.0, 5.0]
    ci = stats.t_interval([1.0, 3.0])
    assert (b.loc[0, "low"], b.loc[0, "high"]) == pytest.approx((ci.low, ci.high))
    assert b.loc[1, "low"] == b.loc[1, "high"] == 2.0
    assert math.isnan(b.loc[2, "low"])


# --------------------------------------------------------------------------- comparison


def test_seeds_and_layout(serial):
    seed = resolve(_mapping()).run.seed
    assert serial.seeds == [seed + k for k in range(REPS)]
    assert serial.strategies == STRATEGIES and serial.baseline == "status_quo"
    assert not serial.failures
    runs = serial.kpis.groupby(["strategy", "replication"]).size()
    assert len(runs) == len(STRATEGIES) * REPS
    assert set(serial.daily["metric"]) >= {"customers_active", "nps", "revenue"}
    assert set(serial.table["metric"]) >= {"net_margin", "nps", "retention_rate_annual"}


def test_identical_strategy_has_exactly_zero_paired_difference(serial):
    same = serial.table[serial.table["strategy"] == "same_as_baseline"]
    assert len(same) >= 8
    assert (same["diff"] == 0).all()
    assert (same["diff_ci_low"] <= 0).all() and (same["diff_ci_high"] >= 0).all()
    assert (same["verdict"] == "no detectable difference").all()


def test_pairing_narrows_the_interval(serial):
    for metric in ("revenue", "net_margin", "clv_mean", "customers_active"):
        r = _row(serial, "price_up", metric)
        paired = r["diff_ci_high"] - r["diff_ci_low"]
        unpaired = r["unpaired_ci_high"] - r["unpaired_ci_low"]
        assert 0 < paired < unpaired, metric


def test_results_do_not_depend_on_jobs(serial):
    parallel = run_comparison(_mapping(), STRATEGIES, REPS, jobs=2, overrides=SMALL)
    for name in ("kpis", "daily", "breakdowns", "satisfaction", "table"):
        assert_frame_equal(getattr(serial, name), getattr(parallel, name), check_exact=True)
    assert parallel.metadata["jobs"] == 2 and serial.metadata["jobs"] == 1


def test_failing_replication_is_reported_and_others_kept(monkeypatch):
    real = simulator.experiment.run.results_of
    bad_seed = resolve(_mapping()).run.seed + 1

    def flaky(model, strategy, **kwargs):
        if strategy == "price_up" and model.seed == bad_seed:
            raise RunError(
                "ZeroDivisionError: boom", scenario="coffee_chain", strategy=strategy, seed=bad_seed
            )
        return real(model, strategy, **kwargs)

    monkeypatch.setattr(simulator.experiment.run, "results_of", flaky)
    seen = []
    result = run_comparison(
        _mapping(), ["status_quo", "price_up"], 3, jobs=1, overrides=SMALL, on_failure=seen.append
    )
    assert len(result.failures) == 1 and seen == result.failures
    failure = result.failures[0]
    assert (failure.strategy, failure.seed, failure.replication) == ("price_up", bad_seed, 1)
    assert failure.message == "ZeroDivisionError: boom"
    assert "price_up" in failure.describe() and str(bad_seed) in failure.describe()
    runs = result.kpis.groupby(["strategy", "replication"]).size()
    assert len(runs) == 5 and ("price_up", 1) not in runs.index
    assert _row(result, "price_up", "net_margin")["n"] == 2
    assert _row(result, "status_quo", "net_margin")["n"] == 3


def test_every_run_failing_is_an_error(monkeypatch):
    def broken(model, strategy, **kwargs):
        raise RunError("boom", scenario="coffee_chain", strategy=strategy, seed=model.seed)

    monkeypatch.setattr(simulator.experiment.run, "results_of", broken)
    with pytest.raises(CompareError, match="all 4 runs failed"):
        run_comparison(_mapping(), ["status_quo", "premium"], 2, jobs=1, overrides=SMALL)


def test_bad_arguments_fail_before_running():
    with pytest.raises(ScenarioError, match=r"unknown strategy 'nope'; options are \["):
        run_comparison(_mapping(), ["status_quo", "nope"], 2, jobs=1)
    with pytest.raises(ScenarioError, match="unknown strategy 'nope'"):
        run_comparison(_mapping(), baseline="nope", replications=2, jobs=1)
    with pytest.raises(CompareError, match="replications must be >= 2"):
        run_comparison(_mapping(), replications=1)
    with pytest.raises(ScenarioError, match="price"):
        run_comparison(_mapping(), replications=2, overrides={"firm.price": -3})


def test_baseline_is_added_when_not_listed():
    # A given executor runs the tasks and is left open for its owner.
    with SerialExecutor() as executor:
        result = run_comparison(
            _mapping(),
            ["premium"],
            2,
            baseline="status_quo",
            overrides={"run.customers": 500, "run.days": 20},
            executor=executor,
        )
        assert list(executor.map_unordered(abs, [-1])) == [(-1, 1)]
    assert result.strategies == ["status_quo", "premium"]
    assert result.metadata["jobs"] == 1


def test_table_follows_the_registry(serial):
    """The KPIs judged, their order and directions are the registry's declarations."""
    t = serial.table[serial.table["strategy"] == "status_quo"]
    assert list(t["metric"]) == [m.name for m in registry.compared() if m.name in set(t["metric"])]
    assert list(t["metric"])[:3] == ["retention_rate_annual", "customers_active", "clv_mean"]
    assert all(t["direction"] == [registry.get(m).direction for m in t["metric"]])
    kept = {m.name for m in registry.compared_daily()}
    # The membership systems' series exist only when a system is on (docs/model.md §11).
    kept -= {"survey_nps_measured", "survey_nps_true"}
    assert set(serial.daily["metric"]) == kept


# --------------------------------------------------------------------------- CLI


def _cli(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "compare",
        str(COFFEE),
        "--replications",
        "3",
        "--jobs",
        "1",
        "--quiet",
        "--strategies",
        "status_quo,premium",
        "--set",
        "run.customers=1000",
        "--set",
        "run.days=40",
        "--set",
        "run.warmup_days=30",
        *extra,
    ]


def test_cli_writes_every_file(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(_cli(tmp_path, "--out", str(out), "--seed", "7")) == 0
    stdout = capsys.readouterr().out
    assert f"results: {out}" in stdout and "seeds 7-9" in stdout
    assert "after a 30-day warm-up, shared by every strategy" in stdout
    # A line per objective KPI, the strategies indented below it.
    lines = stdout.splitlines()
    heads = [line.strip() for line in lines if line.startswith("  ") and line[2] != " "]
    objectives = [m.heading for m in registry.objectives()]
    assert [h.split(" (status_quo: ")[0] for h in heads][: len(objectives)] == objectives
    assert all(
        line.startswith(("    better: ", "    worse:  ", "    no detectable difference: "))
        for line in lines[lines.index(f"  {heads[0]}") + 1 : lines.index(f"  {heads[1]}")]
    )
    names = {p.name for p in out.iterdir()}
    assert {
        "comparison.parquet",
        "comparison.csv",
        "report.html",
        "comparison.resolved.yaml",
        "metadata.json",
    } <= names
    assert "failures.json" not in names
    assert not list(tmp_path.glob(".*partial*"))

    csv = pd.read_csv(out / "comparison.csv")
    for col in (
        "strategy",
        "metric",
        "mean",
        "ci_low",
        "ci_high",
        "diff",
        "diff_ci_low",
        "diff_ci_high",
        "unpaired_ci_low",
        "unpaired_ci_high",
        "verdict",
        "replications_needed",
    ):
        assert col in csv.columns
    assert set(csv["strategy"]) == {"status_quo", "premium"}

    tidy = pd.read_parquet(out / "comparison.parquet")
    assert {"strategy", "replication", "seed", "day", "metric", "value"} <= set(tidy.columns)
    assert sorted(tidy["seed"].unique()) == [7, 8, 9]
    daily = tidy[tidy["kind"] == "daily"]
    assert daily["day"].notna().all() and daily["day"].max() == 40
    assert tidy.loc[tidy["kind"] == "kpi", "day"].isna().all()

    resolved = load_yaml(out / "comparison.resolved.yaml")
    assert set(resolved["strategies"]) == {"status_quo", "premium"}
    assert resolved["strategies"]["premium"] == {"firm.price": 1.08, "firm.quality": 9.1}
    assert resolve(resolved, strategy="premium").run.customers == 1000
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["seeds"] == [7, 8, 9] and meta["baseline"] == "status_quo"


def test_cli_records_failures(tmp_path, monkeypatch, capsys):
    real = simulator.experiment.run.results_of

    def flaky(model, strategy, **kwargs):
        if strategy == "premium" and model.seed == 2:
            raise RunError("boom", scenario="coffee_chain", strategy=strategy, seed=2)
        return real(model, strategy, **kwargs)

    monkeypatch.setattr(simulator.experiment.run, "results_of", flaky)
    out = tmp_path / "cmp"
    assert main(_cli(tmp_path, "--out", str(out))) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "'premium'" in err and "seed 2" in err and "boom" in err
    failures = json.loads((out / "failures.json").read_text())["failures"]
    assert [(f["strategy"], f["seed"], f["message"]) for f in failures] == [("premium", 2, "boom")]


def test_cli_user_errors_are_one_line(tmp_path, capsys):
    out = tmp_path / "exists"
    out.mkdir()
    assert main(_cli(tmp_path, "--out", str(out))) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "exists already" in err

    assert main(_cli(tmp_path, "--strategies", "status_quo,luxury")) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "unknown strategy 'luxury'" in err and "options are" in err
    assert "premium" in err

    assert main(_cli(tmp_path, "--replications", "1")) == 2
    assert "replications" in capsys.readouterr().err


def test_resolved_yaml_is_a_scenario(tmp_path):
    out = tmp_path / "cmp"
    assert main(_cli(tmp_path, "--out", str(out))) == 0
    text = (out / "comparison.resolved.yaml").read_text()
    assert text.startswith("# Comparison of coffee_chain")
    assert yaml.safe_load(text)["run"]["days"] == 40
