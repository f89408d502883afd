"""Result directories: never a collision lost, never outside results/, no stale partials
(issue 17, items 2, 12, 17 and the --out loose ends of 18)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from simulator.errors import OutputError
from simulator.io import staging
from simulator.io.comparison import write_comparison
from simulator.io.output import write_run
from simulator.io.staging import check_new_dir, clean_stale_partials, safe_slug, staged_directory
from tests.cli.helpers import COFFEE, TINY, cli, one_line_error


@pytest.fixture
def frozen(monkeypatch):
    """Every default name in the same second."""
    monkeypatch.setattr(staging, "utc_stamp", lambda: "20260101T000000Z")
    import simulator.io.comparison as comparison
    import simulator.io.output as output

    monkeypatch.setattr(output, "utc_stamp", lambda: "20260101T000000Z")
    monkeypatch.setattr(comparison, "utc_stamp", lambda: "20260101T000000Z")


def test_default_run_dirs_in_the_same_second_never_collide(result, tmp_path, frozen, monkeypatch):
    monkeypatch.chdir(tmp_path)
    paths: list[Path] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def write() -> None:
        start.wait()
        try:
            paths.append(write_run(result, None, plots=False))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(set(paths)) == 6
    for path in paths:
        assert (path / "summary.json").is_file() and (path / "metrics.parquet").is_file()
        assert path.parent == Path("results") / "coffee_chain"
    names = sorted(p.name for p in paths)
    assert names[:2] == ["20260101T000000Z-seed2", "20260101T000000Z-seed2-2"]
    assert not [p for p in (tmp_path / "results" / "coffee_chain").iterdir() if p.name[0] == "."]


def test_default_compare_dir_taken_meanwhile_keeps_the_results(
    comparison, tmp_path, frozen, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    taken = Path("results/coffee_chain/compare-20260101T000000Z")
    real = staged_directory

    @contextmanager
    def racing(target, **kw):
        with real(target, **kw) as staged:
            yield staged
            taken.mkdir(parents=True)  # another compare finishes first

    monkeypatch.setattr("simulator.io.comparison.staged_directory", racing)
    out = write_comparison(comparison, None)
    assert out == Path(f"{taken}-2") and (out / "comparison.csv").is_file()


def test_user_out_taken_meanwhile_keeps_the_results_and_says_where(result, tmp_path, monkeypatch):
    out = tmp_path / "mine"
    real = staged_directory

    @contextmanager
    def racing(target, **kw):
        with real(target, **kw) as staged:
            yield staged
            out.mkdir()  # made by someone else while the results were written

    monkeypatch.setattr("simulator.io.output.staged_directory", racing)
    with pytest.raises(OutputError, match=r"mine: run directory appeared meanwhile; .*kept in"):
        write_run(result, out, plots=False)
    assert (tmp_path / "mine-2" / "summary.json").is_file()
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("name", ["..", ".", "...", ".hidden", "a/b", ""])
def test_safe_slug_stays_inside(name):
    slug = safe_slug(name)
    assert slug and slug not in (".", "..") and "/" not in slug and not slug.startswith(".")


def test_scenario_named_dotdot_writes_inside_results(tmp_path, monkeypatch):
    text = COFFEE.read_text().replace("name: coffee_chain", "name: ..")
    (tmp_path / "dots.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("run", "dots.yaml", *TINY, "--quiet", "--no-plots")
    assert code == 0, err
    written = [p for p in (tmp_path / "results").rglob("summary.json")]
    assert len(written) == 1 and written[0].parent.parent == tmp_path / "results" / "scenario"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dots.yaml", "results"]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_partials_of_dead_processes_are_removed(result, tmp_path):
    folder = tmp_path / "results" / "coffee_chain"
    folder.mkdir(parents=True)
    dead = folder / f".20250101T000000Z-seed1.partial-{_dead_pid()}"
    dead_new = folder / f".compare-x.partial-{_dead_pid()}-0a1b2c3d"
    alive = folder / f".other.partial-{os.getppid()}"
    for p in (dead, dead_new, alive):
        p.mkdir()
        (p / "metrics.parquet").write_bytes(b"x" * 1000)
    link = folder / f".link.partial-{_dead_pid()}"
    link.symlink_to(tmp_path)
    assert sorted(clean_stale_partials(folder)) == sorted([dead, dead_new])
    assert alive.exists() and link.is_symlink() and tmp_path.exists()
    dead.mkdir()
    write_run(result, folder / "new", plots=False)
    assert not dead.exists() and alive.exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "directory exists already"),
        (lambda p: p.write_text("x"), "is a file, not a directory"),
        (lambda p: None, None),
    ],
)
def test_check_new_dir(tmp_path, make, message):
    target = tmp_path / "out"
    make(target)
    if message is None:
        assert check_new_dir(target) == target and not target.exists()
    else:
        with pytest.raises(OutputError, match=message):
            check_new_dir(target)


def test_check_new_dir_refuses_empty_and_uncreatable(tmp_path):
    with pytest.raises(OutputError, match="--out is empty"):
        check_new_dir("")
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a directory"):
        check_new_dir(tmp_path / "f" / "sub")
    with pytest.raises(OutputError, match="cannot be created in /proc"):
        check_new_dir("/proc/no-such-dir/out")


@pytest.mark.parametrize("command", ["run", "compare"])
@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("", "--out is empty"),
        ("exists", "directory exists already"),
        ("file", "is a file, not a directory"),
        ("/proc/no-such/out", "cannot be created"),
    ],
)
def test_bad_out_refused_before_any_run(tmp_path, monkeypatch, command, out, message):
    (tmp_path / "exists").mkdir()
    (tmp_path / "file").write_text("x")
    monkeypatch.chdir(tmp_path)

    def no_run(*a, **k):
        raise AssertionError("a simulation started before --out was checked")

    monkeypatch.setattr("simulator.experiment.run.run", no_run)
    monkeypatch.setattr("simulator.experiment.compare.run_comparison", no_run)
    extra = ["--replications", "2", "--jobs", "1"] if command == "compare" else []
    code, _, err = cli(command, COFFEE, *TINY, *extra, "--out", out)
    one_line_error(code, err, message)


@pytest.mark.parametrize("command", ["run", "compare"])
def test_unwritable_default_results_folder_refused_before_any_run(monkeypatch, command):
    def no_run(*a, **k):
        raise AssertionError("a simulation started before the results folder was checked")

    monkeypatch.setattr("simulator.experiment.run.run", no_run)
    monkeypatch.setattr("simulator.experiment.compare.run_comparison", no_run)
    monkeypatch.chdir("/proc")  # nothing can be created here, not even by root
    extra = ["--replications", "2", "--jobs", "1"] if command == "compare" else []
    code, _, err = cli(command, COFFEE, *TINY, *extra)
    one_line_error(code, err, "results/coffee_chain/", "cannot be created")
