"""``loyalty-sim compare``: every strategy, R replications, common random numbers."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.cli import console
from simulator.errors import UsageError

if TYPE_CHECKING:
    from simulator.experiment.results import Failure


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


def _on_failure(failure: Failure) -> None:
    from simulator.cli.console import INTERRUPTED

    if INTERRUPTED.is_set():
        # A run stopped by Ctrl-C is not a failed replication: stop instead of warning.
        raise KeyboardInterrupt
    if failure.message.startswith("FloatingPointError"):
        from simulator.experiment.finite import NumericalError, describe

        # The same inputs give the same overflow in every replication: stop at the first.
        cause = FloatingPointError(failure.message.removeprefix("FloatingPointError: "))
        raise NumericalError(
            f"strategy {failure.strategy!r} / seed {failure.seed}: {describe(cause)}"
        )
    console.warn(failure.describe())


def _strategies(args: argparse.Namespace) -> list[str] | None:
    if args.strategies is None:
        return None
    return [s.strip() for s in args.strategies.split(",") if s.strip()]


def _checked(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any], int]:
    """The scenario, the ``--set`` overrides and the jobs, once everything that can be
    checked before hours of runs has been (light imports only: no engine yet)."""
    from simulator.cli import preflight
    from simulator.config.loading import load_yaml, parse_set, resolve, strategy_names
    from simulator.io.staging import check_can_create, check_new_dir, safe_slug, utc_stamp

    if args.out is not None:
        check_new_dir(args.out)
    preflight.check_jobs(args.jobs)
    if not 2 <= args.replications <= preflight.MAX_REPLICATIONS:
        raise UsageError(
            f"--replications {args.replications}: expected 2 (for confidence intervals) "
            f"to {preflight.MAX_REPLICATIONS:,}"
        )
    if args.seed is not None:
        preflight.check_seed(args.seed, args.replications)
    mapping = load_yaml(args.scenario)
    overrides = parse_set(args.set)
    preflight.refuse_run_constants(mapping, source=args.scenario)
    names = strategy_names(mapping)
    wanted = [*(_strategies(args) or names), args.baseline]
    chosen = [s for s in dict.fromkeys(wanted) if s in names]
    configs = [
        resolve(mapping, strategy=name, overrides=overrides, source=args.scenario)
        for name in chosen
    ]
    if args.seed is None and configs:
        preflight.check_seed(
            configs[0].run.seed, args.replications, what="run -> seed", source=args.scenario
        )
    if args.out is None and configs:
        check_can_create(Path("results") / safe_slug(configs[0].name) / utc_stamp())
    preflight.check_input_files(configs, source=args.scenario)
    tasks = len(chosen) * args.replications
    jobs = min(args.jobs or preflight.cpu_count(), max(tasks, 1))
    preflight.check_memory(configs, processes=jobs)
    return mapping, overrides, jobs


def _cmd_compare(args: argparse.Namespace) -> int:
    mapping, overrides, jobs = _checked(args)
    # The engine and the report are imported once the checks have passed.
    from simulator.experiment import finite
    from simulator.experiment.compare import run_comparison
    from simulator.experiment.executor import Executor, LocalProcessExecutor, SerialExecutor
    from simulator.io.comparison import write_comparison
    from simulator.report.recommend import recommendation
    from simulator.report.summary import summary_lines, warmup_text

    # Workers raise on floating-point errors too, like this process (finite.raising).
    executor: Executor = (
        SerialExecutor()
        if jobs == 1
        else LocalProcessExecutor(jobs, initializer=finite.raise_in_this_process)
    )
    with executor, finite.raising():
        result = run_comparison(
            mapping,
            strategies=_strategies(args),
            replications=args.replications,
            baseline=args.baseline,
            overrides=overrides,
            base_seed=args.seed,
            progress=not args.quiet,
            source=args.scenario,
            on_failure=_on_failure,
            executor=executor,
        )
    console.stop_if_interrupted()
    finite.check_comparison(result)
    path = write_comparison(result, args.out)
    meta = result.metadata
    warmup = warmup_text(result)
    console.say(
        f"{result.scenario}: {len(result.strategies)} strategies x {result.replications} "
        f"replications (seeds {result.seeds[0]}-{result.seeds[-1]}"
        f"{', ' + warmup if warmup else ''}), baseline {result.baseline}, "
        f"{meta.get('jobs')} jobs, {meta.get('wall_time_s', 0):.1f} s"
    )
    for line in summary_lines(result):
        console.say(f"  {line}")
    if len(result.strategies) > 1:
        # The report states the caveats the recommendation rests on.
        console.say(f"  Recommendation: {recommendation(result).text} (caveats: report.html)")
    if result.failures:
        console.say(f"{len(result.failures)} runs failed: see {path / 'failures.json'}")
    console.say(f"results: {path}")
    console.say(f"report:  {path / 'report.html'}")
    return 0
