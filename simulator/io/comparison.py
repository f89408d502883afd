"""Writing a comparison's directory: tidy data, the KPI table, provenance and the report.

All or nothing, through the same staged writer as a run directory
(:func:`simulator.io.output.staged_directory`).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import yaml

from simulator.experiment.results import ComparisonResult
from simulator.io.csv import neutralise_formulas
from simulator.io.output import write_json
from simulator.io.staging import safe_slug, staged_directory, utc_stamp
from simulator.report.html import write_report

__all__ = ["default_compare_dir", "write_comparison"]


def default_compare_dir(scenario: str, root: str | Path = "results") -> Path:
    """``results/<scenario>/compare-<UTC timestamp>``: a default name, made unique when
    the results are moved into place."""
    return Path(root) / safe_slug(scenario) / f"compare-{utc_stamp()}"


def write_comparison(result: ComparisonResult, out: str | Path | None = None) -> Path:
    """Write a comparison's files into a new directory, all or nothing; return its path.

    Files: ``comparison.parquet`` (:meth:`ComparisonResult.tidy`), ``comparison.csv``
    (the KPI table), ``report.html``, ``comparison.resolved.yaml`` (base scenario with
    each strategy's overrides), ``metadata.json`` and, if any run failed,
    ``failures.json``.

    Raises
    ------
    OutputError
        If ``out`` exists already or cannot be created, or appeared during the run (the
        results are then kept beside it, and the message says where).
    """
    target = Path(out) if out is not None else default_compare_dir(result.scenario)
    with staged_directory(target, what="directory", unique=out is None) as staged:
        staging = staged.path
        result.tidy().to_parquet(staging / "comparison.parquet", index=False)
        # A spreadsheet runs a cell that starts with "=": strategy names are user text.
        neutralise_formulas(result.table).to_csv(staging / "comparison.csv", index=False)
        write_json(staging / "metadata.json", result.metadata)
        if result.failures:
            write_json(
                staging / "failures.json", {"failures": [asdict(f) for f in result.failures]}
            )
        (staging / "comparison.resolved.yaml").write_text(resolved_yaml(result))
        write_report(result, staging / "report.html")
    assert staged.final is not None
    return staged.final


def resolved_yaml(result: ComparisonResult) -> str:
    """The base scenario with each strategy's overrides, headed by how to replay it.

    The body is itself a valid scenario: ``loyalty-sim compare`` on this file with the
    seed in the header replays the comparison.
    """
    header = [
        f"# Comparison of {result.scenario}: baseline {result.baseline}, "
        f"{result.replications} replications per strategy.",
        f"# Seeds {result.seeds[0]}..{result.seeds[-1]} (replication k uses seed "
        f"{result.seeds[0]} + k); replay with --seed {result.seeds[0]}.",
    ]
    if result.overrides:
        # --set is applied after a strategy's overrides in a comparison, so a key set
        # in both keeps the --set value there but the strategy's value on replay.
        header.append(f"# --set overrides, applied to the base below: {result.overrides}")
    body = yaml.safe_dump(result.resolved, sort_keys=False, allow_unicode=True)
    return "\n".join(header) + "\n" + body
