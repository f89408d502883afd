"""The ``loyalty-sim`` command.

Every user error becomes one line on stderr and exit code 2 (never a traceback, never a
half-written result).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from simulator.cli import compare, report
from simulator.errors import LoyaltySimError

HEADLINE = (
    ("customers_active", "Active customers (end)", "{:,.0f}"),
    ("customers_acquired", "Acquired", "{:,.0f}"),
    ("customers_lapsed", "Lapsed (defected or left)", "{:,.0f}"),
    ("retention_rate_annual", "Annual retention", "{:.1%}"),
    ("churn_monthly", "Monthly churn", "{:.2%}"),
    ("nps", "NPS (end)", "{:+.1f}"),
    ("satisfaction_mean", "Mean satisfaction (end)", "{:.2f}"),
    ("share_of_wallet", "Share of wallet", "{:.1%}"),
    ("revenue", "Revenue", "{:,.0f}"),
    ("gross_margin", "Gross margin", "{:,.0f}"),
    ("programme_cost", "Programme cost", "{:,.0f}"),
    ("net_margin", "Net margin", "{:,.0f}"),
    ("clv_mean", "Realised CLV per customer", "{:,.2f}"),
    ("wom_positive", "Positive word-of-mouth", "{:,.0f}"),
    ("wom_negative", "Negative word-of-mouth", "{:,.0f}"),
    ("complaints", "Complaints", "{:,.0f}"),
    ("breakage_rate", "Breakage rate", "{:.1%}"),
    ("points_liability", "Points liability", "{:,.0f}"),
)


def format_summary(summary: dict[str, Any]) -> str:
    """The headline KPIs as an aligned two-column table."""
    rows = []
    for key, label, fmt in HEADLINE:
        if key not in summary:
            continue
        v = summary[key]
        rows.append((label, "n/a" if v is None else fmt.format(v)))
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"  {label:<{width}}  {value:>14}" for label, value in rows)


def _cmd_run(args: argparse.Namespace) -> int:
    from simulator.config.loading import load_yaml, parse_set
    from simulator.experiment.run import run
    from simulator.io.output import write_run

    mapping = load_yaml(args.scenario)
    overrides = parse_set(args.set)
    result = run(
        mapping,
        strategy=args.strategy,
        seed=args.seed,
        overrides=overrides,
        transactions=args.transactions,
        progress=not args.quiet,
        source=args.scenario,
    )
    path = write_run(result, args.out, plots=not args.no_plots)
    print(
        f"{result.scenario} / strategy {result.strategy} / seed {result.seed}: "
        f"{result.metadata['days']} days, {result.metadata['customers']:,} customers, "
        f"{result.metadata['wall_time_s']:.1f} s"
    )
    print(format_summary(result.summary))
    print(f"results: {path}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from simulator.config.loading import load_yaml, resolve, strategy_names

    mapping = load_yaml(args.scenario)
    names = strategy_names(mapping)
    for name in names:
        config = resolve(mapping, strategy=name, source=args.scenario)
    print(f"{args.scenario}: valid scenario {config.name!r} with strategies {names}")
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from simulator.config.schema import Scenario

    print(json.dumps(Scenario.model_json_schema(), indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="loyalty-sim",
        description="Agent-based loyalty-strategy simulator: run YAML scenarios, "
        "compare strategies.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="run one scenario and write its results")
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
    p.add_argument("--transactions", action="store_true", help="also write transactions.parquet")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("validate", help="check a scenario and each of its strategies")
    p.add_argument("scenario", help="path of a YAML scenario")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of the scenario format")
    p.set_defaults(func=_cmd_schema)

    compare.register(sub)
    report.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``loyalty-sim`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except LoyaltySimError as exc:
        print(f"loyalty-sim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("loyalty-sim: interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
