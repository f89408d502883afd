"""Names a user can address: list entries reached by ``--set``, strategies by
``--strategies`` (issue 17, item 13).

``--set market.segments.<name>.share=...`` splits its key at ``.`` (and ``->``) and reads
a part of digits as a list index; ``--strategies a,b`` splits at ``,``. A name that
holds one of these can never be addressed, so it is refused where it is declared. A
blank name, spaces around a name and control characters (which could drive a terminal,
item 9) are refused for every name.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator

__all__ = ["EntryName", "Name", "StrategyName", "check_name", "check_tier_names"]

# The tier below the first level: metrics.parquet labels its rows with this name.
BASE_TIER = "base"


def _control(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf") for c in text)


def check_name(value: str, *, forbid: tuple[str, ...] = (), digits: bool = True) -> str:
    """``value`` if it is a usable name, else a ValueError saying what to change."""
    if not value.strip():
        raise ValueError(f"a name cannot be blank, got {value!r}")
    if value != value.strip():
        raise ValueError(f"a name cannot start or end with spaces, got {value!r}")
    if _control(value):
        raise ValueError(f"a name cannot hold control characters, got {value!r}")
    for bad in forbid:
        if bad in value:
            why = "--strategies separates names" if bad == "," else "--set separates keys"
            raise ValueError(f"a name cannot contain {bad!r} ({why} with it), got {value!r}")
    if not digits and value.lstrip("-").isdigit():
        raise ValueError(
            f"a name cannot be a number (--set would read it as a list index), got {value!r}"
        )
    return value


def _name(value: str) -> str:
    return check_name(value)


def _entry(value: str) -> str:
    return check_name(value, forbid=(".", "->"), digits=False)


def _strategy(value: str) -> str:
    return check_name(value, forbid=(",",))


Name = Annotated[str, AfterValidator(_name)]
"""A name shown to people (the firm's): not blank, no surrounding spaces or control
characters."""

EntryName = Annotated[str, AfterValidator(_entry)]
"""The name of a list entry ``--set`` can address (segment, competitor, offer, tier,
campaign): also no ``.`` or ``->``, and not a number."""

StrategyName = Annotated[str, AfterValidator(_strategy)]
"""A strategy's name: also no ``,``."""


def check_tier_names(names: list[str]) -> None:
    """Tier names are unique and none is the base tier's: each names its own rows in
    ``metrics.parquet``."""
    if len(set(names)) != len(names):
        raise ValueError(f"tier names must be unique, got {names}")
    if any(n.strip().lower() == BASE_TIER for n in names):
        raise ValueError(
            f"{BASE_TIER!r} names the tier below the first level; choose another name, got {names}"
        )
