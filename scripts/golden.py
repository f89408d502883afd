"""Golden hashes: prove that a refactor changes no number.

Runs every strategy of every shipped scenario, and one ``compare``, at a small size
through the ``loyalty-sim`` command, and hashes what they write: ``summary.json`` byte
for byte, and the *content* of each Parquet table (column names, dtypes and values; the
file's own bytes also carry library versions). ``--record`` writes the hashes to
``scripts/golden.json``; ``--check`` (the default) compares and lists every difference.

    .venv/bin/python scripts/golden.py            # check
    .venv/bin/python scripts/golden.py --record   # after a change that is meant to move numbers

A change that moves numbers on purpose re-records, and says so in its commit message.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).with_name("golden.json")
SIZE = ["--set", "run.customers=2000", "--set", "run.days=400"]
COMPARE = ("coffee_chain", 3)  # scenario, replications


def _cli() -> str:
    exe = Path(sys.executable).with_name("loyalty-sim")
    return str(exe) if exe.exists() else "loyalty-sim"


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _run(scenario: Path, strategy: str, tmp: Path) -> dict[str, str]:
    out = tmp / f"{scenario.stem}-{strategy}"
    cmd = [_cli(), "run", str(scenario), "--strategy", strategy, "--seed", "3"]
    cmd += [*SIZE, "--out", str(out), "--no-plots", "--quiet"]
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
    return {
        "summary.json": file_hash(out / "summary.json"),
        "metrics.parquet": _frame_hash(out / "metrics.parquet"),
        "customers.parquet": _frame_hash(out / "customers.parquet"),
    }


def _frame_hash(path: Path) -> str:
    """Content hash through pandas: column names, dtypes and every value."""
    import pandas as pd

    df = pd.read_parquet(path)
    h = hashlib.sha256()
    for name in df.columns:
        col = df[name]
        h.update(str(name).encode())
        h.update(str(col.dtype).encode())
        h.update(pd.util.hash_pandas_object(col, index=False).to_numpy().tobytes())
    return h.hexdigest()[:16]


def _compare(tmp: Path) -> dict[str, str]:
    scenario, reps = COMPARE
    out = tmp / "compare"
    cmd = [_cli(), "compare", f"scenarios/{scenario}.yaml", "--replications", str(reps)]
    cmd += ["--jobs", "1", "--seed", "3", *SIZE, "--out", str(out), "--quiet"]
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
    return {
        "comparison.parquet": _frame_hash(out / "comparison.parquet"),
        "comparison.csv": file_hash(out / "comparison.csv"),
    }


def compute(jobs: int) -> dict[str, dict[str, str]]:
    """Every hash, keyed by ``scenario/strategy`` (and ``compare/<scenario>``)."""
    tasks = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        mapping = yaml.safe_load(path.read_text())
        for strategy in mapping.get("strategies") or {"status_quo": {}}:
            tasks.append((path, strategy))
    tmp = Path(tempfile.mkdtemp(prefix="golden-"))
    try:
        with ThreadPoolExecutor(jobs) as pool:
            runs = {f"{p.stem}/{s}": pool.submit(_run, p, s, tmp) for p, s in tasks}
            cmp = pool.submit(_compare, tmp)
            out = {k: f.result() for k, f in runs.items()}
            out[f"compare/{COMPARE[0]}"] = cmp.result()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help="write scripts/golden.json")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    hashes = compute(args.jobs)
    if args.record:
        GOLDEN.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n")
        print(f"recorded {len(hashes)} runs in {GOLDEN.relative_to(ROOT)}")
        return 0
    golden = json.loads(GOLDEN.read_text())
    bad = [
        f"{run}: {name} {golden.get(run, {}).get(name)} -> {value}"
        for run, files in hashes.items()
        for name, value in files.items()
        if golden.get(run, {}).get(name) != value
    ]
    missing = sorted(set(golden) - set(hashes))
    for line in bad + [f"{run}: no longer run" for run in missing]:
        print(f"DIFFERS {line}")
    print(
        f"golden check: {len(hashes) - len({b.split(':')[0] for b in bad})}/{len(hashes)} identical"
    )
    return 1 if bad or missing else 0


if __name__ == "__main__":
    sys.exit(main())
