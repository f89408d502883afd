"""``calibrate`` and ``holdout`` end to end on a small synthetic log: the truncation
test, raw ids kept out of every output, the scenario accepted by ``run`` and
``compare``, and the hold-out report in headless Chromium."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from simulator.cli.main import main
from tests.calibration.conftest import synthetic_log

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "scripts" / "check_report_chromium.py"
END = "2024-06-28"  # day 179 of the synthetic logs
HOLDOUT_END = "2024-10-06"  # day 279


@pytest.fixture(scope="module")
def log_frame() -> pd.DataFrame:
    frame = synthetic_log(600, 280, seed=4, raw_ids=True)
    assert (frame["date"] == END).any()  # the calibration end is a purchase day
    return frame


def _calibrate(path: Path, out: Path, *extra: str) -> int:
    return main(
        [
            "calibrate",
            str(path),
            "--amount-col",
            "amount",
            "--calibration-end",
            END,
            "--out",
            str(out),
            "--replications",
            "2",
            "--budget",
            "2",
            "--quiet",
            *extra,
        ]
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_truncated_log_gives_byte_identical_output(tmp_path, log_frame, capsys):
    full = log_frame.copy()
    # After the calibration end the full log even holds a refund and a repeated row:
    # nothing after the end is used, so neither may change (or stop) the calibration.
    late = full.index[full["date"] > END]
    full.loc[late[0], "amount"] = -5.0
    full = pd.concat([full, full.loc[[late[1]]]], ignore_index=True)
    cut = log_frame[log_frame["date"] <= END]
    outs = []
    for name, frame in (("a", full), ("b", cut)):
        folder = tmp_path / name
        folder.mkdir()
        frame.to_csv(folder / "shop.csv", index=False)
        assert _calibrate(folder / "shop.csv", folder / "shop.yaml") == 0, capsys.readouterr().err
        outs.append((folder / "shop.yaml").read_bytes())
        outs.append(_files(folder / "shop.calibration"))
    assert outs[0] == outs[2]
    assert outs[1].keys() == outs[3].keys() and outs[1] == outs[3]
    printed = capsys.readouterr().out
    assert "repeat transactions to day" in printed and "segment 1: share 1.000" in printed
    assert "reactivation (moment search, 2 trials)" in printed


def _chromium_check(report: Path, shot: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(CHECK), str(report), "--screenshot", str(shot), "--fit-width", "800"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_scenario_runs_and_compares_and_raw_ids_never_leave(tmp_path, log_frame, capsys, chromium):
    log = tmp_path / "shop.csv"
    log_frame.to_csv(log, index=False)
    scenario = tmp_path / "shop.yaml"
    assert _calibrate(log, scenario, "--id-map", str(tmp_path / "ids.csv")) == 0
    raw = set(log_frame["customer_id"].astype(str))
    for path in [scenario, *(tmp_path / "shop.calibration").iterdir()]:
        data = path.read_bytes()
        assert not any(r.encode() in data for r in list(raw)[:200]), path
    ids = pd.read_csv(tmp_path / "ids.csv")
    assert set(ids["raw_id"]) == set(log_frame.loc[log_frame["date"] <= END, "customer_id"])
    assert list(ids["customer"]) == list(range(len(ids)))
    # The calibrated scenario is a scenario like any other, starting from the real
    # customers (their histories beside it, sequential ids only).
    histories = pd.read_parquet(tmp_path / "shop.calibration" / "customers.parquet")
    assert list(histories["customer"]) == list(range(len(ids)))
    small = ["--set", "run.days=15"]
    assert (
        main(["run", str(scenario), *small, "--out", str(tmp_path / "r"), "--quiet", "--no-plots"])
        == 0
    ), capsys.readouterr().err
    assert (
        main(
            [
                "compare",
                str(scenario),
                *small,
                "--replications",
                "2",
                "--jobs",
                "1",
                "--out",
                str(tmp_path / "c"),
            ]
        )
        == 0
    ), capsys.readouterr().err
    assert (tmp_path / "c" / "report.html").exists()
    _chromium_check(tmp_path / "shop.calibration" / "report.html", tmp_path / "cal.png")


def test_holdout_end_to_end_opens_in_chromium(tmp_path, log_frame, capsys, chromium):
    log = tmp_path / "shop.csv"
    log_frame.to_csv(log, index=False)
    out = tmp_path / "ho"
    code = main(
        [
            "holdout",
            str(log),
            "--amount-col",
            "amount",
            "--calibration-end",
            END,
            "--holdout-end",
            HOLDOUT_END,
            "--replications",
            "3",
            "--budget",
            "0",  # BG/NBD's own process, as the comparison below needs
            "--out",
            str(out),
            "--quiet",
        ]
    )
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "BG/NBD" in printed.out and "simulated" in printed.out and "error" in printed.out
    totals = json.loads((out / "holdout.json").read_text())
    # The actual figure counted here independently: purchase days after the end of
    # customers who had bought by then.
    seen = set(log_frame.loc[log_frame["date"] <= END, "customer_id"])
    after = log_frame[(log_frame["date"] > END) & log_frame["customer_id"].isin(seen)]
    assert totals["actual"] == len(after[["customer_id", "date"]].drop_duplicates())
    assert totals["simulated_p05"] <= totals["simulated_mean"] <= totals["simulated_p95"]
    assert totals["error_bgnbd"] == pytest.approx(totals["bgnbd"] / totals["actual"] - 1)
    # The log is BG/NBD itself: the simulator, started from the customers' posteriors,
    # forecasts what BG/NBD's conditional expectation does (3 replications: +/- 15%).
    assert totals["simulated_mean"] == pytest.approx(totals["bgnbd"], rel=0.15)
    tidy = pd.read_parquet(out / "holdout.parquet")
    assert list(tidy.columns) == ["table", "key", "source", "value"]
    assert set(tidy["table"]) == {"weekly", "histogram", "conditional"}
    _chromium_check(out / "report.html", tmp_path / "shot.png")


@pytest.mark.slow
def test_cdnow_holdout_prints_both_errors(tmp_path, capsys):
    code = main(
        [
            "holdout",
            str(ROOT / "data" / "cdnow" / "cdnow_sample.csv"),
            "--amount-col",
            "amount",
            "--calibration-end",
            "1997-09-30",
            "--holdout-end",
            "1998-06-30",
            "--out",
            str(tmp_path / "ho"),
            "--budget",
            "4",
            "--quiet",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert "reactivation (moment search, 4 trials)" in printed
    totals = json.loads((tmp_path / "ho" / "holdout.json").read_text())
    # Fader, Hardie & Lee (2005): 1,882 actual repeat transactions in weeks 40-78 and a
    # BG/NBD forecast of 1,653 (-12%).
    assert totals["actual"] == 1882
    assert totals["bgnbd"] == pytest.approx(1653, abs=2)
    assert f"error {totals['error_bgnbd']:+.1%}" in printed
    assert f"error {totals['error_simulated']:+.1%}" in printed
