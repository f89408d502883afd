"""New customers over time: a synthetic log whose customers keep arriving gives a
calibrated scenario with ``market.entry.mode: new_customers`` at about the true rate,
``run`` shows entrants at that rate, ``holdout`` compares the hold-out's new customers
on their own line, and bad ``market.entry`` values are one line and exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from simulator.cli.main import main
from tests.calibration.conftest import synthetic_log
from tests.cli.helpers import cli, one_line_error

ROOT = Path(__file__).resolve().parents[2]
END = "2024-06-28"  # day 179 of the synthetic logs
HOLDOUT_END = "2024-10-06"  # day 279
CUSTOMERS = 1200
LOG_DAYS = 280
TRUE_RATE = CUSTOMERS / LOG_DAYS  # first purchases uniform over the whole log: 4.29 a day
FAST = ["--replications", "2", "--budget", "0", "--quiet"]


@pytest.fixture(scope="module")
def open_log(tmp_path_factory) -> Path:
    """Customers arriving all through the log (not a closed cohort), as CSV."""
    path = tmp_path_factory.mktemp("open") / "open_shop.csv"
    synthetic_log(CUSTOMERS, LOG_DAYS, seed=5, entry_days=LOG_DAYS).to_csv(path, index=False)
    return path


def _calibrate(log: Path, out: Path, *extra: str) -> int:
    args = ["calibrate", str(log), "--amount-col", "amount", "--calibration-end", END]
    return main([*args, "--out", str(out), *FAST, *extra])


def test_calibrate_writes_new_customers_at_the_log_rate_and_run_shows_them(
    tmp_path, open_log, capsys
):
    scenario = tmp_path / "open.yaml"
    assert _calibrate(open_log, scenario, "--days", "120") == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    entry = yaml.safe_load(scenario.read_text())["market"]["entry"]
    assert entry["mode"] == "new_customers"
    # 91 days of a Poisson stream of 4.29 a day: about 390 first purchases, sd 5%.
    assert entry["customers_per_day"] == pytest.approx(TRUE_RATE, rel=0.2)
    params = json.loads((tmp_path / "open.calibration" / "parameters.json").read_text())
    assert params["scenario_entry"] == entry
    rate = params["moment_search"]["new_customers_per_day_last_13_weeks"]
    assert rate == pytest.approx(entry["customers_per_day"], rel=1e-5)
    assert "market.entry new_customers" in printed
    report = (tmp_path / "open.calibration" / "report.html").read_text()
    assert "new_customers" in report

    out = tmp_path / "run"
    assert main(["run", str(scenario), "--out", str(out), "--quiet", "--no-plots"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    # 120 days at the written rate: about 515 entrants (sd 4.4%).
    per_day = summary["customers_entered"] / 120
    assert per_day == pytest.approx(entry["customers_per_day"], rel=0.15)
    # Each entrant made its trial purchase at the firm on its entry day.
    customers = pd.read_parquet(out / "customers.parquet")
    n = params["customers"]
    entrants = customers[customers["customer_id"] >= n]  # reserve rows not used: absent
    assert len(entrants) == summary["customers_entered"]
    assert (entrants["first_focal_day"] == entrants["entry_day"]).all()
    assert (entrants["purchases"] >= 1).all()


def test_a_closed_cohort_keeps_the_market_closed(tmp_path, capsys):
    log = tmp_path / "closed.csv"
    synthetic_log(400, 200, seed=6).to_csv(log, index=False)  # every trial in 8 weeks
    scenario = tmp_path / "closed.yaml"
    assert _calibrate(log, scenario) == 0, capsys.readouterr().err
    assert yaml.safe_load(scenario.read_text())["market"]["entry"] == {"mode": "none"}
    params = json.loads((tmp_path / "closed.calibration" / "parameters.json").read_text())
    assert "scenario_entry" not in params


def _occasions(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop_duplicates(["customer_id", "date"])


def test_holdout_compares_the_new_customers_on_their_own(tmp_path, open_log, capsys):
    out = tmp_path / "ho"
    args = ["holdout", str(open_log), "--amount-col", "amount", "--calibration-end", END]
    args += ["--holdout-end", HOLDOUT_END, "--out", str(out), "--study", str(tmp_path / "s.db")]
    assert main([*args, "--replications", "3", "--budget", "0", "--quiet"]) == 0
    printed = capsys.readouterr().out
    totals = json.loads((out / "holdout.json").read_text())

    # What the log shows, counted here from the raw frame.
    frame = pd.read_csv(open_log)
    first = frame.groupby("customer_id")["date"].min()
    old = first.index[first <= END]
    later = _occasions(frame[(frame["date"] > END) & (frame["date"] <= HOLDOUT_END)])
    # The comparison of Fader, Hardie & Lee stays on the calibration customers only...
    assert totals["customers"] == len(old)
    assert totals["actual"] == later["customer_id"].isin(old).sum()
    # ... and the new customers have a line of their own.
    new = totals["new_customers"]
    fresh = later[~later["customer_id"].isin(old)]
    assert new["customers"]["actual"] == fresh["customer_id"].nunique()
    assert new["transactions"]["actual"] == len(fresh)
    # The scenario's new customers arrive at the rate of the last 13 weeks, which is
    # the rate of the hold-out too (a constant stream): the forecast is near.
    for key in ("customers", "transactions"):
        assert new[key]["error_simulated"] == pytest.approx(0.0, abs=0.3), (key, new[key])
        assert new[key]["simulated_p05"] <= new[key]["simulated_mean"] <= new[key]["simulated_p95"]
    assert "new customers in the hold-out" in printed and "their transactions" in printed
    report = (out / "report.html").read_text()
    assert "their transactions" in report


def test_holdout_without_new_customers_has_no_such_line(tmp_path, capsys):
    log = tmp_path / "closed.csv"
    synthetic_log(300, 280, seed=7).to_csv(log, index=False)
    out = tmp_path / "ho"
    args = ["holdout", str(log), "--amount-col", "amount", "--calibration-end", END]
    args += ["--holdout-end", HOLDOUT_END, "--out", str(out), "--study", str(tmp_path / "s.db")]
    assert main([*args, "--replications", "2", "--budget", "0", "--quiet"]) == 0
    assert "new customers in the hold-out" not in capsys.readouterr().out
    assert "new_customers" not in json.loads((out / "holdout.json").read_text())


def _entry_scenario(tmp_path: Path, entry: dict) -> Path:
    mapping = yaml.safe_load((ROOT / "scenarios" / "cdnow_baseline.yaml").read_text())
    mapping["market"]["entry"] = entry
    path = tmp_path / "entry.yaml"
    path.write_text(yaml.safe_dump(mapping, sort_keys=False))
    return path


@pytest.mark.parametrize(
    ("entry", "needles"),
    [
        ({"mode": "new_customers"}, ["market -> entry", "needs customers_per_day"]),
        (
            {"mode": "new_customers", "customers_per_day": 0},
            ["customers_per_day", "greater than 0"],
        ),
        ({"mode": "new_customers", "customers_per_day": -3.0}, ["customers_per_day"]),
        ({"mode": "new_customers", "customers_per_day": float("nan")}, ["customers_per_day"]),
        ({"mode": "new_customers", "customers_per_day": "many"}, ["customers_per_day"]),
        ({"mode": "new_customers", "customers_per_day": 2e6}, ["customers_per_day"]),
        ({"mode": "none", "customers_per_day": 5.0}, ["acts only with mode new_customers"]),
        (
            {"mode": "new_customers", "customers_per_day": 5.0, "growth_rate": 0.1},
            ["growth_rate", "replace_exits"],
        ),
        ({"mode": "new_customer", "customers_per_day": 5.0}, ["mode", "new_customers"]),
        ({"mode": "new_customers", "customer_per_day": 5.0}, ["customers_per_day"]),
    ],
)
def test_bad_entry_values_are_one_line_and_exit_code_2(tmp_path, entry, needles):
    code, _, err = cli("validate", _entry_scenario(tmp_path, entry))
    one_line_error(code, err, *needles)


def test_a_valid_entry_validates(tmp_path):
    code, _, err = cli(
        "validate", _entry_scenario(tmp_path, {"mode": "new_customers", "customers_per_day": 2.5})
    )
    assert code == 0, err


def test_replays_of_the_calibration_period_ignore_the_scenario_entry():
    """The fit table's replays hold every customer of the period already: the scenario's
    new customers must not be added to them."""
    from simulator.calibration.simulate import replay_calibration

    mapping = yaml.safe_load((ROOT / "scenarios" / "cdnow_baseline.yaml").read_text())
    first = np.sort(np.random.default_rng(0).integers(0, 60, 300))
    closed = replay_calibration(mapping, first, 90, [3])[0]
    mapping["market"]["entry"] = {"mode": "new_customers", "customers_per_day": 5.0}
    opened = replay_calibration(mapping, first, 90, [3])[0]
    assert closed.customer.max() < 300
    np.testing.assert_array_equal(opened.customer, closed.customer)
    np.testing.assert_array_equal(opened.day, closed.day)


def test_new_customers_leave_the_calibration_customers_forecast_unchanged(tmp_path, open_log):
    """The hold-out compares the calibration customers exactly as before: the purchases
    split off at their number are the same with new customers arriving or without."""
    import copy
    from datetime import date

    from simulator.calibration.log import read_log
    from simulator.calibration.pipeline import calibrate
    from simulator.calibration.scenario import DEFAULT_BASE
    from simulator.calibration.simulate import forecast

    log = read_log(
        open_log,
        customer_col="customer_id",
        date_col="date",
        amount_col="amount",
        until=date.fromisoformat(HOLDOUT_END),
    )
    base = yaml.safe_load(DEFAULT_BASE.read_text())
    cal = calibrate(log, date.fromisoformat(END), base=base, replications=1, budget=0, horizon=60)
    n = cal.first_day.size
    path = tmp_path / "customers.parquet"
    cal.histories.to_parquet(path, index=False)
    opened = copy.deepcopy(cal.mapping)
    opened["market"]["initial"]["customers"] = str(path)
    assert opened["market"]["entry"]["mode"] == "new_customers"
    closed = copy.deepcopy(opened)
    closed["market"]["entry"] = {"mode": "none"}
    old_a, new_a = forecast(opened, 60, [2])[0].split(n)
    old_b, new_b = forecast(closed, 60, [2])[0].split(n)
    np.testing.assert_array_equal(old_a.customer, old_b.customer)
    np.testing.assert_array_equal(old_a.day, old_b.day)
    assert new_b.customer.size == 0 and np.unique(new_a.customer).size > 150  # ~4.3 a day
