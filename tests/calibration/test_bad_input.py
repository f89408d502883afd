"""Bad logs and options: one line naming the file and the column, exit code 2, nothing
written."""

from __future__ import annotations

import os

import pytest

from simulator.cli.main import main

HEADER = "customer_id,date,amount\n"
GOOD = HEADER + "1,2024-01-01,5\n1,2024-02-01,6\n2,2024-01-03,7\n2,2024-03-01,2\n"


def _run(capsys, tmp_path, text: str | None, *extra: str, name: str = "log.csv") -> str:
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    out = tmp_path / "out.yaml"
    code = main(
        [
            "calibrate",
            str(path),
            "--amount-col",
            "amount",
            "--calibration-end",
            "2024-02-01",
            "--out",
            str(out),
            "--quiet",
            *extra,
        ]
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert not out.exists() and not (tmp_path / "out.calibration").exists()
    return err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the log is empty"),
        (HEADER, "the log is empty"),
        (HEADER + "1,2024-01-01,5\n2,soon,4\n", r"column 'date': row 3: 'soon' is not a date"),
        (
            HEADER + "1,2024-01-01,5\n2,2024-01-02,-4\n",
            r"column 'amount': row 3: negative amount -4",
        ),
        (HEADER + "1,2024-01-01,5\n2,2024-01-02,lots\n", r"row 3: 'lots' is not a finite number"),
        (
            HEADER + "1,2024-01-01,5\n2,2024-01-02,4\n1,2024-01-01,5\n",
            "row 4 repeats row 2 exactly",
        ),
        (
            HEADER + "17,2024-01-01,5\nA7,2024-01-02,4\n",
            r"column 'customer_id': mixes numbers \(e.g. '17'\) and text \(e.g. 'A7'\)",
        ),
        (HEADER + ",2024-01-01,5\n", r"column 'customer_id': row 2: missing customer id"),
        (
            "customer_id,date,amount,email\n1,2024-01-01,5,a@b.c\n",
            r"'email' look like personal data",
        ),
        (
            "customer_id,date,amount,Phone Number\n1,2024-01-01,5,555\n",
            r"'Phone Number' look like personal",
        ),
        (
            "client,date,amount\n1,2024-01-01,5\n",
            r"column 'customer_id': no such column; the file has 'client'",
        ),
    ],
)
def test_bad_log_one_line(capsys, tmp_path, text, expected):
    import re

    err = _run(capsys, tmp_path, text)
    assert err.startswith(f"loyalty-sim: error: {tmp_path / 'log.csv'}: "), err
    assert re.search(expected, err), err


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        ("2023-12-01", "the log runs from 2024-01-01 to 2024-03-01"),
        ("2024-05-01", "--calibration-end 2024-05-01 is outside the log: the log runs from"),
    ],
)
def test_calibration_end_outside_the_log(capsys, tmp_path, end, expected):
    path = tmp_path / "log.csv"
    path.write_text(GOOD)
    code = main(
        ["calibrate", str(path), "--calibration-end", end, "--out", str(tmp_path / "o.yaml")]
    )
    err = capsys.readouterr().err
    assert code == 2 and expected in err and err.count("\n") == 1, err


def test_a_two_gigabyte_file_is_refused_before_reading(capsys, tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.write(GOOD.encode())
        f.truncate(2_000_000_000)  # sparse: costs no disk
    err = _run(capsys, tmp_path, None, name="huge.csv")
    assert "logs above 1 GB are refused" in err, err
    os.remove(path)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--calibration-end", "30/09/1997"], "'30/09/1997' is not a date; expected YYYY-MM-DD"),
        (["--calibration-end", "2024-02-01", "--segments", "0"], "--segments 0: expected 1 to 8"),
        (
            ["--calibration-end", "2024-02-01", "--replications", "1"],
            "--replications 1: expected 2",
        ),
        (["--calibration-end", "2024-02-01", "--budget", "-1"], "--budget -1: expected 0 to"),
    ],
)
def test_bad_options_one_line(capsys, tmp_path, args, expected):
    path = tmp_path / "log.csv"
    path.write_text(GOOD)
    with pytest.raises(SystemExit) as exc:
        code = main(["calibrate", str(path), *args])
        raise SystemExit(code)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and expected in err and err.count("\n") == 1, err


def test_out_in_a_missing_folder_is_refused_before_reading(capsys, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(GOOD)
    out = tmp_path / "nowhere" / "s.yaml"
    code = main(["calibrate", str(path), "--calibration-end", "2024-02-01", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "its folder does not exist" in err and err.count("\n") == 1, err


def test_holdout_end_before_the_calibration_end(capsys, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(GOOD)
    code = main(
        [
            "holdout",
            str(path),
            "--calibration-end",
            "2024-02-01",
            "--holdout-end",
            "2024-01-15",
            "--out",
            str(tmp_path / "h"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "--holdout-end 2024-01-15 must be after" in err, err
    assert not (tmp_path / "h").exists()


def test_study_in_a_missing_folder_is_refused_before_reading(capsys, tmp_path):
    err = _run(capsys, tmp_path, GOOD, "--study", str(tmp_path / "nowhere" / "s.db"))
    assert "s.db: its folder does not exist" in err, err
    assert not (tmp_path / "out.study.db").exists()
