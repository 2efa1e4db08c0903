"""The inbox: FDJ files dropped in a folder, each handed to one pipeline run.

inbox/            files land here (only top-level *.csv / *.zip are looked at)
inbox/archive/    ingested by a successful run
inbox/rejected/   their run failed; each with a ``<name>.reason.txt`` (the run's error)

The sensor's tick only *decides*: it lists the settled files and asks for one run per file, keyed
by name, size and modification time (a file dropped again, changed, is a new run; the same file is
never run twice). It neither reads, moves nor parses a file. The run reads the file where it lies,
within the guards (``lottery/fdj/guards.py``: size, zip entries and ratios, line length, whole-file
rejection) and refuses a symbolic link; the run-status sensors then move the file to ``archive/``
or ``rejected/`` once Dagster has recorded the run's outcome. A run that dies leaves the file in the
inbox, where it stays visible (and ``orphaned_run_sensor`` fails the run, which rejects the file).
The folders are created by the platform start and at every sensor tick.
"""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

SUFFIXES = (".csv", ".zip")
SETTLE_S = 2.0  # a file untouched this long is complete (not still being copied in)


class Inbox:
    """One inbox folder and its sub-folders."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.archive = root / "archive"
        self.rejected = root / "rejected"

    def ensure(self) -> None:
        """Create the folders."""
        for folder in (self.root, self.archive, self.rejected):
            folder.mkdir(parents=True, exist_ok=True)

    def ready(self, now: float | None = None) -> list[Path]:
        """Files that landed and have not changed for a moment, oldest first (links included: the
        run refuses them with a reason)."""
        if not self.root.is_dir():
            return []
        now = time.time() if now is None else now
        files = [
            p
            for p in self.root.iterdir()
            if (p.is_symlink() or p.is_file())
            and not p.name.startswith(".")
            and p.suffix.lower() in SUFFIXES
            and now - p.lstat().st_mtime >= SETTLE_S
        ]
        return sorted(files, key=lambda p: p.lstat().st_mtime)

    @staticmethod
    def run_key(path: Path) -> str:
        """``name:size:mtime_ns``: the same file is run once; a changed or re-dropped one again."""
        st = path.lstat()
        return f"{path.name}:{st.st_size}:{st.st_mtime_ns}"

    def reject(self, path: Path, reason: str) -> Path:
        """Move a file to rejected/ and write why next to it."""
        self.ensure()
        target = self._free_name(self.rejected, path.name)
        shutil.move(path, target)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        target.with_name(target.name + ".reason.txt").write_text(f"{stamp}\n{reason}\n")
        return target

    def archive_file(self, path: Path) -> Path | None:
        """Move a processed file to archive/ (None if it is gone)."""
        if not (path.exists() or path.is_symlink()):
            return None
        self.ensure()
        target = self._free_name(self.archive, path.name)
        shutil.move(path, target)
        return target

    @staticmethod
    def _free_name(folder: Path, name: str) -> Path:
        target = folder / name
        if target.exists() or target.is_symlink():
            target = folder / f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{name}"
        return target
