"""FDJ's history archives, downloaded: fetched within the ingest guards, checked, hashed, staged for a run.

A download goes through the same guards as any FDJ file (``intake.sources.fetch``: streamed, stopped at
``INGEST_MAX_FILE_BYTES`` and at the timeout; ``lottery.fdj.parse.iter_csv_members``: entry count, member
names, declared sizes, ratios, inflated bytes), and each CSV inside must be an export of the expected
game. What passes is written under ``FDJ_DOWNLOAD_DIR/<game>/`` by its sha256, for the run to ingest.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from intake.sources import TransientDownloadError, fetch
from lottery.fdj.guards import FileLimits
from lottery.fdj.parse import FdjFileError, iter_csv_members, sniff_game
from lottery.games import Game

KEEP_STAGED = 10  # archives kept per game (the newest); a queued run's file is always among them


class ArchiveRefusedError(FdjFileError):
    """The archive cannot be ingested as it is (HTTP 4xx, over a limit, a broken zip, another game)."""


@dataclass(frozen=True)
class Archive:
    """One downloaded archive that passed the guards."""

    game: Game
    url: str
    data: bytes
    sha256: str
    members: tuple[str, ...]


def download_archive(game: Game, url: str, *, timeout_s: float, limits: FileLimits) -> Archive:
    """Download, check and hash ``game``'s archive at ``url``.

    Raises :class:`intake.sources.TransientDownloadError` when trying later may help (timeout, no
    connection, HTTP 5xx/429) and :class:`ArchiveRefusedError` for anything else.
    """
    try:
        data = fetch(url, timeout_s=timeout_s, max_bytes=limits.max_file_bytes)
    except TransientDownloadError:
        raise
    except FdjFileError as exc:
        raise ArchiveRefusedError(str(exc)) from exc
    members: list[str] = []
    try:
        for label, member in iter_csv_members(data, url, limits):
            found = sniff_game(member, label)
            if found != game:
                raise ArchiveRefusedError(
                    f"{label}: is a {found} export, expected {game} (FDJ_DOWNLOAD_URL_{game.value.upper()})"
                )
            members.append(label)
    except ArchiveRefusedError:
        raise
    except FdjFileError as exc:
        raise ArchiveRefusedError(str(exc)) from exc
    return Archive(game, url, data, hashlib.sha256(data).hexdigest(), tuple(members))


def stage(archive: Archive, directory: Path) -> Path:
    """Write the archive as ``<game>/<game>_<sha256>.zip`` (atomically) and keep the newest few."""
    folder = directory / archive.game.value
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{archive.game.value}_{archive.sha256}.zip"
    if not target.exists():
        temporary = folder / f".{target.name}.{os.getpid()}.tmp"
        temporary.write_bytes(archive.data)
        os.replace(temporary, target)
    target.touch()
    staged = sorted(folder.glob("*.zip"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in staged[KEEP_STAGED:]:
        if old != target:
            old.unlink(missing_ok=True)
    return target
