"""One range of seeds for every command: 0 .. 2**63 - 1 (issue 17, item 16).

numpy seeds a generator with any non-negative integer, but seeds are stored in int64
columns (``comparison.parquet``), so a comparison whose last replication's seed passed
2**63 - 1 wrote -2**63, and a negative seed failed only when its run started. Every seed
a command will use is checked against this range before any work.
"""

from __future__ import annotations

__all__ = ["SEED_MAX", "check_seeds"]

SEED_MAX = 2**63 - 1


def check_seeds(first: int, count: int = 1) -> str | None:
    """Why seeds ``first .. first + count - 1`` are out of range, or None if they fit."""
    last = first + count - 1
    if first < 0:
        return f"got {first}; seeds must be in 0..{SEED_MAX} (2**63 - 1)"
    if last > SEED_MAX:
        if count == 1:
            return f"got {first}; seeds must be in 0..{SEED_MAX} (2**63 - 1)"
        return (
            f"got {first}, and {count} replications use seeds up to {last}; seeds must be "
            f"in 0..{SEED_MAX} (2**63 - 1), so the base seed can be at most "
            f"{SEED_MAX - count + 1}"
        )
    return None
