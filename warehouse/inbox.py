"""The inbox: FDJ files dropped in a folder are checked, then handed to a pipeline run.

inbox/            files land here (only top-level *.csv / *.zip are looked at)
inbox/processing/ claimed by a run (name prefixed with a content hash)
inbox/archive/    ingested
inbox/rejected/   refused, or their run failed; each with a ``<name>.reason.txt``

A file is refused up front (without a run) when it breaks a guard (size, zip entries, member size
or ratio, line length: ``lottery/fdj/guards.py``), cannot be parsed, is a symbolic link, or has more
than ``REJECT_FILE_SHARE`` of bad rows; its reason file then lists the first rejected rows.
The folders are created by the platform start and at every sensor tick.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lottery.fdj.guards import FileLimits, too_many_rejected, whole_file_reason
from lottery.fdj.parse import FdjFileError, Reject, iter_csv_members, parse_csv, sniff_game
from warehouse.sources import fetch

SUFFIXES = (".csv", ".zip")
SETTLE_S = 2.0  # a file untouched this long is complete (not still being copied in)
SHOWN_REJECTS = 20  # rejected rows listed in a reason file


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

    def __init__(self, root: Path, limits: FileLimits | None = None) -> None:
        self.root = root
        self.limits = limits or FileLimits()
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
            if (p.is_symlink() or p.is_file())
            and not p.name.startswith(".")
            and p.suffix.lower() in SUFFIXES
            and now - p.lstat().st_mtime >= SETTLE_S
        ]
        return sorted(files, key=lambda p: p.lstat().st_mtime)

    def claim(self, path: Path) -> Claimed | Rejected:
        """Check a file (guards, then every CSV in it must parse, mostly good rows) and move it on."""
        if path.is_symlink():
            reason = f"{path.name}: a symbolic link; copy the file itself into the inbox"
            return Rejected(path.name, self.reject(path, reason), reason)
        try:
            data = fetch(str(path), max_bytes=self.limits.max_file_bytes)
            games = []
            for name, member in iter_csv_members(data, path.name, self.limits):
                games.append(sniff_game(member, name).value)
                parsed = parse_csv(member, name, limits=self.limits)
                rejected = len(parsed.rejected_lines)
                if too_many_rejected(parsed.rows_read, rejected, self.limits.reject_file_share):
                    first = [(r.line_no, r.reason) for r in parsed.rejects]
                    reason = whole_file_reason(
                        name, parsed.rows_read, rejected, self.limits.reject_file_share, first
                    )
                    return Rejected(path.name, self.reject(path, reason, parsed.rejects), reason)
        except FdjFileError as exc:
            reason = str(exc).replace(str(path.parent) + "/", "")
            return Rejected(path.name, self.reject(path, reason), reason)
        sha = hashlib.sha256(data).hexdigest()
        self.ensure()
        target = self.processing / f"{sha[:12]}-{path.name}"
        shutil.move(path, target)
        return Claimed(path.name, target, sha, tuple(sorted(set(games))))

    def reject(self, path: Path, reason: str, rejects: list[Reject] | None = None) -> Path:
        """Move a file to rejected/ and write why next to it (with its first rejected rows, if any)."""
        self.ensure()
        target = self._free_name(self.rejected, path.name)
        shutil.move(path, target)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        lines = [stamp, reason]
        if rejects:
            lines += ["", f"First rejected rows ({min(len(rejects), SHOWN_REJECTS)} of {len(rejects)}):"]
            lines += [f"line {r.line_no}: {r.reason} | {r.raw_line[:200]}" for r in rejects[:SHOWN_REJECTS]]
        target.with_name(target.name + ".reason.txt").write_text("\n".join(lines) + "\n")
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
