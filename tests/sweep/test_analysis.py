"""Indices, noise, verdicts and rules on cases whose answer is known; the report and the
query paths on a real sweep."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.sweep import tables
from simulator.sweep.analysis import analyse
from simulator.sweep.design import build_design
from simulator.sweep.discovery import prim
from simulator.sweep.indices import indices
from simulator.sweep.spec import ExperimentSpec
from tests.cli.helpers import ROOT, cli
from tests.sweep.helpers import experiment

A, B = "market.competitive_intensity", "market.satisfaction.carryover"


def test_prim_finds_the_failing_corner():
    rng = np.random.default_rng(3)
    x = rng.random((400, 3))
    fails = (x[:, 0] > 0.6) & (x[:, 2] < 0.3)
    box = prim(x, fails, ["a", "b", "c"])
    assert box is not None
    assert set(box.restricted) == {"a", "c"}  # b does not matter and is not named
    assert box.lows["a"] == pytest.approx(0.6, abs=0.05)
    assert box.highs["c"] == pytest.approx(0.3, abs=0.05)
    assert box.density > 0.9 and box.coverage > 0.8
    assert prim(x, np.zeros(400, bool), ["a", "b", "c"]) is None


@pytest.mark.parametrize(
    ("method", "samples", "key"),
    [("sobol", 64, "ST"), ("morris", 20, "mu_star"), ("fast", 129, "ST"), ("latin", 200, "S1")],
)
def test_indices_rank_the_parameter_that_acts(method, samples, key):
    spec = ExperimentSpec.model_validate(experiment(method=method, samples=samples))
    design = build_design(spec)
    y = pd.Series(10 * design[A].to_numpy() + 0.1 * design[B].to_numpy(), index=design["point"])
    table, notes = indices(spec, design, {("net_margin", "premium", "difference"): y})
    assert notes == []
    top = table[table["index"] == key].set_index("parameter")
    assert top.loc[A, "value"] > 10 * abs(top.loc[B, "value"])
    assert np.isfinite(top.loc[A, "conf"])
    flat = pd.Series(1.0, index=design["point"])
    table, notes = indices(spec, design, {("nps", "premium", "difference"): flat})
    assert table.empty and "the same at every point" in notes[0]


def test_noise_share_separates_luck_from_parameters():
    rng = np.random.default_rng(0)
    points, reps = 200, 4
    effect = rng.normal(0, 3.0, points)  # variance 9 between points
    rows = []
    for p in range(points):
        for k in range(reps):
            luck = rng.normal(0, 1.0)  # variance 1 within a point
            rows += [(p, "status_quo", k, "net_margin", luck),
                     (p, "premium", k, "net_margin", luck + effect[p])]  # fmt: skip
    parts = pd.DataFrame(rows, columns=["point", "strategy", "replication", "metric", "value"])
    table = tables.replicate_table(parts, ["net_margin"])
    noise = tables.noise(table, "status_quo", ["status_quo", "premium"], {"net_margin": 1})
    level = noise[(noise["strategy"] == "status_quo")].iloc[0]
    # The baseline is all luck: within 1, between the point means 1/4 (their own luck).
    assert level["noise_share"] == pytest.approx(1 / 1.25, abs=0.05)
    assert level["noise_share_of_means"] == pytest.approx(1.0, abs=0.2)
    diff = noise[(noise["kind"] == "difference")].iloc[0]
    assert diff["noise_share"] < 0.01  # common random numbers cancel the shared luck
    diffs = tables.differences(table, "status_quo", ["status_quo", "premium"], {"net_margin": 1})
    assert set(diffs.loc[diffs["diff"] > 0.5, "verdict"]) == {"better"}
    assert set(diffs.loc[diffs["diff"] < -0.5, "verdict"]) == {"worse"}


def test_a_real_sweep_analysed_and_queried(serial):
    out = serial / "out"
    result = analyse(str(out))
    assert result.finished == 6 and result.notes == []
    choice = result.indices[result.indices["kind"] == "difference"]
    assert set(choice["strategy"]) == {"premium"}
    assert set(choice["parameter"]) == {A, B}
    [d] = result.discoveries
    assert sum(d.counts.values()) == 6
    for name in ("levels", "differences", "indices", "noise", "verdicts"):
        assert len(pd.read_parquet(out / "analysis" / f"{name}.parquet")) > 0
    duckdb = pytest.importorskip("duckdb")
    n = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{out}/parts/*.parquet') WHERE metric = 'nps'"
    ).fetchall()[0][0]
    assert n == 6 * 2 * 2


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_sweep_report_renders_in_chromium(serial, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(serial / "out", out)
    code, stdout, err = cli("sweep-report", out)
    assert code == 0, err
    html = (out / "sweep.html").read_text()
    assert "What drives the choice" in html and "premium against status_quo" in html
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_report_chromium.py"),
         str(out / "sweep.html"), "--screenshot", str(tmp_path / "shot.png"), "--fit-width", "800"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr


def test_report_of_an_unfinished_sweep_says_so(serial, tmp_path):
    out = tmp_path / "partial"
    shutil.copytree(serial / "out", out)
    for part in sorted(Path(out / "parts").glob("*.parquet"))[3:]:
        part.unlink()
    result = analyse(str(out))
    assert result.indices.empty
    assert "3 of 6 points have no result yet" in result.notes[0]


def test_a_rule_on_one_level_reads_as_an_equality():
    x = np.array([[1.0], [2.0], [2.0], [3.0]] * 10)
    box = prim(x, x[:, 0] == 2.0, ["staff"])
    assert box is not None and box.rules() == ["staff = 2"]
