"""How much memory a run needs, from measured figures, against what the machine has.

A run at the schema's cap of 20,000,000 customers used to work for 17 s and then die in
an allocation traceback (issue 17, item 6). The figures here come from
``benchmarks/README.md`` (target 3: 875 bytes per person at peak with every module
and the network, at 10^6 customers) and from ``/usr/bin/time`` on the shipped
scenarios: one process with its imports and compiled kernels holds about 330 MB, and
``--transactions`` holds about 140 bytes per purchase at its peak (the log, its sort and
the table). The estimate errs on the high side; the check refuses only a run that
cannot fit.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.engine.reserve import reserve_rows

if TYPE_CHECKING:
    from simulator.config.schema import Scenario

__all__ = [
    "BYTES_PER_CUSTOMER",
    "BYTES_PER_TRANSACTION",
    "PROCESS_BYTES",
    "available_bytes",
    "people_rows",
    "run_bytes",
    "transactions_expected",
]

PROCESS_BYTES = 400_000_000
BYTES_PER_CUSTOMER = 900
BYTES_PER_TRANSACTION = 160


def transactions_expected(config: Scenario) -> float:
    """Purchases a run records: customers x days x the mean BG/NBD purchase rate.

    Every firm's purchases are logged; the rate of a segment is ``r / alpha`` per day
    (Fader, Hardie & Lee 2005), an upper bound as customers drop out.
    """
    rate = sum(s.share * s.purchase.r / s.purchase.alpha for s in config.market.segments)
    # Only the reported window is recorded (the log restarts when it opens).
    return people_rows(config) * config.run.days * rate


def people_rows(config: Scenario) -> float:
    """Rows of the population: the people in the market plus the reserve of entrants.

    The engine keeps 1.5 times the expected entrants of the whole horizon in reserve,
    plus 50 rows (``engine/reserve.py``). New
    customers (``market.entry.mode: new_customers``) arrive at their stated rate;
    otherwise entrants replace the expected exits: at most the purchase rate
    ``r / alpha`` times the dropout chance ``a / (a + b)`` per person and day (an upper
    bound: not every occasion is a purchase), plus the category's growth. The shipped
    scenarios hold 1.0 to 2.0 rows per customer.
    """
    market = config.market
    customers = config.run.customers
    entry = market.entry
    if entry.mode == "none":
        return float(customers)
    if entry.mode == "new_customers":
        per_day = entry.customers_per_day or 0.0
    else:
        exits = sum(
            s.share * s.purchase.r / s.purchase.alpha * s.dropout.a / (s.dropout.a + s.dropout.b)
            for s in market.segments
        )
        per_day = customers * (exits + max(entry.growth_rate, 0.0) / 365.0)
    horizon = config.run.days + config.run.warmup_days
    return float(customers + reserve_rows(per_day, horizon))


def run_bytes(config: Scenario, *, transactions: bool = False) -> int:
    """Peak memory of one process running ``config``, in bytes (an upper estimate)."""
    total = float(PROCESS_BYTES + BYTES_PER_CUSTOMER * people_rows(config))
    if transactions:
        total += BYTES_PER_TRANSACTION * transactions_expected(config)
    return int(total)


def _meminfo_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_available() -> int | None:
    """What a cgroup v2 memory limit leaves (containers), if there is one."""
    root = Path("/sys/fs/cgroup")
    try:
        limit = (root / "memory.max").read_text().strip()
        if limit == "max":
            return None
        used = int((root / "memory.current").read_text().strip())
        return max(int(limit) - used, 0)
    except (OSError, ValueError):
        return None


def available_bytes() -> int | None:
    """Memory available to new work now, in bytes, or None if it cannot be told.

    The smaller of the kernel's ``MemAvailable`` and what a cgroup limit leaves.
    """
    figures = [f for f in (_meminfo_available(), _cgroup_available()) if f is not None]
    if not figures:
        try:
            return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):
            return None
    return min(figures)
