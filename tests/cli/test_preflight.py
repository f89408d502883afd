"""Seeds, memory, jobs and dates are checked before any run, in one line (issue 17,
items 6, 15, 16 and 18)."""

from __future__ import annotations

import pytest

from simulator.config.schema import Run
from simulator.config.seeds import SEED_MAX, check_seeds
from tests.cli.helpers import COFFEE, TINY, cli, cli_process, one_line_error

MAX = str(2**63 - 1)


@pytest.fixture
def no_runs(monkeypatch):
    """Any simulation started fails the test: the check must come first."""

    def refuse(*a, **k):
        raise AssertionError("a simulation started before the arguments were checked")

    monkeypatch.setattr("simulator.experiment.run.run", refuse)
    monkeypatch.setattr("simulator.experiment.compare.run_comparison", refuse)


def test_seed_range_is_the_schema_range():
    assert SEED_MAX == Run.model_fields["seed"].metadata[-1].le
    assert check_seeds(0) is None and check_seeds(SEED_MAX) is None
    assert check_seeds(SEED_MAX - 19, 20) is None
    assert "at most 9223372036854775788" in check_seeds(SEED_MAX, 20)


def test_run_negative_seed_one_line_child_process(tmp_path):
    proc = cli_process("run", COFFEE, *TINY, "--seed", "-1", "--out", tmp_path / "o")
    one_line_error(proc.returncode, proc.stderr, "--seed: got -1", "0..9223372036854775807")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("seed", "needle"),
    [
        (str(2**64), "got 18446744073709551616"),
        (MAX, "at most 9223372036854775806"),
        ("-5", "got -5"),
    ],
)
def test_compare_seed_out_of_range_refused_up_front(no_runs, tmp_path, seed, needle):
    code, _, err = cli(
        "compare", COFFEE, *TINY, "--replications", "2", "--seed", seed, "--out", tmp_path / "o"
    )
    one_line_error(code, err, "--seed", needle)


def test_compare_scenario_seed_near_the_top_refused(no_runs, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(COFFEE.read_text().replace("  seed: 1\n", f"  seed: {MAX}\n"))
    code, _, err = cli("compare", path, *TINY, "--replications", "3")
    one_line_error(code, err, "s.yaml: run -> seed:", "choose another --seed")
    code, out, err = cli("validate", path)
    assert code == 0, err  # one run with that seed is fine


def test_memory_checked_against_the_machine(no_runs, monkeypatch):
    monkeypatch.setattr("simulator.experiment.memory.available_bytes", lambda: 4_000_000_000)
    code, _, err = cli("run", COFFEE, "--set", "run.customers=20000000")
    one_line_error(
        code,
        err,
        "run.customers = 20,000,000 needs about 32.9 GB",
        "36,111,211 people",
        "4 GB available",
    )
    code, _, err = cli("compare", COFFEE, "--set", "run.customers=2000000", "--jobs", "2")
    one_line_error(code, err, "2 runs at once needs about", "fewer --jobs")


def test_memory_estimate_counts_transactions(no_runs, monkeypatch):
    monkeypatch.setattr("simulator.experiment.memory.available_bytes", lambda: 2_000_000_000)
    code, _, err = cli("run", COFFEE, "--set", "run.customers=1000000", "--transactions")
    one_line_error(code, err, "plus its transaction log")
    monkeypatch.setattr("simulator.experiment.memory.available_bytes", lambda: 3_000_000_000)
    code, _, err = cli("run", COFFEE, "--set", "run.customers=1000000", "--transactions")
    one_line_error(code, err, "transaction log")


def test_out_of_memory_is_one_line(monkeypatch):
    def oom(*a, **k):
        raise MemoryError

    monkeypatch.setattr("simulator.experiment.run.run", oom)
    code, _, err = cli("run", COFFEE, *TINY)
    one_line_error(code, err, "out of memory")


@pytest.mark.parametrize("jobs", ["0", "-1", "99"])
def test_jobs_bounded_by_the_cpus(no_runs, jobs):
    code, _, err = cli("compare", COFFEE, *TINY, "--jobs", jobs)
    one_line_error(code, err, f"--jobs {jobs}: expected 1 to")


@pytest.mark.parametrize("reps", ["1", "100000000000"])
def test_replications_bounded(no_runs, reps):
    code, _, err = cli("compare", COFFEE, *TINY, "--replications", reps)
    one_line_error(code, err, f"--replications {reps}")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", str(COFFEE), "--seed", "abc"], "invalid int value: 'abc'"),
        (["run"], "the following arguments are required: scenario"),
        (["nope"], "invalid choice: 'nope'"),
        (["compare", str(COFFEE), "--jobs", "2^64"], "invalid int value"),
    ],
)
def test_argument_errors_are_one_line(args, needle):
    code, _, err = cli(*args)
    one_line_error(code, err, needle, "--help")


@pytest.mark.parametrize(
    ("date", "needle"),
    [
        ("2026-02-30", "run -> start_date: expected a date that exists"),
        ("2026-13-01", "run -> start_date: expected a date that exists"),
        ("'2026-02-30'", "run -> start_date: expected a date that exists"),
        ("9999-12-31", "would end after 9999-12-31; start on 9999-01-01 at the latest"),
    ],
)
def test_impossible_start_dates_refused_by_validate(tmp_path, date, needle):
    path = tmp_path / "d.yaml"
    path.write_text(COFFEE.read_text().replace("  seed: 1\n", f"  seed: 1\n  start_date: {date}\n"))
    code, _, err = cli("validate", path)
    one_line_error(code, err, "d.yaml", needle)


def test_unquoted_start_date_runs_with_transactions(tmp_path):
    import pandas as pd

    path = tmp_path / "d.yaml"
    path.write_text(
        COFFEE.read_text().replace("  seed: 1\n", "  seed: 1\n  start_date: 2024-02-28\n")
    )
    code, _, err = cli("run", path, *TINY, "--transactions", "--no-plots", "--quiet", "--out",
                       tmp_path / "o")  # fmt: skip
    assert code == 0, err
    tx = pd.read_parquet(tmp_path / "o" / "transactions.parquet")
    assert str(tx["date"].min().date()) >= "2024-02-28"
    assert str(tx["date"].max().date()) <= "2024-03-03"  # 2024 is a leap year
