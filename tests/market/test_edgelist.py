"""Edge lists as a hostile review found them (issue 17, items 10 and 18): no content in
messages, the scenario file named, paths from the scenario's folder, checked by
``validate``, and a list far too large for the population refused before it is read."""

from __future__ import annotations

import time

import pytest

from simulator.market.network.edgelist import max_edgelist_bytes, read_edgelist
from tests.cli.helpers import TINY, cli, one_line_error

EDGES = "source,target\n0,1\n1,2\n2,3\n3,4\n"


def _scenario(folder, edgelist: str, customers: int = 50):
    path = folder / "net.yaml"
    path.write_text(
        "name: net\n"
        f"market:\n  network: {{kind: edgelist, edgelist: '{edgelist}'}}\n"
        f"run: {{customers: {customers}, days: 5}}\n"
    )
    return path


def test_environment_is_never_echoed(tmp_path, monkeypatch):
    monkeypatch.setenv("LOYALTY_SECRET", "hunter2-do-not-print")
    path = _scenario(tmp_path, "/proc/self/environ")
    for command in (["validate", path], ["run", path, "--quiet", "--out", tmp_path / "o"]):
        code, out, err = cli(*command)
        line = one_line_error(code, err, "net.yaml: market -> network", "environ")
        assert "hunter2" not in out + err and "PATH=" not in line


@pytest.mark.parametrize(
    "text",
    ["0 1\nSECRET=x y\n", "0 1 2\n", "a b c d e\n0 1\n", "0,1\n5,SECRET\n", "0 1\n0 1 1\n"],
)
def test_line_errors_quote_no_content(tmp_path, text):
    edges = tmp_path / "e.txt"
    edges.write_text(text.replace("SECRET", "s3cr3t"))
    with pytest.raises(ValueError, match=r"e\.txt, line \d") as info:
        read_edgelist(edges, 8)
    assert "s3cr3t" not in str(info.value)


def test_errors_name_the_scenario_file_for_every_command(tmp_path):
    (tmp_path / "e.txt").write_text("0 1\n1 x\n")
    path = _scenario(tmp_path, "e.txt")
    for command in (["validate", path], ["run", path, "--quiet", *TINY]):
        code, _, err = cli(*command)
        one_line_error(code, err, f"{path}: market -> network", "e.txt, line 2")


def test_relative_path_is_read_from_the_scenario_folder(tmp_path, monkeypatch):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "friends.csv").write_text(EDGES)
    path = _scenario(folder, "friends.csv")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, err = cli("run", path, "--quiet", "--no-plots", "--out", tmp_path / "o")
    assert code == 0, err
    resolved = (tmp_path / "o" / "scenario.resolved.yaml").read_text()
    assert str(folder / "friends.csv") in resolved


def test_strategy_edge_list_is_read_from_the_scenario_folder(tmp_path, monkeypatch):
    from simulator.config.loading import load_yaml

    (tmp_path / "other.csv").write_text(EDGES)
    path = _scenario(tmp_path, "friends.csv")
    path.write_text(path.read_text() + "strategies:\n  b: {market.network.edgelist: other.csv}\n")
    mapping = load_yaml(path)
    assert mapping["strategies"]["b"]["market.network.edgelist"] == str(tmp_path / "other.csv")


def test_validate_refuses_a_missing_edge_list(tmp_path):
    code, _, err = cli("validate", _scenario(tmp_path, "missing.csv"))
    one_line_error(code, err, "net.yaml: market -> network -> edgelist", "not found")


def test_validate_reads_every_line(tmp_path):
    (tmp_path / "e.txt").write_text("0 1\n" * 3 + "0 70\n")
    code, _, err = cli("validate", _scenario(tmp_path, "e.txt"))
    one_line_error(code, err, "line 4: node ids must be in [0, 50)", "got 70")


def test_huge_list_for_a_small_population_refused_at_once(tmp_path):
    edges = tmp_path / "big.txt"
    with edges.open("wb") as f:
        f.truncate(208_000_000)  # sparse: the size is all that is read
    started = time.perf_counter()
    with pytest.raises(ValueError, match=r"is 208 MB, larger than the limit of .* 100 customers"):
        read_edgelist(edges, 100)
    code, _, err = cli("run", _scenario(tmp_path, "big.txt", customers=100), "--quiet")
    one_line_error(code, err, "is 208 MB")
    assert time.perf_counter() - started < 10


def test_size_bound_admits_every_pair_both_ways():
    n = 100
    lines = [f"{a} {b}\n" for a in range(n) for b in range(n) if a != b]
    assert sum(len(s) for s in lines) < max_edgelist_bytes(n)
    assert max_edgelist_bytes(20_000_000) > 20_000_000 * 200 * 20
