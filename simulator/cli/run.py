"""``loyalty-sim run``: one scenario, one strategy, one seed; its files and a summary."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from simulator.cli import console
from simulator.metrics import registry


def register(subparsers: Any) -> None:
    """Add the ``run`` command to the ``loyalty-sim`` parser."""
    p = subparsers.add_parser("run", help="run one scenario and write its results")
    p.add_argument("scenario", help="path of a YAML scenario")
    p.add_argument("--strategy", help="strategy name from the scenario (default: the first)")
    p.add_argument("--seed", type=int, help="run seed (default: run.seed of the scenario)")
    p.add_argument("--out", help="run directory (default: results/<scenario>/<timestamp>-seed<N>)")
    p.add_argument(
        "--set",
        action="append",
        metavar="KEY.PATH=VALUE",
        help="override a value, e.g. --set run.customers=20000 (repeatable)",
    )
    p.add_argument(
        "--transactions",
        nargs="?",
        const="all",
        choices=("all", "focal"),
        help="also write transactions.parquet: every firm's purchases (all, the default) "
        "or the focal firm's only (focal, the one-firm log CLV libraries expect)",
    )
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_run)


def format_summary(summary: dict[str, Any]) -> str:
    """The headline KPIs (declared ``headline`` in the registry) as a two-column table."""
    rows = []
    for metric in registry.headline():
        if metric.name not in summary:
            continue
        v = summary[metric.name]
        label = metric.headline_label or metric.heading
        rows.append((label, "n/a" if v is None else metric.value_text(v)))
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"  {label:<{width}}  {value:>14}" for label, value in rows)


def run_heading(scenario: str, strategy: str, seed: int, meta: dict[str, Any]) -> str:
    """What was run: the reported days, the warm-up before them, the market's size."""
    warmup = int(meta.get("warmup_days") or 0)
    before = f" after a {warmup}-day warm-up" if warmup else " from the initial state (no warm-up)"
    return (
        f"{scenario} / strategy {strategy} / seed {seed}: {meta['days']} days reported{before}; "
        f"{meta['customers']:,} people in the market; {meta.get('wall_time_s', 0):.1f} s"
    )


def _cmd_run(args: argparse.Namespace) -> int:
    # Imported when the command runs, and the engine (Mesa, numba kernels) only once the
    # checks have passed: a bad argument is refused in well under a second.
    from simulator.cli import preflight
    from simulator.config.loading import load_yaml, parse_set, resolve
    from simulator.io.staging import check_can_create, check_new_dir, safe_slug, utc_stamp

    # Everything that can be checked is checked before the run, not after it.
    if args.out is not None:
        check_new_dir(args.out)
    if args.seed is not None:
        preflight.check_seed(args.seed)
    mapping = load_yaml(args.scenario)
    overrides = parse_set(args.set)
    preflight.refuse_run_constants(mapping, source=args.scenario)
    config = resolve(mapping, strategy=args.strategy, overrides=overrides, source=args.scenario)
    if args.out is None:
        check_can_create(Path("results") / safe_slug(config.name) / utc_stamp())
    preflight.check_input_files([config], source=args.scenario)
    preflight.check_memory([config], transactions=args.transactions is not None)

    from simulator.experiment import finite
    from simulator.experiment.run import run
    from simulator.io.output import write_run

    with finite.raising():
        result = run(
            mapping,
            strategy=args.strategy,
            seed=args.seed,
            overrides=overrides,
            transactions=args.transactions or False,
            progress=not args.quiet,
            source=args.scenario,
        )
    console.stop_if_interrupted()
    finite.check_run(result)
    path = write_run(result, args.out, plots=not args.no_plots)
    console.say(run_heading(result.scenario, result.strategy, result.seed, result.metadata))
    console.say(format_summary(result.summary))
    console.say(f"results: {path}")
    return 0
