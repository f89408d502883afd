"""``loyalty-sim sweep`` and ``loyalty-sim sweep-report``: designs of points, resumable.

Everything that can be checked is checked before the directory is created (the
experiment file, its scenario, ``--set``, ``--out``, ``--jobs``, the seeds, the memory,
the scheduler), so a bad input costs a second and leaves nothing behind. Then the
design, the resolved experiment and the manifest are written, and each finished point
lands as one Parquet part: an interrupted sweep keeps them for ``--resume``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.cli import console
from simulator.errors import UsageError

if TYPE_CHECKING:
    from simulator.experiment.executor import Executor
    from simulator.sweep.prepare import Sweep


def register(subparsers: Any) -> None:
    """Add ``sweep`` and ``sweep-report`` to the ``loyalty-sim`` parser."""
    p = subparsers.add_parser(
        "sweep",
        help="run an experiment's design of points (SALib, grid, Latin), resumable",
        description=(
            "Run every strategy x replication at every point of an experiment's design, "
            "one warm-up per replication forked to every strategy. Writes design.parquet, "
            "experiment.resolved.yaml and manifest.json first, then one Parquet part per "
            "finished point under parts/, then the analysis and sweep.html."
        ),
    )
    p.add_argument("experiment", help="path of a YAML experiment (see experiments/)")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--jobs", type=int, default=None, metavar="J",
        help="local worker processes (default: the number of CPUs; 1 = this process only)",
    )  # fmt: skip
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://10.0.0.5:8786"
    )
    where.add_argument(
        "--scheduler-file", metavar="FILE", help="a Dask scheduler file (dask-jobqueue, SLURM)"
    )
    p.add_argument(
        "--out", metavar="DIR",
        help="sweep directory: new, or an earlier one with --resume "
        "(default: results/<name>/sweep-<UTC timestamp>)",
    )  # fmt: skip
    p.add_argument(
        "--resume", action="store_true",
        help="finish the sweep in --out: skip finished points; refused if the design differs",
    )  # fmt: skip
    p.add_argument(
        "--set", action="append", metavar="KEY.PATH=VALUE",
        help="override a scenario value at every point, e.g. --set run.customers=2000",
    )  # fmt: skip
    p.add_argument("--no-report", action="store_true", help="skip the analysis and sweep.html")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_sweep)

    r = subparsers.add_parser(
        "sweep-report",
        help="analyse a sweep directory: indices, verdict map, sweep.html",
        description="Sensitivity indices with intervals (levels and paired differences), "
        "replication noise, verdict maps with PRIM rules; writes analysis/*.parquet and "
        "sweep.html into the sweep directory.",
    )
    r.add_argument("directory", help="a sweep directory (the --out of loyalty-sim sweep)")
    r.set_defaults(func=_cmd_report)


def _checked(args: argparse.Namespace) -> tuple[Sweep, Path, int]:
    """The sweep, its directory and the jobs, once every cheap check has passed."""
    from simulator.cli import preflight
    from simulator.config.loading import parse_set, resolve
    from simulator.io.staging import check_can_create, check_new_dir, safe_slug, utc_stamp
    from simulator.sweep.prepare import load_sweep

    preflight.check_jobs(args.jobs)
    if args.resume and args.out is None:
        raise UsageError("--resume needs --out DIR: the sweep directory to finish")
    if args.out is not None:
        if args.resume:
            if not Path(args.out).is_dir():
                raise UsageError(f"--out {args.out}: no such sweep directory to resume")
        else:
            check_new_dir(args.out)
    sweep = load_sweep(args.experiment, parse_set(args.set))
    base = resolve(sweep.scenario, overrides=sweep.overrides, source=args.experiment)
    if sweep.spec.seeds == "common":
        preflight.check_seed(
            base.run.seed, sweep.spec.replications, what="run -> seed", source=args.experiment
        )
    configs = [
        resolve(sweep.scenario, strategy=s, overrides=sweep.overrides, source=args.experiment)
        for s in sweep.strategies
    ]
    preflight.check_edge_lists(configs, source=args.experiment)
    jobs = args.jobs or preflight.cpu_count()
    if args.scheduler is None and args.scheduler_file is None:
        preflight.check_memory(configs, processes=jobs)
    if args.out is None:
        out = Path("results") / safe_slug(sweep.name) / f"sweep-{utc_stamp()}"
        check_can_create(out)
    else:
        out = Path(args.out)
    return sweep, out, jobs


def _executor(args: argparse.Namespace, jobs: int) -> Executor:
    from simulator.experiment import finite
    from simulator.experiment.executor import LocalProcessExecutor, SerialExecutor

    if args.scheduler is not None or args.scheduler_file is not None:
        from simulator.sweep.cluster import DaskExecutor

        return DaskExecutor.connect(args.scheduler, scheduler_file=args.scheduler_file)
    if jobs == 1:
        return SerialExecutor()
    # Workers raise on floating-point errors too, and die with this process (lifeline).
    return LocalProcessExecutor(jobs, initializer=finite.raise_in_this_process)


def _cmd_sweep(args: argparse.Namespace) -> int:
    sweep, out, jobs = _checked(args)
    from simulator.cli import signals
    from simulator.sweep.runner import open_sweep, run_sweep

    executor = _executor(args, jobs)
    store = None
    try:
        with executor:
            store, design = open_sweep(sweep, out, resume=args.resume)
            outcome = run_sweep(
                sweep,
                store,
                design,
                executor,
                progress=not args.quiet,
                on_failure=lambda p, msg: console.warn(f"point {p} failed: {msg}"),
            )
        console.stop_if_interrupted()
    except KeyboardInterrupt:
        if store is None:
            print("loyalty-sim: interrupted; nothing was written", file=sys.stderr)
        else:
            done = len(store.finished())
            print(
                f"loyalty-sim: interrupted; {done} finished points are kept in {store.root}; "
                f"finish with: loyalty-sim sweep {args.experiment} --out {store.root} --resume",
                file=sys.stderr,
            )
        return signals.exit_code()
    spec = sweep.spec
    rate = outcome.runs / outcome.wall_time_s if outcome.wall_time_s > 0 else 0.0
    console.say(
        f"{sweep.name}: {spec.method} design, {outcome.points} points x "
        f"{len(sweep.strategies)} strategies x {spec.replications} replications; "
        f"{outcome.finished} points run ({outcome.runs:,} runs) in {outcome.wall_time_s:.1f} s "
        f"= {rate:.2f} runs/s with {executor.workers} worker{'s' if executor.workers > 1 else ''}"
        + (f"; {outcome.skipped} finished before (resumed)" if outcome.skipped else "")
    )
    if outcome.failed:
        console.say(f"{outcome.failed} points failed: see {out / 'failed'}; retry with --resume")
    console.say(f"results: {out}")
    if not args.no_report:
        try:
            _report(out)
        except KeyboardInterrupt:
            # The results are whole; only the analysis was cut short.
            print(
                f"loyalty-sim: interrupted during the analysis; the results are kept: "
                f"loyalty-sim sweep-report {out}",
                file=sys.stderr,
            )
            return signals.exit_code()
    return 1 if outcome.failed else 0


def _report(root: Path) -> None:
    from simulator.sweep.analysis import analyse
    from simulator.sweep.report import write_report

    analysis = analyse(str(root))
    for d in analysis.discoveries:
        console.say(
            f"  {d.strategy} vs {analysis.baseline} on {d.metric}: better at "
            f"{d.counts['better']}, worse at {d.counts['worse']}, indistinguishable at "
            f"{d.counts['no detectable difference']} points; {d.where()}"
        )
    for note in analysis.notes:
        console.say(f"  note: {note}")
    console.say(f"report:  {write_report(analysis, root)}")


def _cmd_report(args: argparse.Namespace) -> int:
    from simulator.sweep.store import SweepStore

    root = Path(args.directory)
    SweepStore(root).manifest()  # one line if this is not a sweep directory
    _report(root)
    return 0
