"""``report`` on a run folder edited by hand or holding symlinks: one line, exit 2, and
nothing read from outside the folder (issue 17, items 6 and 11)."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
import yaml

from simulator.io.output import write_run
from tests.cli.helpers import cli, one_line_error


@pytest.fixture(scope="module")
def written(result, tmp_path_factory):
    return write_run(result, tmp_path_factory.mktemp("runs") / "run", plots=False)


@pytest.fixture
def run_dir(written, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(written, copy)
    return copy


def _edit_json(path, **changes):
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def _edit_yaml(path, **changes):
    data = yaml.safe_load(path.read_text())
    data.update(changes)
    path.write_text(yaml.safe_dump(data))


def test_untouched_folder_reports(run_dir):
    code, out, err = cli("report", run_dir)
    assert code == 0, err
    assert (run_dir / "report.html").is_file()


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        (lambda d: _edit_json(d / "metadata.json", seed="abc"), "metadata.json: seed"),
        (lambda d: _edit_json(d / "metadata.json", seed=-3), "metadata.json: seed"),
        (lambda d: _edit_json(d / "metadata.json", strategy=["x"]), "metadata.json: strategy"),
        (lambda d: _edit_yaml(d / "scenario.resolved.yaml", run=5), "run: expected a mapping"),
        (
            lambda d: _edit_yaml(d / "scenario.resolved.yaml", run={"days": "many"}),
            "run -> days",
        ),
        (
            lambda d: _edit_yaml(d / "scenario.resolved.yaml", schedule=["oops"]),
            "schedule -> 0",
        ),
        (
            lambda d: _edit_yaml(d / "scenario.resolved.yaml", schedule=[{"day": "x"}]),
            "schedule -> 0 -> day",
        ),
        (lambda d: _edit_yaml(d / "scenario.resolved.yaml", strategies=[1]), "strategies"),
        (lambda d: _edit_json(d / "summary.json", nps="high"), "summary.json: nps"),
        (lambda d: (d / "summary.json").write_text("[1, 2]"), "expected a JSON object"),
        (lambda d: _edit_parquet(d, day="monday"), "metrics.parquet: day"),
        (lambda d: _edit_parquet(d, value="lots"), "metrics.parquet: value"),
        (lambda d: _edit_parquet(d, empty=True), "metrics.parquet: no rows"),
    ],
)
def test_hand_edited_folder_is_one_line(run_dir, edit, needle):
    edit(run_dir)
    code, _, err = cli("report", run_dir)
    one_line_error(code, err, needle)
    assert not (run_dir / "report.html").exists()


def _edit_parquet(run_dir, *, day=None, value=None, empty=False):
    path = run_dir / "metrics.parquet"
    frame = pd.read_parquet(path)
    if empty:
        frame = frame.iloc[:0]
    if day is not None:
        frame["day"] = frame["day"].astype(object)
        frame.loc[frame.index[0], "day"] = day
        frame["day"] = frame["day"].astype(str)
    if value is not None:
        frame["value"] = frame["value"].astype(str)
        frame.loc[frame.index[0], "value"] = value
    frame.to_parquet(path, index=False)


@pytest.mark.parametrize(
    "name", ["scenario.resolved.yaml", "summary.json", "metadata.json", "metrics.parquet"]
)
def test_symlinked_files_are_not_followed(run_dir, tmp_path, name):
    secret = tmp_path / "secret.txt"
    secret.write_text("name: TOP-SECRET-CONTENT\n")
    (run_dir / name).unlink()
    (run_dir / name).symlink_to(secret)
    code, out, err = cli("report", run_dir)
    one_line_error(code, err, name, "symbolic link")
    assert "TOP-SECRET" not in out + err
    assert not (run_dir / "report.html").exists()


def test_symlinked_customers_file_is_not_followed(run_dir, tmp_path):
    (run_dir / "customers.parquet").rename(tmp_path / "elsewhere.parquet")
    (run_dir / "customers.parquet").symlink_to(tmp_path / "elsewhere.parquet")
    code, _, err = cli("report", run_dir)
    one_line_error(code, err, "customers.parquet", "symbolic link")


def test_report_html_symlink_is_replaced_not_followed(run_dir, tmp_path):
    target = tmp_path / "victim.txt"
    target.write_text("keep me")
    (run_dir / "report.html").symlink_to(target)
    code, _, err = cli("report", run_dir)
    assert code == 0, err
    assert target.read_text() == "keep me"
    assert not (run_dir / "report.html").is_symlink()


def test_device_instead_of_a_file(run_dir):
    (run_dir / "summary.json").unlink()
    (run_dir / "summary.json").symlink_to("/dev/zero")
    code, _, err = cli("report", run_dir)
    one_line_error(code, err, "summary.json")
