"""Fuzz the command line: random YAML structures, mangled scenario text and random
``--set`` values at ``validate`` and at a tiny ``run`` (issue 17, "done when").

Whatever comes in, the command ends with exit 0, or exit 2 and exactly one
``loyalty-sim: error:`` line: never a traceback, never another exit code. The default
suite runs a fixed sample (``derandomize``); the slow marker runs a larger random one.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from simulator.config import levers
from simulator.config.loading import load_yaml, resolve
from simulator.config.schema import Run
from tests.cli.helpers import COFFEE, cli

# v2 adds a warm-up year; a fuzz run must stay tiny either way.
WARMUP = ["--set", "run.warmup_days=0"] if "warmup_days" in Run.model_fields else []
TINY = ["--set", "run.customers=50", "--set", "run.days=5", *WARMUP]
FAST = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
RUNS = settings(FAST, max_examples=25)
WIDE = settings(FAST, max_examples=400, derandomize=False)

WORDS = [
    "name", "market", "firm", "run", "schedule", "strategies", "modules", "segments",
    "competitors", "programme", "tiers", "levels", "rewards", "share", "price", "day",
    "set", "label", "customers", "days", "seed", "start_date", "network", "kind",
    "edgelist", "threshold", "points", "value", "quality", "NO", "base", "..", "a,b",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["2026-02-30", "9999-12-31", "$\\x$", "=1+1", "\x1b[31m", "", " "]),
)
KEYS = st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=8))
TREES = st.recursive(
    SCALARS,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(KEYS, kids, max_size=5),
    max_leaves=25,
)


def _leaves() -> list[str]:
    tree = resolve(load_yaml(COFFEE), strategy="loyalty_card").model_dump(mode="json")
    keys = [k for k in levers.flatten(tree) if k.split(".")[0] in ("firm", "market", "modules")]
    return sorted(keys)


LEAVES = _leaves()
# Mostly plausible values for real keys, so that most examples run a simulation, with
# extremes (the schema's bounds, tiny and huge numbers) and garbage mixed in.
PLAUSIBLE = st.one_of(
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=-10, max_value=1e4),
    st.integers(min_value=0, max_value=500),
    st.sampled_from(["0", "1", "0.5", "true", "false", "1e-300", "1e300", "100", "10000"]),
).map(lambda v: v if isinstance(v, str) else repr(v))
GARBAGE = st.one_of(
    SCALARS.map(lambda v: yaml.safe_dump(v, default_flow_style=True).strip()),
    st.text(max_size=20),
    st.sampled_from(["[[[[[[[[", "&a [*a, *a]", "{a: 1}", "-0", "nan", ".inf", "NO", ""]),
)


def _mostly(common: st.SearchStrategy, rare: st.SearchStrategy, odds: int) -> st.SearchStrategy:
    """``common``, and one time in ``odds`` ``rare`` (one_of would pick them evenly)."""
    return st.integers(0, odds - 1).flatmap(lambda i: rare if i == 0 else common)


SET_VALUES = _mostly(PLAUSIBLE, GARBAGE, 4)
SET_KEYS = _mostly(st.sampled_from(LEAVES), st.text(max_size=15), 10)
SETS = st.lists(st.tuples(SET_KEYS, SET_VALUES), max_size=3)


def _assert_contract(code: int, out: str, err: str) -> None:
    assert "Traceback" not in out + err, err
    assert code in (0, 2), f"exit code {code}: {err!r}"
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("loyalty-sim: error: "), err


def _with(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _check_validate(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        _assert_contract(*cli("validate", _with(Path(tmp) / "s.yaml", text)))


@FAST
@given(tree=TREES)
def test_validate_random_structures(tree):
    _check_validate(yaml.safe_dump(tree, allow_unicode=True))


@FAST
@given(tree=st.dictionaries(st.sampled_from(WORDS), TREES, max_size=6))
def test_validate_random_sections(tree):
    _check_validate(yaml.safe_dump({"name": "fuzz", **tree}, allow_unicode=True))


BASE_TEXT = COFFEE.read_text()


@FAST
@given(cuts=st.lists(st.tuples(st.integers(0, len(BASE_TEXT)), st.text(max_size=6)), max_size=5))
def test_validate_mangled_text(cuts):
    text = BASE_TEXT
    for at, insert in cuts:
        text = text[:at] + insert + text[at + len(insert) :]
    _check_validate(text)


def _check_run(sets: list[tuple[str, str]], seed: int | None) -> None:
    args = [a for key, value in sets for a in ("--set", f"{key}={value}")]
    if seed is not None:
        args += ["--seed", str(seed)]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "o"
        code, stdout, err = cli("run", COFFEE, "--strategy", "loyalty_card", *args, *TINY,
                                "--quiet", "--no-plots", "--out", out)  # fmt: skip
        _assert_contract(code, stdout, err)
        event(f"run: exit {code}" + ("" if code == 0 else f" ({err.split(': ')[-1][:40]})"))
        if code == 0:
            assert (out / "summary.json").is_file()
            summary = json.loads((out / "summary.json").read_text())
            for key, value in summary.items():
                assert not (isinstance(value, float) and math.isinf(value)), key
        else:
            assert not out.exists(), "nothing half-written"


SEEDS = st.one_of(st.none(), st.none(), st.integers(0, 2**63 - 1), st.integers(-(2**65), 2**65))


@RUNS
@given(sets=SETS, seed=SEEDS)
def test_tiny_run_with_random_set_values(sets, seed):
    _check_run(sets, seed)


@pytest.mark.slow
@WIDE
@given(tree=TREES)
def test_validate_random_structures_wide(tree):
    _check_validate(yaml.safe_dump(tree, allow_unicode=True))


@pytest.mark.slow
@settings(WIDE, max_examples=150)
@given(sets=SETS, seed=SEEDS)
def test_tiny_run_with_random_set_values_wide(sets, seed):
    _check_run(sets, seed)
