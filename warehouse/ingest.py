"""Ingest one game's FDJ files into the warehouse: fetch, parse, load, log.

Good files are always loaded, whatever happens to the others; a file that cannot be read is
logged as failed with the reason and reported back, so the caller can fail loudly after the rest.

Each file goes through the guards (``lottery/fdj/guards.py``) before it is parsed: size, zip entries,
each member's declared size, ratio and inflated bytes, line length. A file (or zip) is one unit: if
any CSV of it is unreadable or mostly rejected rows, nothing of it is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from intake.sources import expand, fetch, game_hint
from lottery.fdj.guards import FileLimits, too_many_rejected
from lottery.fdj.parse import FdjFileError, ParsedFile, iter_csv_members, parse_csv, sniff_game
from lottery.games import Game
from warehouse.loader import (
    FileReport,
    load_parsed,
    log_failed_file,
    log_rejected_file,
    record_counts,
    sha256_of,
)


@dataclass
class IngestResult:
    """What one ingest of one game did."""

    game: Game
    files: list[FileReport] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> list[FileReport]:
        """Files that could not be read at all."""
        return [f for f in self.files if not f.ok]

    def total(self, attribute: str) -> int:
        """Sum of one counter (``rows_read``, ``inserted`` ...) over the readable files."""
        return sum(getattr(f, attribute) for f in self.files if f.ok)


def ingest_game(
    con: duckdb.DuckDBPyConnection,
    game: Game,
    source: str,
    *,
    run_id: str | None = None,
    today: date | None = None,
    timeout_s: float = 30.0,
    limits: FileLimits | None = None,
) -> IngestResult:
    """Load every file of ``game`` found in ``source`` (see :func:`intake.sources.expand`)."""
    limits = limits or FileLimits()
    result = IngestResult(game=game)
    parsed: list[tuple[ParsedFile, str, int, str]] = []
    for location in expand(source):
        relevant = game_hint(location) in (None, game)
        fetched: str | None = None
        try:
            data = fetch(location, timeout_s=timeout_s, max_bytes=limits.max_file_bytes)
            fetched = sha256_of(data)
            members = list(iter_csv_members(data, location, limits))
        except FdjFileError as exc:
            if relevant:
                result.files.append(
                    log_failed_file(con, location, str(exc), game=game, run_id=run_id, fetched_sha256=fetched)
                )
            continue
        del data
        report, ours = _parse_location(con, game, members, relevant, today, run_id, limits, fetched)
        if report is not None:
            result.files.append(report)
        parsed += ours
    # Oldest exports first: a newer export of the same period then revises what an older one said.
    parsed.sort(
        key=lambda item: (max((d.draw_date for d in item[0].draws), default=date.min), item[0].source)
    )
    for pf, sha, size, fetched_sha in parsed:
        result.files.append(
            load_parsed(
                con, pf, sha256=sha, size=size, run_id=run_id, limits=limits, fetched_sha256=fetched_sha
            )
        )
    result.counts = record_counts(con, game, run_id)
    return result


def _parse_location(
    con: duckdb.DuckDBPyConnection,
    game: Game,
    members: list[tuple[str, bytes]],
    relevant: bool,
    today: date | None,
    run_id: str | None,
    limits: FileLimits,
    fetched: str,
) -> tuple[FileReport | None, list[tuple[ParsedFile, str, int, str]]]:
    """Parse the CSVs of one file: all of ``game``'s, or (one failing) none, with the failure logged.

    ``fetched`` is the sha256 of the file as fetched (the zip, or the CSV itself), logged with each CSV.
    """
    ours: list[tuple[ParsedFile, str, int, str]] = []
    for name, member in members:
        sha = sha256_of(member)
        try:
            if sniff_game(member, name) != game:
                continue
            pf = parse_csv(member, name, game=game, today=today, limits=limits)
        except FdjFileError as exc:
            if not relevant:
                return None, []
            return log_failed_file(
                con,
                name,
                str(exc),
                game=game,
                sha256=sha,
                size=len(member),
                run_id=run_id,
                fetched_sha256=fetched,
            ), []
        rejected = len(pf.rejected_lines)
        if too_many_rejected(pf.rows_read, rejected, limits.reject_file_share):
            report = log_rejected_file(
                con,
                pf,
                pf.rejects,
                rejected,
                sha256=sha,
                size=len(member),
                run_id=run_id,
                limits=limits,
                fetched_sha256=fetched,
            )
            return report, []
        ours.append((pf, sha, len(member), fetched))
    return None, ours
