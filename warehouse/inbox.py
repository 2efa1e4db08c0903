"""The inbox: FDJ files dropped in a folder are checked, then handed to a pipeline run.

inbox/            files land here (only top-level *.csv / *.zip are looked at)
inbox/processing/ claimed by a run (name prefixed with a content hash)
inbox/archive/    ingested
inbox/rejected/   unreadable, or their run failed; each with a ``<name>.reason.txt``
"""

from __future__ import annotations

import hashlib
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lottery.fdj.parse import FdjFileError, iter_csv_members, parse_csv, sniff_game

SUFFIXES = (".csv", ".zip")
SETTLE_S = 2.0  # a file untouched this long is complete (not still being copied in)


@dataclass(frozen=True)
class Claimed:
    """A readable file moved to processing/, ready for a run."""

    original: str
    path: Path
    sha256: str
    games: tuple[str, ...]


@dataclass(frozen=True)
class Rejected:
    """An unreadable file moved to rejected/ with its reason."""

    original: str
    path: Path
    reason: str


class Inbox:
    """One inbox folder and its sub-folders."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.processing = root / "processing"
        self.archive = root / "archive"
        self.rejected = root / "rejected"

    def ensure(self) -> None:
        """Create the folders."""
        for folder in (self.root, self.processing, self.archive, self.rejected):
            folder.mkdir(parents=True, exist_ok=True)

    def ready(self, now: float | None = None) -> list[Path]:
        """Files that landed and have not changed for a moment, oldest first."""
        if not self.root.is_dir():
            return []
        now = time.time() if now is None else now
        files = [
            p
            for p in self.root.iterdir()
            if p.is_file()
            and not p.name.startswith(".")
            and p.suffix.lower() in SUFFIXES
            and now - p.stat().st_mtime >= SETTLE_S
        ]
        return sorted(files, key=lambda p: p.stat().st_mtime)

    def claim(self, path: Path) -> Claimed | Rejected:
        """Check a file (every CSV in it must parse as an FDJ history) and move it on."""
        data = path.read_bytes()
        try:
            games = []
            for name, member in iter_csv_members(data, path.name):
                games.append(sniff_game(member, name).value)
                parse_csv(member, name)
        except FdjFileError as exc:
            return Rejected(path.name, self.reject(path, str(exc)), str(exc))
        sha = hashlib.sha256(data).hexdigest()
        self.ensure()
        target = self.processing / f"{sha[:12]}-{path.name}"
        shutil.move(path, target)
        return Claimed(path.name, target, sha, tuple(sorted(set(games))))

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
        if not path.exists():
            return None
        self.ensure()
        target = self._free_name(self.archive, path.name)
        shutil.move(path, target)
        return target

    @staticmethod
    def _free_name(folder: Path, name: str) -> Path:
        target = folder / name
        if target.exists():
            target = folder / f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{name}"
        return target
