"""``loyalty-sim compare``: every strategy, R replications, common random numbers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from simulator.errors import OutputError


def register(subparsers: Any) -> None:
    """Add the ``compare`` command to the ``loyalty-sim`` parser."""
    p = subparsers.add_parser(
        "compare",
        help="compare strategies over replications with common random numbers",
        description=(
            "Run every strategy R times; replication k of every strategy uses seed BASE + k, "
            "so differences come from the strategy. Writes comparison.parquet, "
            "comparison.csv, report.html and comparison.resolved.yaml into a new directory."
        ),
    )
    p.add_argument("scenario", help="path of a YAML scenario")
    p.add_argument(
        "--strategies",
        metavar="A,B,C",
        help="comma-separated strategy names (default: all in the scenario)",
    )
    p.add_argument(
        "--baseline",
        metavar="NAME",
        help="strategy to compare against, added to --strategies if missing "
        "(default: status_quo if compared, else the first)",
    )
    p.add_argument(
        "--replications", type=int, default=20, metavar="R", help="runs per strategy (default: 20)"
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="J",
        help="worker processes (default: the number of CPUs; 1 = no pool)",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="output directory, must not exist "
        "(default: results/<scenario>/compare-<UTC timestamp>)",
    )
    p.add_argument(
        "--set",
        action="append",
        metavar="KEY.PATH=VALUE",
        help="override a value for every strategy, e.g. --set run.customers=20000 (repeatable)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="BASE",
        help="base seed: replication k uses BASE + k (default: run.seed)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_compare)


def _warn(message: str) -> None:
    from tqdm import tqdm

    # tqdm.write keeps the progress bar intact below the warning.
    tqdm.write(f"loyalty-sim: warning: {message}", file=sys.stderr)


def _cmd_compare(args: argparse.Namespace) -> int:
    # Imported when the command runs, so that every other command starts without the
    # engine and the report.
    from simulator.config.loading import load_yaml, parse_set
    from simulator.experiment.compare import run_comparison
    from simulator.io.comparison import write_comparison
    from simulator.report.recommend import recommendation
    from simulator.report.summary import summary_lines, warmup_text

    # Fail before hours of runs, not after them (checked again when writing).
    if args.out is not None and Path(args.out).exists():
        raise OutputError(f"{args.out}: directory exists already; choose another --out")
    mapping = load_yaml(args.scenario)
    overrides = parse_set(args.set)
    strategies = None
    if args.strategies is not None:
        strategies = [s.strip() for s in args.strategies.split(",") if s.strip()]
    result = run_comparison(
        mapping,
        strategies=strategies,
        replications=args.replications,
        jobs=args.jobs,
        baseline=args.baseline,
        overrides=overrides,
        base_seed=args.seed,
        progress=not args.quiet,
        source=args.scenario,
        on_failure=lambda f: _warn(f.describe()),
    )
    path = write_comparison(result, args.out)
    meta = result.metadata
    warmup = warmup_text(result)
    print(
        f"{result.scenario}: {len(result.strategies)} strategies x {result.replications} "
        f"replications (seeds {result.seeds[0]}-{result.seeds[-1]}"
        f"{', ' + warmup if warmup else ''}), baseline {result.baseline}, "
        f"{meta.get('jobs')} jobs, {meta.get('wall_time_s', 0):.1f} s"
    )
    for line in summary_lines(result):
        print(f"  {line}")
    if len(result.strategies) > 1:
        # The report states the caveats the recommendation rests on.
        print(f"  Recommendation: {recommendation(result).text} (caveats: report.html)")
    if result.failures:
        print(f"{len(result.failures)} runs failed: see {path / 'failures.json'}")
    print(f"results: {path}")
    print(f"report:  {path / 'report.html'}")
    return 0
