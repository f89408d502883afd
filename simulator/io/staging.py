"""Result directories written in full or not at all, never overwritten, never lost.

Everything is written into a hidden staging folder beside the target
(``.<name>.partial-<pid>-<token>``) and renamed into place at the end. The target is claimed
with an atomic ``mkdir`` just before that rename, so two commands finishing in the same
second never collide: a default name takes the next free suffix (``-2``, ``-3``...),
and a ``--out`` that appeared during the run keeps the results beside it under such a
suffix, saying so. A ``--out`` that exists, is a file or cannot be created is refused
before any work starts (:func:`check_new_dir`). Staging folders left by processes that
were killed are removed the next time a result is written beside them.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from simulator.errors import OutputError

__all__ = [
    "Staging",
    "check_can_create",
    "check_new_dir",
    "clean_stale_partials",
    "safe_slug",
    "staged_directory",
    "unique_dir",
    "utc_stamp",
]

_PARTIAL = re.compile(r"^\..+\.partial-(?P<pid>[0-9]+)(?:-[0-9a-f]+)?$")
_SLUG_BAD = re.compile(r"[^A-Za-z0-9_.-]+")


def utc_stamp() -> str:
    """Now in UTC as ``YYYYMMDDTHHMMSSZ``, for directory names that sort by time."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def safe_slug(name: str, *, fallback: str = "scenario") -> str:
    """A folder name made from ``name`` that stays inside its parent.

    Characters other than letters, digits, ``_``, ``.`` and ``-`` become ``_``, and
    leading dots go, so ``..`` or ``.`` can never name the parent or the folder itself
    (issue 17, item 12); an empty result becomes ``fallback``.
    """
    slug = _SLUG_BAD.sub("_", name).lstrip(".")[:80]
    return slug or fallback


def unique_dir(base: Path) -> Path:
    """``base``, or ``base-2``, ``base-3``... if it exists already."""
    path, k = base, 1
    while path.exists():
        k += 1
        path = base.with_name(f"{base.name}-{k}")
    return path


def check_new_dir(out: str | Path, *, option: str = "--out") -> Path:
    """Refuse, before any work, a target that exists, is a file or cannot be created."""
    if str(out).strip() == "":
        raise OutputError(f"{option} is empty; expected the path of a new directory")
    target = Path(out)
    if target.is_dir():
        raise OutputError(f"{target}: directory exists already; choose another {option}")
    if target.exists() or target.is_symlink():
        raise OutputError(f"{target}: is a file, not a directory; choose another {option}")
    check_can_create(target, option=option)
    return target


def check_can_create(target: Path, *, option: str = "--out") -> None:
    """Refuse a folder that could not be created (read-only, a file in the way),
    before any work: the default ``results/<scenario>/...`` as much as an ``--out``.

    Creating a probe folder in the nearest existing ancestor tests what permission bits
    cannot (a read-only file system, or root's rights).
    """
    ancestor = target.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(f"{target}: cannot be created: {ancestor} is a file, not a directory")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".loyalty-sim-probe-", dir=ancestor))
    except OSError as exc:
        raise OutputError(
            f"{target}: cannot be created in {ancestor} ({exc.strerror}); choose another {option}"
        ) from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def clean_stale_partials(folder: Path) -> list[Path]:
    """Remove staging folders in ``folder`` whose process is dead; return them.

    A folder of a live process (or of a pid now reused) is kept: the worst case is a
    stale folder kept, never a live one removed.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _PARTIAL.match(entry.name)
        if match is None or int(match["pid"]) == os.getpid():
            continue
        try:
            is_dir = stat.S_ISDIR(entry.stat(follow_symlinks=False).st_mode)
        except OSError:
            continue
        if is_dir and not _alive(int(match["pid"])):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


def _claim(target: Path, *, unique: bool, what: str) -> tuple[Path, str | None]:
    """Create ``target`` (or, if it exists, the next free ``-k`` sibling) atomically.

    Returns the path claimed and, when it is not ``target`` although the user chose
    ``target``, the reason to tell them.
    """
    path, k = target, 1
    while True:
        try:
            os.mkdir(path)
        except FileExistsError:
            k += 1
            path = target.with_name(f"{target.name}-{k}")
            continue
        if path == target or unique:
            return path, None
        return path, f"{target}: {what} appeared meanwhile; the results were kept in {path}"


@dataclass
class Staging:
    """Where to write (``path``), and where the result ended up (``final``, once moved)."""

    path: Path
    final: Path | None = None


@contextmanager
def staged_directory(
    target: Path, *, what: str = "run directory", unique: bool = False
) -> Iterator[Staging]:
    """Yield a hidden staging folder beside ``target``; move it into place on success.

    ``unique``: ``target`` is a default name, and a free sibling name is taken if it is
    in use. Otherwise ``target`` must not exist now; if it appears before the end, the
    results go to a free sibling and an :class:`OutputError` names it. The folder the
    results went to is ``Staging.final``.
    """
    if not unique and (target.exists() or target.is_symlink()):
        kind = "exists already" if target.is_dir() else "is a file, not a directory"
        raise OutputError(f"{target}: {kind}; choose another --out")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_partials(target.parent)
        # The pid lets a later run tell a dead writer's folder; the token keeps two
        # writers in one process (threads) apart.
        token = secrets.token_hex(4)
        staging = target.parent / f".{target.name}.partial-{os.getpid()}-{token}"
        staging.mkdir()
    except OSError as exc:
        raise OutputError(f"{target}: cannot create the {what} ({exc.strerror})") from None
    claimed: Path | None = None
    handle = Staging(staging)
    try:
        yield handle
        claimed, moved = _claim(target, unique=unique, what=what)
        # rename() onto the empty folder just claimed replaces it atomically.
        staging.rename(claimed)
        handle.final = claimed
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if claimed is not None:
            _remove_empty(claimed)
        raise OutputError(f"{target}: cannot write the results ({exc.strerror or exc})") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if claimed is not None:
            _remove_empty(claimed)
        raise
    if moved is not None:
        raise OutputError(moved)


def _remove_empty(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass
