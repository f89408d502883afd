"""Everything a command can check before it starts work, checked before it starts.

A bad ``--out`` used to be found after 14 s of simulation, a negative seed when its run
started, a seed past 2**63 - 1 after every run of a comparison, and 20,000,000
customers in an allocation traceback after 17 s (issue 17, items 2, 6, 16, 18). Each
check here fails in one line, in well under a second.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from simulator.config.files import FileRefused, human_bytes
from simulator.config.seeds import check_seeds
from simulator.errors import ScenarioError, UsageError

if TYPE_CHECKING:
    from simulator.config.schema import Scenario

__all__ = [
    "MAX_REPLICATIONS",
    "check_edge_lists",
    "check_input_files",
    "check_jobs",
    "check_memory",
    "check_seed",
    "cpu_count",
    "refuse_run_constants",
]

MAX_REPLICATIONS = 10_000
EDGELIST = "market -> network -> edgelist"


def cpu_count() -> int:
    """CPUs this process may run on (a container's or ``taskset``'s share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def check_jobs(jobs: int | None) -> None:
    """``--jobs`` between 1 and the CPUs: each extra worker holds a whole process
    (``--jobs 6`` on 2 cores used 1.6 GB for 500-customer runs and ran no faster)."""
    if jobs is None:
        return
    cpus = cpu_count()
    if not 1 <= jobs <= cpus:
        raise UsageError(f"--jobs {jobs}: expected 1 to {cpus} (the CPUs this machine has)")


def check_seed(seed: int, count: int = 1, *, what: str = "--seed", source: str = "") -> None:
    """Seeds ``seed .. seed + count - 1`` in 0..2**63 - 1, or one line saying so."""
    problem = check_seeds(seed, count)
    if problem is None:
        return
    if source:
        raise ScenarioError(f"{problem}; choose another --seed", source=source, path=what)
    raise UsageError(f"{what}: {problem}")


def _override_roots(overrides: dict[Any, Any]) -> Iterable[tuple[str, str]]:
    for key in overrides:
        text = str(key)
        yield text.replace("->", ".").split(".")[0].strip(), text


def refuse_run_constants(mapping: dict[str, Any], *, source: str) -> None:
    """A strategy may not change ``run.*``: a comparison would report more customers or
    more days as the strategy's effect (item 13)."""
    strategies = mapping.get("strategies")
    if not isinstance(strategies, dict):
        return
    for name, overrides in strategies.items():
        if not isinstance(overrides, dict):
            continue
        for root, key in _override_roots(overrides):
            if root == "run":
                raise ScenarioError(
                    f"{key!r} is a run constant: a strategy that changes it would be "
                    "compared as if more customers, days or another seed were its effect; "
                    "set it for every strategy with --set or in the run section",
                    source=source,
                    path=f"strategies -> {name}",
                )


def check_edge_lists(configs: Iterable[Scenario], *, source: str, parse: bool = False) -> None:
    """Each edge list a run will read exists, is a regular file and fits the population;
    ``parse`` (``validate``) reads every line too."""
    seen: set[tuple[str, int]] = set()
    for config in configs:
        net = config.market.network
        if net.kind != "edgelist":
            continue
        if not net.edgelist:
            raise ScenarioError(
                "network kind 'edgelist' needs the path of an edge list file",
                source=source,
                path=EDGELIST,
            )
        from simulator.market.network.edgelist import check_edgelist, read_edgelist

        key = (net.edgelist, config.run.customers)
        if key in seen:
            continue
        seen.add(key)
        try:
            if parse:
                read_edgelist(net.edgelist, config.run.customers)
            else:
                check_edgelist(net.edgelist, config.run.customers)
        except (ValueError, FileRefused) as exc:
            raise ScenarioError(str(exc), source=source, path=EDGELIST) from None


def check_input_files(configs: Iterable[Scenario], *, source: str, parse: bool = False) -> None:
    """Every file a run will read: edge lists (:func:`check_edge_lists`) and the real
    customers' histories (``market.initial.customers``), before any work starts."""
    configs = list(configs)
    check_edge_lists(configs, source=source, parse=parse)
    seen: set[tuple[str, int]] = set()
    for config in configs:
        path = config.market.initial.customers
        if path is None or (path, config.run.customers) in seen:
            continue
        seen.add((path, config.run.customers))
        from simulator.engine.history import read_histories

        try:
            read_histories(path, config.run.customers)
        except (ValueError, FileRefused) as exc:
            raise ScenarioError(
                str(exc) if str(exc).startswith(path) else f"{path}: {exc}",
                source=source,
                path="market -> initial -> customers",
            ) from None


def check_memory(
    configs: Iterable[Scenario], *, processes: int = 1, transactions: bool = False
) -> None:
    """Refuse work that cannot fit in the memory this machine has now, giving both figures."""
    from simulator.experiment.memory import (
        BYTES_PER_CUSTOMER,
        available_bytes,
        people_rows,
        run_bytes,
    )

    configs = list(configs)
    if not configs:
        return
    biggest = max(configs, key=lambda c: run_bytes(c, transactions=transactions))
    need = processes * run_bytes(biggest, transactions=transactions)
    have = available_bytes()
    if have is None or need <= have:
        return
    each = run_bytes(biggest, transactions=transactions)
    extra = " plus its transaction log" if transactions else ""
    rows = people_rows(biggest)
    what = f"about {BYTES_PER_CUSTOMER} bytes per person, measured{extra}"
    if rows > biggest.run.customers:
        what += f", for up to {rows:,.0f} people with the entrants kept in reserve"
    if processes > 1:
        raise UsageError(
            f"run.customers = {biggest.run.customers:,} with {processes} runs at once needs "
            f"about {human_bytes(need)} of memory ({human_bytes(each)} a run: {what}), but "
            f"this machine has {human_bytes(have)} available; use fewer --jobs or customers"
        )
    raise UsageError(
        f"run.customers = {biggest.run.customers:,} needs about {human_bytes(need)} of memory "
        f"({what}), but this machine has {human_bytes(have)} available; use fewer customers"
    )
