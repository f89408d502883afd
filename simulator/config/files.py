"""Opening input files safely: regular files only, with a size limit.

A scenario or an edge list that is a FIFO would block ``open`` forever, and
``/dev/zero`` or ``/dev/urandom`` would be read without bound (issue 17, item 5). So a
file is opened without blocking, checked to be a regular file, and read up to a limit;
``/proc`` files report a size of 0, so the limit is enforced on what is read too.
Messages name the problem, never the file's content.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

__all__ = ["FileRefused", "human_bytes", "is_regular", "open_regular", "read_regular"]


class FileRefused(ValueError):
    """The file cannot be used as input; the message says why (no path, no content)."""


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def human_bytes(n: float) -> str:
    """``2.1 MB``, ``208 MB``, ``1.5 GB`` (powers of 1000, as file managers show them)."""
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} TB"  # pragma: no cover


def open_regular(path: str | os.PathLike[str], *, limit: int, follow: bool = True) -> BinaryIO:
    """Open ``path`` for binary reading if it is a regular file of at most ``limit`` bytes.

    ``follow=False`` refuses a symbolic link at the last step of the path (a run folder's
    files, which ``report`` reads only from inside the folder).

    Raises
    ------
    FileRefused
        Missing, unreadable, not a regular file (directory, FIFO, device, socket) or
        larger than ``limit``.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of hanging.
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileRefused("file not found") from None
    except NotADirectoryError:
        raise FileRefused("file not found (a parent is not a directory)") from None
    except OSError as exc:
        if not follow and os.path.islink(path):
            raise FileRefused("is a symbolic link; expected a regular file") from None
        raise FileRefused(f"cannot open the file ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        for test, kind in _KINDS:
            if test(st.st_mode):
                raise FileRefused(f"is {kind}; expected a regular file")
        if not stat.S_ISREG(st.st_mode):
            raise FileRefused("is not a regular file")
        if st.st_size > limit:
            raise FileRefused(
                f"is {human_bytes(st.st_size)}, larger than the limit of {human_bytes(limit)}"
            )
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str], *, limit: int, follow: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`open_regular`)."""
    with open_regular(path, limit=limit, follow=follow) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise FileRefused(f"cannot read the file ({exc.strerror})") from None
    if len(data) > limit:
        # A file whose size is not known in advance (/proc) and that goes on.
        raise FileRefused(f"holds more than the limit of {human_bytes(limit)}")
    return data


def is_regular(path: str | Path) -> bool:
    """True if ``path`` is a regular file (following no symlink at the last step)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False
