"""Which scenario keys can change mid-run (docs/model.md §5.3, §10).

A scheduled change, a strategy applied to a running market, or a trainer's lever either
takes effect from that day on or is refused when the scenario is validated: nothing is
"applied" and silently ignored. Keys are fixed when the model reads them only once, at
the start: what is drawn into each customer, what the constants are calibrated on, how
the network is built, and the names that identify entries. Everything else can change.
"""

from __future__ import annotations

import fnmatch
from typing import Any

# (pattern, why it is fixed). Paths are dotted, list entries written as "*".
FIXED: tuple[tuple[str, str], ...] = (
    ("name", "names the run"),
    ("description", "describes the run"),
    ("run.*", "is a run constant"),
    ("market.segments.*.name", "identifies a segment"),
    ("market.segments.*.share", "is drawn into the population at the start"),
    ("market.segments.*.purchase.*", "is drawn into each customer at the start"),
    ("market.segments.*.dropout.*", "is drawn into each customer at the start"),
    ("market.segments.*.spend.*", "is drawn into each customer at the start"),
    ("market.segments.*.price_sensitivity", "is drawn into each customer at the start"),
    ("market.initial.*", "sets the state at the start"),
    ("market.network.*", "builds the social network at the start"),
    ("market.choice.skip_share", "calibrates the choice constants once"),
    ("market.choice.match_sd", "is drawn into each customer at the start"),
    ("market.choice.expectation_sd", "is drawn into each customer at the start"),
    ("market.choice.known_expectation_sd", "is drawn into each customer at the start"),
    ("market.satisfaction.initial_sd", "sets the state at the start"),
    ("market.entry.*", "schedules entry into the category at the start"),
    ("market.competitors.*.name", "identifies a competitor"),
    ("market.competitors.*.market_share", "calibrates the choice constants once"),
    ("market.competitors.*.awareness", "is drawn into each customer at the start"),
    ("market.competitors.*.reputation", "sets expectations at the start"),
    ("market.competitors.*.offers*", "is an offer already scheduled (add a new offer instead)"),
    ("firm.name", "identifies the firm"),
    ("firm.market_share", "calibrates the choice constants once"),
    ("firm.reputation", "sets expectations at the start"),
    ("firm.programme.enrol_all_at_start", "acts when the programme opens"),
    ("firm.programme.tiers.initial_from_expected", "acts when the programme opens"),
    ("firm.programme.tiers.metric", "defines the qualifying amount being accrued"),
    ("firm.programme.tiers.levels.*.name", "identifies a tier (add tiers, do not rename)"),
    ("firm.programme.campaigns.*.name", "identifies a campaign (add campaigns, do not rename)"),
)
# Fixed only for entries that exist already: new entries may be added mid-run.
RENAME_ONLY = (
    "firm.programme.tiers.levels.*.name",
    "firm.programme.campaigns.*.name",
    "market.competitors.*.offers.*",  # a competitor's offer launched mid-run
)
# Lists that may grow mid-run: an empty one that gains entries is not a change of it.
GROWABLE = ("market.competitors.*.offers",)

LIVE_SUMMARY = (
    "firm.* (but name, market_share, reputation), firm.programme (introduced or changed), "
    "market.competitors.<name>.{price, quality, reward_rate, reaction}, new competitors' "
    "offers, "
    "market.competitive_intensity, the behavioural constants under market.choice, "
    "satisfaction, defection, complaints, word_of_mouth and acquisition, segments' "
    "quality_weight, reward_sensitivity, status_sensitivity and talkativeness, and modules.*"
)


def flatten(tree: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf values by dotted path; list entries of mappings by index, other lists whole."""
    out: dict[str, Any] = {}
    if isinstance(tree, dict):
        for k, v in tree.items():
            out.update(flatten(v, f"{prefix}{k}."))
    elif isinstance(tree, list) and tree and all(isinstance(v, dict) for v in tree):
        for i, v in enumerate(tree):
            out.update(flatten(v, f"{prefix}{i}."))
    else:
        out[prefix[:-1]] = tree
    return out


def pattern_of(path: str) -> str:
    """The path with list indices written as ``*``."""
    return ".".join("*" if part.isdigit() else part for part in path.split("."))


def why_fixed(path: str) -> str | None:
    """Why the key at ``path`` cannot change mid-run, or None if it can."""
    generic = pattern_of(path)
    for pattern, why in FIXED:
        if fnmatch.fnmatchcase(generic, pattern):
            return why
    return None


def changed_paths(
    before: dict[str, Any], after: dict[str, Any], *, set_only: bool = False
) -> list[str]:
    """Dotted paths whose value differs between two scenario trees (new entries are
    changes from "missing" to a value). ``set_only`` ignores keys missing from
    ``after`` (a raw override tree, before validation fills in defaults)."""
    a, b = flatten(before), flatten(after)
    out = []
    for k in sorted(set(a) | set(b)):
        old, new = a.get(k, _MISSING), b.get(k, _MISSING)
        if old == new or (set_only and new is _MISSING):
            continue
        if old is _MISSING and any(fnmatch.fnmatchcase(pattern_of(k), r) for r in RENAME_ONLY):
            continue  # a new tier, campaign or competitor's offer
        if (
            old == []
            and new is _MISSING
            and any(fnmatch.fnmatchcase(pattern_of(k), g) for g in GROWABLE)
        ):
            continue  # an empty list of offers that gained its first
        out.append(k)
    return out


_MISSING = object()


def fixed_changes(
    before: dict[str, Any], after: dict[str, Any], *, set_only: bool = False
) -> list[tuple[str, str]]:
    """The changed keys that cannot change mid-run, with the reason.

    A programme introduced mid-run (``firm.programme`` from none to a section) opens
    with all its keys, so they are not checked one by one; removing a running
    programme is refused (switch ``modules.programme`` off to pause it).
    """
    out = []
    before_prog = before.get("firm", {}).get("programme")
    after_prog = after.get("firm", {}).get("programme")
    if before_prog is not None and after_prog is None and "programme" in after.get("firm", {}):
        return [("firm.programme", "cannot be removed mid-run; set modules.programme: false")]
    introduced = before_prog is None and after_prog is not None
    ignore = ("schedule", "strategies")
    for path in changed_paths(before, after, set_only=set_only):
        if path.split(".")[0] in ignore:
            continue
        if introduced and path.startswith("firm.programme"):
            continue
        why = why_fixed(path)
        if why is not None:
            out.append((path, why))
    return out
