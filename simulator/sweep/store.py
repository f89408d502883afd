"""A sweep's directory: written by the driver alone, one atomic file at a time.

Layout::

    DIR/manifest.json               design hash, sizes, versions (written first)
    DIR/experiment.resolved.yaml    the experiment, its scenario inlined
    DIR/design.parquet              point and the value of each uncertainty
    DIR/parts/point-000042.parquet  tidy rows of one finished point
    DIR/failed/point-000017.json    the error of a point that failed
    DIR/analysis/, DIR/sweep.html   written by ``sweep-report``

Every file is written beside its target under a hidden temporary name and renamed into
place (``os.replace`` is atomic on one file system), so a sweep killed at any instant
leaves whole parts or none: resuming trusts every ``point-*.parquet`` it finds and
removes stray temporary files. A point is finished once its part exists; a failed point
is retried by ``--resume`` (a lost worker is not a property of the point).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from simulator.errors import OutputError

__all__ = ["SweepStore", "atomic_write"]

MANIFEST = "manifest.json"
DESIGN = "design.parquet"
RESOLVED = "experiment.resolved.yaml"
PARTS = "parts"
FAILED = "failed"
_PART = re.compile(r"^point-(\d+)\.(parquet|json)$")
FORMAT = 1


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through ``write(tmp)`` on a hidden temporary name, then rename it."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())  # the rename must not outlive the data after a crash
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_text(path: Path, text: str) -> None:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    atomic_write(path, write)


class SweepStore:
    """The files of one sweep directory."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @property
    def parts(self) -> Path:
        """Folder of the finished points' Parquet parts."""
        return self.root / PARTS

    @property
    def failed(self) -> Path:
        """Folder of the failed points' errors."""
        return self.root / FAILED

    def create(
        self, manifest: dict[str, Any], resolved: dict[str, Any], design: pd.DataFrame
    ) -> None:
        """Write the manifest, the resolved experiment and the design before any run."""
        try:
            self.root.mkdir(parents=True, exist_ok=False)
        except FileExistsError:
            raise OutputError(
                f"{self.root}: directory exists already; choose another --out, "
                "or add --resume to finish that sweep"
            ) from None
        except OSError as exc:
            raise OutputError(f"{self.root}: cannot create the sweep ({exc.strerror})") from None
        try:
            self.parts.mkdir()
            self.failed.mkdir()
            atomic_write(self.root / DESIGN, lambda tmp: design.to_parquet(tmp, index=False))
            _write_text(self.root / RESOLVED, yaml.safe_dump(resolved, sort_keys=False))
            # The manifest last: a directory with a manifest has its design too.
            self.write_manifest(manifest)
        except BaseException as exc:
            # No half-made sweep: without its manifest a directory could not be resumed.
            shutil.rmtree(self.root, ignore_errors=True)
            if isinstance(exc, OSError):
                raise OutputError(
                    f"{self.root}: cannot create the sweep ({exc.strerror or exc})"
                ) from None
            raise

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Replace the manifest atomically."""
        _write_text(self.root / MANIFEST, json.dumps(manifest, indent=2, default=str) + "\n")

    def manifest(self) -> dict[str, Any]:
        """The manifest, or an OutputError saying this is not a sweep directory."""
        path = self.root / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise OutputError(
                f"{self.root}: not a sweep directory (no {MANIFEST}); expected the --out "
                "of an earlier `loyalty-sim sweep`"
            ) from None
        except (OSError, ValueError) as exc:
            raise OutputError(f"{path}: cannot read the manifest ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise OutputError(f"{path}: not a sweep manifest of format {FORMAT}")
        return data

    def design(self) -> pd.DataFrame:
        """The design table."""
        return pd.read_parquet(self.root / DESIGN)

    def clean_temporary(self) -> list[Path]:
        """Remove the temporary files a killed driver left; return them."""
        removed = []
        for folder in (self.root, self.parts, self.failed):
            for entry in folder.glob(".*.tmp-*"):
                entry.unlink(missing_ok=True)
                removed.append(entry)
        return removed

    def finished(self) -> set[int]:
        """Points whose part exists."""
        return self._points(self.parts, "parquet")

    def failures(self) -> dict[int, dict[str, Any]]:
        """Failed points and their recorded errors."""
        out = {}
        for point in self._points(self.failed, "json"):
            path = self.failed / f"point-{point:06d}.json"
            out[point] = json.loads(path.read_text(encoding="utf-8"))
        return out

    @staticmethod
    def _points(folder: Path, ext: str) -> set[int]:
        if not folder.is_dir():
            return set()
        return {
            int(m.group(1))
            for name in os.listdir(folder)
            if (m := _PART.match(name)) and m.group(2) == ext
        }

    def write_part(self, point: int, rows: pd.DataFrame) -> None:
        """Land a finished point; clear an earlier failure of it."""
        path = self.parts / f"point-{point:06d}.parquet"
        atomic_write(path, lambda tmp: rows.to_parquet(tmp, index=False))
        (self.failed / f"point-{point:06d}.json").unlink(missing_ok=True)

    def write_failure(self, point: int, record: dict[str, Any]) -> None:
        """Record why a point failed (it is retried by ``--resume``)."""
        path = self.failed / f"point-{point:06d}.json"
        _write_text(path, json.dumps(record, indent=2, default=str) + "\n")

    def read_parts(self) -> pd.DataFrame:
        """Every finished point's rows, in (point, strategy, replication, metric) order."""
        files = sorted(self.parts.glob("point-*.parquet"))
        if not files:
            return pd.DataFrame()
        frame = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
        return frame
